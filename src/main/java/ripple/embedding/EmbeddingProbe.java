package ripple.embedding;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ripple's embedding path beside a plain ONNX Runtime session on the same ONNX file, for measuring what DJL costs
 * ({@code ripple.bench.EmbeddingBenchmark}): both embed the same pre-tokenised batches, so that tokenisation can be
 * left out of the timing.
 *
 * <p>The one public door into this package's internals for benchmarks: the tokenizer's batches, the predictor's
 * path, the raw session configured as DJL configures its own, and the model's pooling all stay package-private, so
 * the benchmark can live with the others in {@code ripple.bench} without eight internals turning into API.
 */
public final class EmbeddingProbe implements AutoCloseable {
    private final TextEmbedder embedder;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Pooling pooling;

    private EmbeddingProbe(TextEmbedder embedder) {
        this.embedder = embedder;
        this.env = OrtRuntime.environment();
        this.pooling = embedder.spec().pooling();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(embedder.threads());
            options.setInterOpNumThreads(1);
            if (embedder.device().equals("gpu")) {
                options.addCUDA(0);
            }
            this.session = env.createSession(embedder.onnxFile().toString(), options);
        } catch (OrtException e) {
            throw new IllegalStateException("raw ONNX Runtime session failed", e);
        }
    }

    /** Opens Ripple's embedder for the model, then the raw session on its ONNX file with the same threads. */
    public static EmbeddingProbe open(ModelSpec spec, DeviceMode mode, int threads) {
        TextEmbedder embedder = TextEmbedder.open(spec, mode, threads);
        try {
            return new EmbeddingProbe(embedder);
        } catch (RuntimeException e) {
            embedder.close();
            throw e;
        }
    }

    public String modelId() {
        return embedder.modelId();
    }

    /** cpu or gpu, as the embedder resolved the device mode. */
    public String device() {
        return embedder.device();
    }

    /** The embedder's tokenisation, the same for both paths. */
    public TokenBatch tokenize(List<String> texts) {
        return embedder.tokenize(texts);
    }

    /** Ripple's path: the DJL predictor and the model's pooling. */
    public float[][] embed(TokenBatch tokens) {
        return embedder.embedTokens(tokens);
    }

    /** The baseline: {@code OrtSession.run} on the same int64 arrays, then the same Java pooling. */
    public float[][] embedRaw(TokenBatch tokens) {
        Map<String, long[]> arrays = Map.of(ModelSignature.INPUT_IDS, tokens.inputIds(),
                ModelSignature.ATTENTION_MASK, tokens.attentionMask(),
                ModelSignature.TOKEN_TYPE_IDS, tokens.tokenTypeIds());
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            for (String name : session.getInputNames()) {
                inputs.put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(arrays.get(name)), tokens.shape()));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxTensor hidden = (OnnxTensor) result.get(ModelSignature.LAST_HIDDEN_STATE).orElseThrow();
                long[] shape = hidden.getInfo().getShape();
                return pooling.pool(hidden.getFloatBuffer(), (int) shape[0], (int) shape[1], (int) shape[2],
                        tokens.attentionMask());
            }
        } catch (OrtException e) {
            throw new IllegalStateException("raw ONNX Runtime run failed", e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** Closes the raw session, then the embedder. */
    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            embedder.close();
        }
    }
}
