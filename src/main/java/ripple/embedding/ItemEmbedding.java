package ripple.embedding;

/**
 * One item's vector and where it came from, as ItemFeatures records it.
 *
 * @param truncated whether the text was cut to the model's maxSeqLength
 */
public record ItemEmbedding(float[] vector, String modelId, String modelVersion, String language,
                            boolean truncated) {
}
