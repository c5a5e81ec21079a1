package ripple.scoring;

/** How a user's weights follow the gradient. */
public enum Optimizer {
    /**
     * AdaGrad: a per-coordinate step that shrinks as the coordinate's squared gradients add up, so a feature seen
     * often settles while a rare one still learns. One accumulator per weight (the second moment's slot).
     */
    ADAGRAD,
    /** Adam with per-user moments. */
    ADAM,
    /** Plain stochastic gradient descent; moments unused. */
    SGD
}
