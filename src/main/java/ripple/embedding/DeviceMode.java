package ripple.embedding;

import java.util.Locale;

/** The {@code embedding.device} setting: gpu fails at start without CUDA, auto falls back to the CPU. */
public enum DeviceMode {
    CPU, GPU, AUTO;

    public static DeviceMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new EmbeddingConfigException(TextModelSettings.DEVICE, "must be cpu, gpu or auto, was '" + value + "'");
        }
    }
}
