package ripple.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics against examples worked out by hand. */
class MetricsTest {

    @Test
    void hitRateNdcgAndReciprocalRankOfOneRelevantItem() {
        // rank 1: a hit everywhere, full gain, 1/1
        assertThat(Metrics.hit(1, 5)).isEqualTo(1);
        assertThat(Metrics.ndcg(1, 5)).isEqualTo(1.0);
        assertThat(Metrics.reciprocalRank(1)).isEqualTo(1.0);
        // rank 3: gain 1/log2(3+1) = 0.5; a hit at 5, not at 2
        assertThat(Metrics.hit(3, 5)).isEqualTo(1);
        assertThat(Metrics.hit(3, 2)).isEqualTo(0);
        assertThat(Metrics.ndcg(3, 5)).isCloseTo(0.5, within(1e-12));
        assertThat(Metrics.ndcg(3, 2)).isEqualTo(0);
        assertThat(Metrics.reciprocalRank(3)).isCloseTo(1.0 / 3, within(1e-12));
        // rank 7: 1/log2(8) = 1/3
        assertThat(Metrics.ndcg(7, 10)).isCloseTo(1.0 / 3, within(1e-12));
        // beyond the cut-off (0): nothing
        assertThat(Metrics.hit(0, 20)).isEqualTo(0);
        assertThat(Metrics.ndcg(0, 20)).isEqualTo(0);
        assertThat(Metrics.reciprocalRank(0)).isEqualTo(0);
    }

    @Test
    void aucCountsTiesAsHalf() {
        // 0.5 beats 0.1 and 0.2, ties 0.5, loses to 0.9: (1 + 1 + 0.5 + 0) / 4
        assertThat(Metrics.auc(0.5, new double[] {0.1, 0.5, 0.9, 0.2})).isEqualTo(0.625);
        assertThat(Metrics.auc(1, new double[] {0, 0})).isEqualTo(1.0);
        assertThat(Metrics.auc(1, new double[0])).isNaN();
    }

    @Test
    void loglossAveragesThePositiveAndTheNegatives() {
        // -(ln 0.8 + ln(1 - 0.2) + ln(1 - 0.5)) / 3
        double expected = (-Math.log(0.8) - Math.log(0.8) - Math.log(0.5)) / 3;
        assertThat(Metrics.logloss(0.8, new double[] {0.2, 0.5})).isCloseTo(expected, within(1e-12));
        assertThat(expected).isCloseTo(0.379811, within(1e-6));
        // a certain miss is expensive but finite
        assertThat(Metrics.logloss(0.0, new double[0])).isCloseTo(-Math.log(1e-15), within(1e-9));
    }

    @Test
    void sumsAreMeansOverEventsAndNullWhereUndefined() {
        MetricSums sums = new MetricSums(List.of(5, 10, 20));
        sums.add(new Metrics.Outcome(1, 0.75, Double.NaN));
        sums.add(new Metrics.Outcome(7, 0.25, Double.NaN));
        sums.add(new Metrics.Outcome(0, 0.5, Double.NaN));
        Map<String, Object> m = sums.toMap();
        assertThat((Double) m.get("hr@5")).isCloseTo(1.0 / 3, within(1e-12));
        assertThat((Double) m.get("hr@10")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat((Double) m.get("ndcg@10")).isCloseTo((1 + 1.0 / 3) / 3, within(1e-12));
        assertThat((Double) m.get("mrr")).isCloseTo((1 + 1.0 / 7) / 3, within(1e-12));
        assertThat((Double) m.get("auc")).isCloseTo(0.5, within(1e-12));
        assertThat(m.get("logloss")).isNull();
        assertThat(m).containsKeys("hr@20", "ndcg@5", "ndcg@20");
    }
}
