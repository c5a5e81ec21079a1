package ripple.scoring;

import java.util.Arrays;

/**
 * Learns R(u,i) = w . f_i one event at a time: the event's item is the positive example, weighted by the
 * behaviour's strength, against negatives, under a {@link Loss}. The gradient is computed once and applied to each
 * set of weights that makes up the user's model (their own part and the shared prior). L2 regularisation and the
 * pull of the user's part towards the prior are applied as decoupled weight decay (as in AdamW): inside an adaptive
 * optimiser they would be rescaled into full-size steps for features that were absent from the examples.
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
    private static final double ADAGRAD_INITIAL = 0.1;

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

    /**
     * The gradient of {@code loss} at {@code w} into {@code grad}, for the item (examples[0]) against the rest,
     * scaled by {@code strength}.
     *
     * @return the loss at {@code w}
     */
    public static double gradient(Loss loss, float[] w, float[][] examples, double strength, double[] grad) {
        int n = examples.length;
        if (loss == Loss.LOGISTIC) {
            float[] labels = new float[n];
            float[] weights = new float[n];
            labels[0] = 1f;
            // The negatives share the positive's weight, so an event moves the bias neither up nor down on average.
            java.util.Arrays.fill(weights, n > 1 ? (float) strength / (n - 1) : 0f);
            weights[0] = (float) strength;
            return gradient(w, examples, labels, weights, grad);
        }
        java.util.Arrays.fill(grad, 0);
        if (n < 2) {
            return 0;
        }
        double[] z = new double[n];
        for (int j = 0; j < n; j++) {
            z[j] = dot(w, examples[j]);
        }
        if (loss == Loss.SOFTMAX) {
            double max = Arrays.stream(z).max().orElse(0);
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += Math.exp(z[j] - max);
            }
            for (int j = 0; j < n; j++) {
                double g = strength * (Math.exp(z[j] - max) / sum - (j == 0 ? 1 : 0));
                addScaled(grad, examples[j], g);
            }
            return strength * (Math.log(sum) + max - z[0]);
        }
        double total = 0;
        for (int j = 1; j < n; j++) {
            double d = z[0] - z[j];
            // -log sigmoid(d) without overflow; its derivative in d is -sigmoid(-d)
            total += Math.log1p(Math.exp(-Math.abs(d))) + Math.max(-d, 0);
            double g = -strength * sigmoid(-d) / (n - 1);
            addScaled(grad, examples[0], g);
            addScaled(grad, examples[j], -g);
        }
        return strength * total / (n - 1);
    }

    private static void addScaled(double[] grad, float[] x, double g) {
        for (int i = 0; i < grad.length; i++) {
            grad[i] += g * x[i];
        }
    }

    /** One optimiser step on {@code w}; {@code step} counts this optimiser state's earlier steps (Adam's bias correction). */
    public void apply(float[] w, float[] m1, float[] m2, long step, double[] grad) {
        apply(w, m1, m2, step, grad, 0);
    }

    /**
     * One optimiser step, with an extra decay of {@code w} towards zero at {@code shrink} per unit learning rate:
     * for a user's own part, the pull back towards the shared prior.
     */
    public void apply(float[] w, float[] m1, float[] m2, long step, double[] grad, double shrink) {
        apply(w, m1, m2, null, step, grad, shrink);
    }

    /**
     * The same for one of several learners whose weights are summed (every scorer task's prior): under AdaGrad,
     * {@code m2Others} (the squared gradients the others summed; null: none) scales the steps too, so that together
     * they step as one learner that saw every gradient would. Adam and SGD ignore it.
     */
    public void apply(float[] w, float[] m1, float[] m2, float[] m2Others, long step, double[] grad, double shrink) {
        step(w, m1, m2, m2Others, step, grad);
        if (shrink > 0) {
            float keep = (float) Math.max(0, 1 - learningRate * shrink);
            for (int i = 0; i < w.length; i++) {
                w[i] *= keep;
            }
        }
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

    private void step(float[] w, float[] m1, float[] m2, float[] m2Others, long step, double[] grad) {
        int k = w.length;
        float keep = (float) (1 - learningRate * l2);
        if (optimizer == Optimizer.SGD) {
            for (int i = 0; i < k; i++) {
                w[i] = w[i] * keep - (float) (learningRate * grad[i]);
            }
            return;
        }
        if (optimizer == Optimizer.ADAGRAD) {
            for (int i = 0; i < k; i++) {
                double g = grad[i];
                double acc = m2[i] + g * g;
                m2[i] = (float) acc;
                double all = m2Others == null ? acc : acc + m2Others[i];
                w[i] = w[i] * keep - (float) (learningRate * g / Math.sqrt(all + ADAGRAD_INITIAL));
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
