package ripple.backtest;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap over events: resample the events with replacement, recompute the means, and take the 2.5th
 * and 97.5th percentiles. Every column of one call sees the same resamples, so a ratio or difference of two
 * columns is a paired comparison (the same events on both sides).
 */
final class Bootstrap {
    private final int resamples;
    private final long seed;

    Bootstrap(int resamples, long seed) {
        this.resamples = resamples;
        this.seed = seed;
    }

    /**
     * Per resample, the mean of every column over the drawn rows.
     *
     * @param values row-major, {@code cols} values per row
     * @return {@code [resample][col]}
     */
    double[][] means(float[] values, int cols) {
        int rows = values.length / cols;
        double[][] out = new double[resamples][cols];
        if (rows == 0) {
            return out;
        }
        // most events are misses for every model: skip their all-zero rows instead of adding zeros
        boolean[] nonZero = new boolean[rows];
        for (int n = 0; n < rows; n++) {
            for (int c = 0; c < cols && !nonZero[n]; c++) {
                nonZero[n] = values[n * cols + c] != 0;
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int r = 0; r < resamples; r++) {
            double[] sum = out[r];
            for (int n = 0; n < rows; n++) {
                int row = random.nextInt(rows);
                if (!nonZero[row]) {
                    continue;
                }
                int base = row * cols;
                for (int c = 0; c < cols; c++) {
                    sum[c] += values[base + c];
                }
            }
            for (int c = 0; c < cols; c++) {
                sum[c] /= rows;
            }
        }
        return out;
    }

    /** The 95% interval of one column; null without events. */
    static double[] interval(double[][] means, int col) {
        double[] v = new double[means.length];
        for (int r = 0; r < v.length; r++) {
            v[r] = means[r][col];
        }
        return percentiles(v);
    }

    /** The 95% interval of col a / col b; null where b is 0 in any resample (the ratio is undefined). */
    static double[] ratio(double[][] means, int a, int b) {
        double[] v = new double[means.length];
        for (int r = 0; r < v.length; r++) {
            if (means[r][b] == 0) {
                return null;
            }
            v[r] = means[r][a] / means[r][b];
        }
        return percentiles(v);
    }

    /** The 95% interval of col a - col b. */
    static double[] difference(double[][] means, int a, int b) {
        double[] v = new double[means.length];
        for (int r = 0; r < v.length; r++) {
            v[r] = means[r][a] - means[r][b];
        }
        return percentiles(v);
    }

    private static double[] percentiles(double[] v) {
        if (v.length == 0) {
            return null;
        }
        Arrays.sort(v);
        int lo = (int) Math.floor(0.025 * v.length);
        int hi = Math.max(lo, (int) Math.ceil(0.975 * v.length) - 1);
        return new double[] {v[lo], v[hi]};
    }
}
