package ripple.embedding;

import java.nio.file.Path;
import java.util.Map;
import ripple.config.RippleConfig;

/**
 * One text model's settings ({@code embedding.*}), parsed and checked once at start; the embedder role's own
 * settings, which hold one or two of these, are {@link EmbedderSettings}.
 *
 * @param model        built-in model name, or {@code file} for the user's own model
 * @param device       cpu, gpu or auto
 * @param threads      ONNX Runtime intra-op threads
 * @param maxTextChars item texts longer than this are rejected as oversized
 */
public record TextModelSettings(ModelSpec model, DeviceMode device, int threads, int maxTextChars) {

    public static final String MODEL = "embedding.model";
    public static final String MODEL_FILE = "embedding.model.file";
    public static final String MODEL_TOKENIZER = "embedding.model.tokenizer";
    public static final String MODEL_POOLING = "embedding.model.pooling";
    public static final String MODEL_LOWERCASE = "embedding.model.lowercase";
    public static final String MAX_SEQ_LENGTH = "embedding.max-seq-length";
    public static final String DEVICE = "embedding.device";
    public static final String THREADS = "embedding.threads";
    public static final String MAX_TEXT_CHARS = "embedding.max-text-chars";

    public TextModelSettings {
        if (threads < 1) {
            throw new EmbeddingConfigException(THREADS, "must be at least 1, was " + threads);
        }
        if (maxTextChars < 1) {
            throw new EmbeddingConfigException(MAX_TEXT_CHARS, "must be at least 1, was " + maxTextChars);
        }
    }

    /** Defaults for a built-in model: auto device, one thread per core. */
    public static TextModelSettings of(ModelSpec model) {
        return new TextModelSettings(model, DeviceMode.AUTO, Runtime.getRuntime().availableProcessors(),
                RippleConfig.defaultConfig().intValue(MAX_TEXT_CHARS));
    }

    /**
     * The settings of the model {@code embedding.model} names (one name: the embedder role splits a list of two).
     * Parsed as every setting is, by {@link RippleConfig} from the definitions in {@code Settings}.
     */
    public static TextModelSettings from(RippleConfig c) {
        String name = c.string(MODEL).trim();
        int maxSeq = c.intValue(MAX_SEQ_LENGTH);
        ModelSpec spec;
        if (name.equalsIgnoreCase("file")) {
            spec = ModelSpec.file(Path.of(required(c, MODEL_FILE)), Path.of(required(c, MODEL_TOKENIZER)),
                    Pooling.parse(required(c, MODEL_POOLING), MODEL_POOLING), c.bool(MODEL_LOWERCASE), maxSeq);
        } else {
            spec = ModelSpec.builtIn(name).withMaxSeqLength(maxSeq);
        }
        return new TextModelSettings(spec, DeviceMode.parse(c.string(DEVICE)),
                c.optionalInt(THREADS).orElse(Runtime.getRuntime().availableProcessors()), c.intValue(MAX_TEXT_CHARS));
    }

    /** Plain {@code embedding.*} properties over the defaults, for tools and tests that hold no configuration. */
    public static TextModelSettings from(Map<String, String> properties) {
        return from(RippleConfig.of(properties, Map.of()));
    }

    private static String required(RippleConfig c, String key) {
        String v = c.string(key);
        if (v.isBlank()) {
            throw new EmbeddingConfigException(key, "is required when " + MODEL + "=file");
        }
        return v.trim();
    }
}
