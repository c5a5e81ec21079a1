package ripple.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class GcPausesTest {
    @Test
    void summaryCountsThePausesInThePhaseAndTheTailScoresThatWaitedThroughOne() {
        // scores from t=1000 to t=2000; pauses before the phase, inside it, and after it
        List<GcPauses.Wait> waits = List.of(
                new GcPauses.Wait(1000, 1010),   // 10 ms, no pause
                new GcPauses.Wait(1100, 1160),   // 60 ms, through the pause at 1120-1150
                new GcPauses.Wait(1500, 1570),   // 70 ms, no pause
                new GcPauses.Wait(1900, 1955),   // 55 ms, through the pause at 1950-1980 (overlaps its start)
                new GcPauses.Wait(1990, 2000));  // 10 ms
        List<GcPauses.Pause> pauses = List.of(
                new GcPauses.Pause(500, 530),
                new GcPauses.Pause(1120, 1150),
                new GcPauses.Pause(1950, 1980),
                new GcPauses.Pause(2500, 2520));

        GcPauses.Summary s = GcPauses.summarise(waits, pauses, 55);

        assertThat(s.pauses()).isEqualTo(2);
        assertThat(s.pauseMsMean()).isEqualTo(30.0);
        assertThat(s.pauseTimeShare()).isCloseTo(60.0 / 1000, within(1e-9));
        // three scores of 55 ms or more, two of which waited through a pause
        assertThat(s.tailInPauseShare()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(s.toJson()).contains("\"pauses\": 2", "\"p99_tail_in_pause_share\": 0.667");
    }

    @Test
    void noScoresNoPauses() {
        GcPauses.Summary s = GcPauses.summarise(List.of(), List.of(new GcPauses.Pause(1, 2)), 10);
        assertThat(s.pauses()).isZero();
        assertThat(s.tailInPauseShare()).isZero();
    }

    @Test
    void timesAPauseOfThisJvmOnTheWallClock() throws InterruptedException {
        try (GcPauses gc = new GcPauses()) {
            long before = System.currentTimeMillis();
            System.gc();
            long after = System.currentTimeMillis();
            List<GcPauses.Pause> pauses = gc.pauses();
            assertThat(pauses).isNotEmpty();
            // the pause of that call lies between the two readings (a millisecond either way for rounding): the
            // collector beans' times, which this class read before, put it about 40 ms before the call
            assertThat(pauses).anySatisfy(p -> {
                assertThat(p.startMs()).isBetween(before - 1, after + 1);
                assertThat(p.endMs()).isBetween(p.startMs(), after + 1);
            });
        }
    }
}
