package ripple.embedding;

/**
 * Vectors for a batch of texts, in input order, with which texts lost tokens to truncation.
 *
 * @param vectors   one L2-normalised vector per text
 * @param truncated per text, whether it was longer than the model's maxSeqLength
 */
public record EmbeddingBatch(float[][] vectors, boolean[] truncated) {

    /** For the truncation metric. */
    public int truncatedCount() {
        int n = 0;
        for (boolean t : truncated) {
            if (t) {
                n++;
            }
        }
        return n;
    }
}
