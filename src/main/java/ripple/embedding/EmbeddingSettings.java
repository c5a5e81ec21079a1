package ripple.embedding;

import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code embedding.*} settings, parsed and checked once at start.
 *
 * @param model        built-in model name, or {@code file} for the user's own model
 * @param device       cpu, gpu or auto
 * @param threads      ONNX Runtime intra-op threads
 * @param maxTextChars item texts longer than this are rejected as oversized
 */
public record EmbeddingSettings(ModelSpec model, DeviceMode device, int threads, int maxTextChars) {

    public static final String MODEL = "embedding.model";
    public static final String MODEL_FILE = "embedding.model.file";
    public static final String MODEL_TOKENIZER = "embedding.model.tokenizer";
    public static final String MODEL_POOLING = "embedding.model.pooling";
    public static final String MODEL_LOWERCASE = "embedding.model.lowercase";
    public static final String MAX_SEQ_LENGTH = "embedding.max-seq-length";
    public static final String DEVICE = "embedding.device";
    public static final String THREADS = "embedding.threads";
    public static final String MAX_TEXT_CHARS = "embedding.max-text-chars";

    public static final String DEFAULT_MODEL = "bge-small-zh";
    public static final int DEFAULT_MAX_TEXT_CHARS = 10_000;

    public EmbeddingSettings {
        if (threads < 1) {
            throw new EmbeddingConfigException(THREADS, "must be at least 1, was " + threads);
        }
        if (maxTextChars < 1) {
            throw new EmbeddingConfigException(MAX_TEXT_CHARS, "must be at least 1, was " + maxTextChars);
        }
    }

    /** Defaults for a built-in model: auto device, one thread per core. */
    public static EmbeddingSettings of(ModelSpec model) {
        return new EmbeddingSettings(model, DeviceMode.AUTO, Runtime.getRuntime().availableProcessors(),
                DEFAULT_MAX_TEXT_CHARS);
    }

    /** Parses settings from flat key/value configuration; absent keys take their defaults. */
    public static EmbeddingSettings from(Map<String, String> config) {
        String name = config.getOrDefault(MODEL, DEFAULT_MODEL).trim();
        int maxSeq = intSetting(config, MAX_SEQ_LENGTH, ModelSpec.DEFAULT_MAX_SEQ_LENGTH);
        ModelSpec spec;
        if (name.equalsIgnoreCase("file")) {
            spec = ModelSpec.file(pathSetting(config, MODEL_FILE), pathSetting(config, MODEL_TOKENIZER),
                    Pooling.parse(required(config, MODEL_POOLING), MODEL_POOLING),
                    Boolean.parseBoolean(config.getOrDefault(MODEL_LOWERCASE, "false").trim()), maxSeq);
        } else {
            spec = ModelSpec.builtIn(name).withMaxSeqLength(maxSeq);
        }
        return new EmbeddingSettings(spec,
                DeviceMode.parse(config.getOrDefault(DEVICE, "auto")),
                intSetting(config, THREADS, Runtime.getRuntime().availableProcessors()),
                intSetting(config, MAX_TEXT_CHARS, DEFAULT_MAX_TEXT_CHARS));
    }

    private static String required(Map<String, String> config, String key) {
        String v = config.get(key);
        if (v == null || v.isBlank()) {
            throw new EmbeddingConfigException(key, "is required when " + MODEL + "=file");
        }
        return v.trim();
    }

    private static Path pathSetting(Map<String, String> config, String key) {
        return Path.of(required(config, key));
    }

    private static int intSetting(Map<String, String> config, String key, int dflt) {
        String v = config.get(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new EmbeddingConfigException(key, "must be an integer, was '" + v + "'");
        }
    }
}
