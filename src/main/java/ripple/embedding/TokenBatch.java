package ripple.embedding;

/**
 * A tokenised batch, padded to its longest text: the three int64 BERT inputs as row-major
 * [size, seqLength] arrays, ready to become tensors without further copying.
 *
 * @param truncated per text, whether it had more tokens than the model's maxSeqLength
 */
public record TokenBatch(int size, int seqLength, long[] inputIds, long[] attentionMask, long[] tokenTypeIds,
                         boolean[] truncated) {

    /** Shape of each input tensor. */
    long[] shape() {
        return new long[] {size, seqLength};
    }
}
