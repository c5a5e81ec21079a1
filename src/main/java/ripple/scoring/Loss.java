package ripple.scoring;

/**
 * What an event teaches: the event's item (the first example) against the negatives. A ranking loss compares them
 * with each other, which is what the ranker is used for; the pointwise logistic loss asks each to be calibrated on
 * its own, and was measured to rank worse.
 */
public enum Loss {
    /** Sampled softmax: -log of the item's share of exp(score) over the item and the negatives. */
    SOFTMAX,
    /** Bayesian personalised ranking: the mean over negatives of -log sigmoid(score(item) - score(negative)). */
    BPR,
    /** Weighted logistic loss, each example on its own; the negatives share the item's weight. */
    LOGISTIC
}
