package ripple.scoring;

/**
 * A scorer task's own prior, encoded as its prior store holds it ({@link ripple.features.UserState#encode}), on
 * its way to the prior topic, keyed by the task ({@link TaskPriors}).
 */
public record PriorShare(byte[] prior) {
}
