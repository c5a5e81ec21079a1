package ripple.features;

/** A running sum and count of vectors, for a mean that follows additions and removals. Thread-safe. */
final class VectorSum {
    private final double[] sum;
    private int count;

    VectorSum(int dims) {
        sum = new double[dims];
    }

    synchronized void add(float[] v) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += v[i];
        }
        count++;
    }

    synchronized void remove(float[] v) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] -= v[i];
        }
        count--;
    }

    synchronized float[] mean() {
        float[] out = new float[sum.length];
        for (int i = 0; i < out.length && count > 0; i++) {
            out[i] = (float) (sum[i] / count);
        }
        return out;
    }
}
