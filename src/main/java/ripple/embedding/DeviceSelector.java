package ripple.embedding;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.Locale;

/** Decides between CPU and the CUDA execution provider, and says why, for the start-up log line. */
final class DeviceSelector {

    /** The outcome: {@code gpu} or not, and a reason phrased for a log line. */
    record Choice(boolean gpu, String reason) {
        String device() {
            return gpu ? "gpu" : "cpu";
        }
    }

    private DeviceSelector() {
    }

    /**
     * Picks a device before any model is loaded. A CUDA provider that is compiled in may still fail
     * to start (no CUDA 12 / cuDNN 9 on the host); {@link TextEmbedder} handles that when it loads.
     */
    static Choice select(DeviceMode mode) {
        String setting = TextModelSettings.DEVICE + "=" + mode.name().toLowerCase(Locale.ROOT);
        if (mode == DeviceMode.CPU) {
            return new Choice(false, setting);
        }
        if (cudaCompiledIn()) {
            return new Choice(true, setting + " and the CUDA provider is available");
        }
        String why = "CUDA provider not available in this ONNX Runtime build (providers: "
                + OrtEnvironment.getAvailableProviders() + "; build with -Pgpu for onnxruntime_gpu)";
        if (mode == DeviceMode.GPU) {
            throw new EmbeddingConfigException(TextModelSettings.DEVICE, "gpu requested but " + why);
        }
        return new Choice(false, setting + " and " + why);
    }

    static boolean cudaCompiledIn() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }
}
