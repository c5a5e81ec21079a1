package ripple.scoring;

/** How a user's weights follow the gradient. */
public enum Optimizer {
    /** Adam with per-user moments: robust to the very different scales of text and count features. */
    ADAM,
    /** Plain stochastic gradient descent; moments unused. */
    SGD
}
