package ripple.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BootstrapTest {

    @Test
    void intervalContainsTheMeanAndNarrowsWithMoreEvents() {
        Bootstrap bootstrap = new Bootstrap(500, 1);
        double[] small = interval(bootstrap, hits(400, 0.1, 3));
        double[] large = interval(bootstrap, hits(40_000, 0.1, 3));
        assertThat(small[0]).isLessThan(mean(hits(400, 0.1, 3))).isGreaterThan(0);
        assertThat(small[1]).isGreaterThan(mean(hits(400, 0.1, 3))).isLessThan(1);
        assertThat(large[0]).isLessThan(mean(hits(40_000, 0.1, 3)));
        assertThat(large[1]).isGreaterThan(mean(hits(40_000, 0.1, 3)));
        // 100x the events: about a tenth of the width
        assertThat(large[1] - large[0]).isLessThan((small[1] - small[0]) / 5);
        // a Bernoulli(0.1) mean over 40k events has sd 0.0015: the 95% interval is about 0.006 wide
        assertThat(large[1] - large[0]).isBetween(0.004, 0.008);
    }

    @Test
    void pairedRatioAndDifferenceSeeTheSameResamples() {
        int n = 2000;
        float[] values = new float[n * 2];
        float[] a = hits(n, 0.2, 5);
        for (int i = 0; i < n; i++) {
            values[2 * i] = a[i];
            values[2 * i + 1] = a[i] / 2; // b is exactly half of a on every event
        }
        double[][] means = new Bootstrap(200, 9).means(values, 2);
        // paired: the ratio and the difference are exact in every resample, so the intervals collapse
        assertThat(Bootstrap.ratio(means, 0, 1)).containsExactly(2.0, 2.0);
        double[] diff = Bootstrap.difference(means, 0, 1);
        assertThat(diff[1] - diff[0]).isLessThan(0.03);
        assertThat(diff[0]).isGreaterThan(0.08);
        assertThat(Bootstrap.ratio(new Bootstrap(10, 1).means(new float[] {1, 0}, 2), 0, 1)).as("0 below").isNull();
    }

    private static double[] interval(Bootstrap b, float[] v) {
        return Bootstrap.interval(b.means(v, 1), 0);
    }

    private static float[] hits(int n, double p, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextDouble() < p ? 1 : 0;
        }
        return out;
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }
}
