package ripple.embedding;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Item text to embedding with one BERT encoder, through DJL on ONNX Runtime.
 *
 * <p>Everything that can be wrong with the model or the device is found in {@link #open}: a missing
 * or corrupt file, a model with the wrong inputs or outputs, a GPU that was asked for and is not
 * there. Each fails with an {@link EmbeddingConfigException} naming the setting. After that,
 * {@link #embed} only fails for reasons outside the configuration.
 *
 * <p>Thread-safe. Inference calls are serialised on one predictor: ONNX Runtime already spreads one
 * call over {@code embedding.threads} cores, so concurrent calls would only oversubscribe them.
 */
public final class TextEmbedder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TextEmbedder.class);

    private final ModelSpec spec;
    private final ModelFiles.Resolved files;
    private final String device;
    private final int threads;
    private final ModelTokenizer tokenizer;
    private final ZooModel<TokenBatch, float[][]> model;
    private final Predictor<TokenBatch, float[][]> predictor;
    private final int dims;

    private TextEmbedder(ModelSpec spec, ModelFiles.Resolved files, String device, int threads,
                         ModelTokenizer tokenizer, ZooModel<TokenBatch, float[][]> model) {
        this.spec = spec;
        this.files = files;
        this.device = device;
        this.threads = threads;
        this.tokenizer = tokenizer;
        this.model = model;
        this.predictor = model.newPredictor();
        // one real inference at start: finds the width when the model leaves it symbolic, and proves
        // that the execution provider works before the first item arrives
        this.dims = embedTokens(tokenizer.tokenize(List.of("ripple")))[0].length;
    }

    public static TextEmbedder open(TextModelSettings settings) {
        return open(settings.model(), settings.device(), settings.threads());
    }

    /**
     * Loads the model on the chosen device and logs one line saying which device and why. On a GPU an
     * int8 built-in is replaced by its fp32 sibling when the {@code gpu} profile put it on the classpath.
     */
    public static TextEmbedder open(ModelSpec spec, DeviceMode mode, int threads) {
        DeviceSelector.Choice choice = DeviceSelector.select(mode);
        if (choice.gpu()) {
            try {
                return create(spec.fp32Sibling().orElse(spec), choice, threads);
            } catch (GpuStartFailure e) {
                if (mode == DeviceMode.GPU) {
                    throw new EmbeddingConfigException(TextModelSettings.DEVICE,
                            "gpu requested but the CUDA provider failed to start: " + e.getMessage(), e.getCause());
                }
                choice = new DeviceSelector.Choice(false, TextModelSettings.DEVICE
                        + "=auto and the CUDA provider is compiled in but failed to start (" + e.getMessage() + ")");
            }
        }
        return create(spec, choice, threads);
    }

    private static TextEmbedder create(ModelSpec spec, DeviceSelector.Choice choice, int threads) {
        ModelFiles.Resolved files = ModelFiles.resolve(spec);
        ModelSignature signature = ModelSignature.inspect(files.onnx(), spec.modelSetting());
        if (spec.dims() > 0 && signature.dims() > 0 && spec.dims() != signature.dims()) {
            throw new EmbeddingConfigException(spec.modelSetting(), "model " + spec.modelId() + " outputs "
                    + signature.dims() + " dims, expected " + spec.dims());
        }
        ModelTokenizer tokenizer = ModelTokenizer.open(files.tokenizer(), spec);
        ZooModel<TokenBatch, float[][]> model = null;
        try {
            model = Criteria.builder()
                    .setTypes(TokenBatch.class, float[][].class)
                    .optEngine("OnnxRuntime")
                    .optModelPath(files.onnx())
                    .optTranslator(new EmbeddingTranslator(spec.pooling(), signature.tokenTypeIds()))
                    // DJL's ORT engine adds the CUDA provider when the model's device is a GPU
                    .optDevice(choice.gpu() ? Device.gpu() : Device.cpu())
                    .optOption("intraOpNumThreads", Integer.toString(threads))
                    // BERT runs as one sequential graph: an inter-op pool would be idle threads
                    .optOption("interOpNumThreads", "1")
                    .build()
                    .loadModel();
            TextEmbedder embedder = new TextEmbedder(spec, files, choice.device(), threads, tokenizer, model);
            LOG.info("Embedding model {} version {} ({} dims, {} pooling, max {} tokens) on {} with {} threads: {}",
                    spec.modelId(), embedder.modelVersion(), embedder.dims, spec.pooling(), spec.maxSeqLength(),
                    choice.device(), threads, choice.reason());
            return embedder;
        } catch (Exception e) {
            tokenizer.close();
            if (model != null) {
                model.close();
            }
            if (e instanceof EmbeddingConfigException ece) {
                throw ece;
            }
            if (choice.gpu()) {
                throw new GpuStartFailure(e);
            }
            throw new EmbeddingConfigException(spec.modelSetting(), "ONNX Runtime cannot run model "
                    + files.onnx().toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** One vector per text, in order, from one ONNX call. */
    public float[][] embed(List<String> texts) {
        return embedDetailed(texts).vectors();
    }

    /** Like {@link #embed}, also saying which texts were truncated to maxSeqLength. */
    public EmbeddingBatch embedDetailed(List<String> texts) {
        if (texts.isEmpty()) {
            return new EmbeddingBatch(new float[0][], new boolean[0]);
        }
        // the Rust tokenizer is safe to share, so tokenising stays outside the predictor lock
        TokenBatch tokens = tokenize(texts);
        return new EmbeddingBatch(embedTokens(tokens), tokens.truncated());
    }

    TokenBatch tokenize(List<String> texts) {
        return tokenizer.tokenize(texts);
    }

    /** The DJL path on already tokenised input; the benchmark times exactly this. */
    float[][] embedTokens(TokenBatch tokens) {
        synchronized (predictor) {
            try {
                return predictor.predict(tokens);
            } catch (TranslateException e) {
                throw new IllegalStateException("embedding a batch of " + tokens.size() + " texts with "
                        + spec.modelId() + " failed", e);
            }
        }
    }

    public int dims() {
        return dims;
    }

    public String modelId() {
        return spec.modelId();
    }

    public String modelVersion() {
        return files.version();
    }

    /** "cpu" or "gpu": where inference actually runs. */
    public String device() {
        return device;
    }

    public ModelSpec spec() {
        return spec;
    }

    int threads() {
        return threads;
    }

    Path onnxFile() {
        return files.onnx();
    }

    Path tokenizerFile() {
        return files.tokenizer();
    }

    @Override
    public void close() {
        predictor.close();
        model.close();
        tokenizer.close();
    }

    /** The CUDA provider is compiled in but could not run the model (no CUDA or cuDNN on the host). */
    private static final class GpuStartFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GpuStartFailure(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }
}
