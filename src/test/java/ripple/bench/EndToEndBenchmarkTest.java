package ripple.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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

    @Test
    void tailSpanFindsTheOneSecondThatHoldsTheTailOfAStall() {
        List<GcPauses.Wait> waits = oneStall();

        EndToEndBenchmark.TailSpan tail = EndToEndBenchmark.tailSpan(waits, 120, Duration.ofSeconds(1));

        // 300 down to 120 ms: 19 waits, all within the second from 5.0 s
        assertThat(tail.tailWaits()).isEqualTo(19);
        assertThat(tail.share()).isEqualTo(1.0);
        assertThat(tail.startSec()).isEqualTo(5.0);
    }

    @Test
    void tailSpanOfATailSpreadOverThePhaseIsSmall() {
        // one slow score (200 ms) every second for 10 s: no second holds more than one of the ten
        List<GcPauses.Wait> waits = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            long event = 10L * i;
            waits.add(new GcPauses.Wait(event, event + (i % 100 == 50 ? 200 : 10)));
        }

        EndToEndBenchmark.TailSpan tail = EndToEndBenchmark.tailSpan(waits, 200, Duration.ofSeconds(1));

        assertThat(tail.tailWaits()).isEqualTo(10);
        assertThat(tail.share()).isEqualTo(0.1);
        assertThat(tail.startSec()).isEqualTo(0.5);
        assertThat(EndToEndBenchmark.tailSpan(List.of(), 0, Duration.ofSeconds(1)).share()).isNaN();
    }

    @Test
    void p99IntervalOfSteadyWaitsIsThatWait() {
        List<GcPauses.Wait> waits = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            waits.add(new GcPauses.Wait(10L * i, 10L * i + 12));
        }

        assertThat(EndToEndBenchmark.p99Interval(waits, Duration.ofSeconds(1), 200, 1)).containsExactly(12.0, 12.0);
        assertThat(EndToEndBenchmark.p99Interval(List.of(), Duration.ofSeconds(1), 200, 1))
                .containsExactly(Double.NaN, Double.NaN);
    }

    @Test
    void p99IntervalOfOneEpisodeSpansRunsWithoutItAndRunsWithMore() {
        // The p99 (the 991st of 1,000) is one of the stall's; a run of the same kind may have no stall (p99 10 ms)
        // or two.
        List<GcPauses.Wait> waits = oneStall();

        double[] interval = EndToEndBenchmark.p99Interval(waits, Duration.ofSeconds(1), 1000, 11);

        // a tenth of the blocks holds the stall: about a third of the resamples draw none of it
        assertThat(interval[0]).isEqualTo(10.0);
        // two draws of it put 40 of 1,000 waits in the stall: the p99 then lies well inside it
        assertThat(interval[1]).isGreaterThanOrEqualTo(200.0);
        // a fixed seed: the same waits give the same interval
        assertThat(EndToEndBenchmark.p99Interval(waits, Duration.ofSeconds(1), 1000, 11)).containsExactly(interval);
    }

    /**
     * 1,000 scores of 10 ms over 10 s of event time, and one stall: the 20 events from 5.0 s to 5.19 s wait 300
     * down to 110 ms, the scores of one episode.
     */
    private static List<GcPauses.Wait> oneStall() {
        List<GcPauses.Wait> waits = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            long event = 2_000_000 + 10L * i;
            long wait = i >= 500 && i < 520 ? 300 - 10L * (i - 500) : 10;
            waits.add(new GcPauses.Wait(event, event + wait));
        }
        return waits;
    }
}
