package ripple.scoring;

/**
 * Weighted logistic regression learned one event at a time: the event's item is a positive example weighted by
 * the behaviour's strength, sampled untouched items are negatives. The gradient is computed once and applied to
 * each set of weights that makes up the user's model (their own part and the shared prior). L2 regularisation is
 * applied as decoupled weight decay (as in AdamW): inside Adam it would be rescaled into full-size steps for
 * features that were absent from the examples.
 */
public final class OnlineLearner {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final Optimizer optimizer;
    private final double learningRate;
    private final double l2;
    /** Weights held at zero ({@code features.ablate}); null when none are. */
    private final boolean[] frozen;

    public OnlineLearner(Optimizer optimizer, double learningRate, double l2) {
        this(optimizer, learningRate, l2, null);
    }

    /** @param frozen weights to hold at zero (an ablated feature group), or null */
    public OnlineLearner(Optimizer optimizer, double learningRate, double l2, boolean[] frozen) {
        this.optimizer = optimizer;
        this.learningRate = learningRate;
        this.l2 = l2;
        this.frozen = frozen;
    }

    public static double dot(float[] w, float[] x) {
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += w[i] * x[i];
        }
        return s;
    }

    public static double sigmoid(double z) {
        return z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
    }

    /**
     * The gradient of the weighted logistic loss at {@code w} into {@code grad}.
     *
     * @return the weighted loss at {@code w}
     */
    public static double gradient(float[] w, float[][] examples, float[] labels, float[] exampleWeights, double[] grad) {
        java.util.Arrays.fill(grad, 0);
        double loss = 0;
        for (int j = 0; j < examples.length; j++) {
            float[] x = examples[j];
            double z = dot(w, x);
            double y = labels[j];
            double a = exampleWeights[j];
            // log(1+e^-|z|) + max(z,0) - y z: the logistic loss without overflow
            loss += a * (Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - y * z);
            double g = a * (sigmoid(z) - y);
            for (int i = 0; i < grad.length; i++) {
                grad[i] += g * x[i];
            }
        }
        return loss;
    }

    /** One optimiser step on {@code w}; {@code step} counts this optimiser state's earlier steps (Adam's bias correction). */
    public void apply(float[] w, float[] m1, float[] m2, long step, double[] grad) {
        step(w, m1, m2, step, grad);
        if (frozen != null) {
            // Weights start at zero and return to it after every step, so an ablated group never scores.
            for (int i = 0; i < w.length; i++) {
                if (frozen[i]) {
                    w[i] = 0f;
                    m1[i] = 0f;
                    m2[i] = 0f;
                }
            }
        }
    }

    private void step(float[] w, float[] m1, float[] m2, long step, double[] grad) {
        int k = w.length;
        float keep = (float) (1 - learningRate * l2);
        if (optimizer == Optimizer.SGD) {
            for (int i = 0; i < k; i++) {
                w[i] = w[i] * keep - (float) (learningRate * grad[i]);
            }
            return;
        }
        long t = step + 1;
        double c1 = 1 - Math.pow(BETA1, t);
        double c2 = 1 - Math.pow(BETA2, t);
        for (int i = 0; i < k; i++) {
            double g = grad[i];
            double m = BETA1 * m1[i] + (1 - BETA1) * g;
            double v = BETA2 * m2[i] + (1 - BETA2) * g * g;
            m1[i] = (float) m;
            m2[i] = (float) v;
            w[i] = w[i] * keep - (float) (learningRate * (m / c1) / (Math.sqrt(v / c2) + EPSILON));
        }
    }
}
