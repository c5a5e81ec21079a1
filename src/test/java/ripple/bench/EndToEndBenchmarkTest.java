package ripple.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndToEndBenchmarkTest {
    @Test
    void p99ByPartSplitsTheWaitsByEventTimeSoThatADriftShows() {
        // 300 scores, one every 10 ms of event time: 10 ms each in the first second, 20 in the second, and in the
        // last one growing from 100 to 595 ms, as when a scorer falls behind
        List<GcPauses.Wait> waits = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            long event = 1_000_000 + 10L * i;
            long wait = i < 100 ? 10 : i < 200 ? 20 : 100 + 5L * (i - 200);
            waits.add(new GcPauses.Wait(event, event + wait));
        }

        double[] p99 = EndToEndBenchmark.p99ByPart(waits, 3);

        // 100 waits a part: the p99 is the 100th smallest, the largest
        assertThat(p99).containsExactly(10.0, 20.0, 595.0);
    }

    @Test
    void aPartWithoutScoresReadsNaNAndNoScoresAtAllReadNaNEverywhere() {
        List<GcPauses.Wait> waits = List.of(new GcPauses.Wait(0, 30), new GcPauses.Wait(2999, 3049));

        assertThat(EndToEndBenchmark.p99ByPart(waits, 3)).containsExactly(30.0, Double.NaN, 50.0);
        assertThat(EndToEndBenchmark.p99ByPart(List.of(), 3)).containsExactly(Double.NaN, Double.NaN, Double.NaN);
    }
}
