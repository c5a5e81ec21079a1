package ripple.embedding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.nio.FloatBuffer;

/**
 * DJL translator from a tokenised batch to pooled, L2-normalised vectors: one ONNX call per batch.
 *
 * <p>It takes tokens rather than strings so that the caller keeps each text's truncation flag (a
 * metric), and so that the benchmark can feed DJL and raw ONNX Runtime the very same tensors.
 * Pooling runs in plain Java on a view of the output: the ONNX Runtime engine of DJL implements
 * almost no NDArray operators, and a [batch, seq, dim] walk costs little next to the encoder.
 */
final class EmbeddingTranslator implements NoBatchifyTranslator<TokenBatch, float[][]> {

    private static final String BATCH = "batch";

    private final Pooling pooling;
    private final boolean feedTokenTypeIds;

    EmbeddingTranslator(Pooling pooling, boolean feedTokenTypeIds) {
        this.pooling = pooling;
        this.feedTokenTypeIds = feedTokenTypeIds;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, TokenBatch batch) {
        ctx.setAttachment(BATCH, batch);
        NDManager manager = ctx.getNDManager();
        Shape shape = new Shape(batch.shape());
        // named inputs: DJL's ORT block matches them to the model's inputs by name, not position
        NDList inputs = new NDList(named(manager.create(batch.inputIds(), shape), ModelSignature.INPUT_IDS),
                named(manager.create(batch.attentionMask(), shape), ModelSignature.ATTENTION_MASK));
        if (feedTokenTypeIds) {
            inputs.add(named(manager.create(batch.tokenTypeIds(), shape), ModelSignature.TOKEN_TYPE_IDS));
        }
        return inputs;
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList output) {
        TokenBatch batch = (TokenBatch) ctx.getAttachment(BATCH);
        NDArray hidden = output.get(ModelSignature.LAST_HIDDEN_STATE);
        long[] shape = hidden.getShape().getShape();
        FloatBuffer values = hidden.toByteBuffer().asFloatBuffer();
        return pooling.pool(values, (int) shape[0], (int) shape[1], (int) shape[2], batch.attentionMask());
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }
}
