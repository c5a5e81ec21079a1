package ripple.scoring;

/**
 * Weighted logistic regression learned one event at a time: the event's item is a positive example weighted by
 * the behaviour's strength, sampled untouched items are negatives, with L2 regularisation. The L2 term is
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

    public OnlineLearner(Optimizer optimizer, double learningRate, double l2) {
        this.optimizer = optimizer;
        this.learningRate = learningRate;
        this.l2 = l2;
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
     * One update from {@code examples[j]} with labels {@code labels[j]} (1 or 0) and example weights.
     * {@code step} is the number of updates these weights have had before, for Adam's bias correction.
     *
     * @return the weighted logistic loss before the update
     */
    public double update(float[] w, float[] m1, float[] m2, long step, float[][] examples, float[] labels,
                         float[] exampleWeights) {
        int k = w.length;
        double[] grad = new double[k];
        double loss = 0;
        for (int j = 0; j < examples.length; j++) {
            float[] x = examples[j];
            double z = dot(w, x);
            double p = sigmoid(z);
            double y = labels[j];
            double a = exampleWeights[j];
            // log(1+e^-|z|) + max(z,0) - y z: stable logistic loss
            loss += a * (Math.log1p(Math.exp(-Math.abs(z))) + Math.max(z, 0) - y * z);
            double g = a * (p - y);
            for (int i = 0; i < k; i++) {
                grad[i] += g * x[i];
            }
        }
        float keep = (float) (1 - learningRate * l2);
        if (optimizer == Optimizer.SGD) {
            for (int i = 0; i < k; i++) {
                w[i] = w[i] * keep - (float) (learningRate * grad[i]);
            }
            return loss;
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
        return loss;
    }
}
