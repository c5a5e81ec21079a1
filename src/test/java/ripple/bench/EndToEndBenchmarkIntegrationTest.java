package ripple.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench e2e} end to end at a tiny size, on its own embedded broker: every phase finishes and reports what it
 * measured. Timings are not asserted (a shared machine); that each phase saw its events is.
 */
@Tag("integration")
class EndToEndBenchmarkIntegrationTest {

    /** Enough events that the pass-through's output does not arrive in one poll (its rate is then not measured). */
    @Test
    void everyPhaseRunsAndTheWarmMaximumSetsTheLatencyRate(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path scores = dir.resolve("latency.csv");
        EndToEndBenchmark.Result r = EndToEndBenchmark.run(new EndToEndBenchmark.Options(null, 2000, 300, 30_000, 2,
                Duration.ofSeconds(3), Map.of(), null, scores), new PrintStream(log, true, StandardCharsets.UTF_8));
        String printed = log.toString(StandardCharsets.UTF_8);

        assertThat(r.events()).isEqualTo(30_000);
        assertThat(r.ripple().eventsPerSec()).isPositive();
        assertThat(r.passthrough().eventsPerSec()).isPositive();
        // the floor writes its output and its two changelogs, one record each per event
        assertThat(r.floor().eventsPerSec()).isPositive();
        assertThat(r.floor().byTopic()).containsOnlyKeys("floor", "event-ids-changelog", "floor-user-state-changelog");
        r.floor().byTopic().forEach((topic, recordsAndBytes) ->
                assertThat(recordsAndBytes[0]).as(topic).isCloseTo(1.0, org.assertj.core.api.Assertions.within(0.2)));
        assertThat(r.toJson()).contains("\"floor_ratio\"", "\"ratio_to_floor\"");
        // one score per event, so at least one record per event
        assertThat(r.ripple().recordsPerEvent()).isGreaterThan(1);
        assertThat(printed).contains("warm burst: 3000 events");
        assertThat(r.warmEventsPerSec()).isPositive();
        assertThat(r.latencyRate()).isEqualTo(Math.max(1, r.warmEventsPerSec() / 2));
        assertThat(r.latencySamples()).isPositive();
        assertThat(r.p99Ms()).isGreaterThanOrEqualTo(r.p50Ms());
        assertThat(r.latencyCpuMsPerEvent()).isPositive();
        assertThat(r.stateBytesPerUser()).isPositive();
        assertThat(r.p99ByThirdMs()).hasSize(EndToEndBenchmark.LATENCY_PARTS);
        // every third of the phase had scores (NaN otherwise, and the smallest of them would be NaN)
        assertThat(Arrays.stream(r.p99ByThirdMs()).min().orElseThrow()).isPositive();
        assertThat(r.toJson()).contains("\"warm_events_per_sec\"", "\"latency_cpu_ms_per_event\"",
                "\"latency_commits\"", "\"latency_gc\"", "\"p99_by_third_ms\": [", "\"p99_tail_one_second\": {");
        // at least 1% of the scores are at or above the p99, and the busiest second holds at least one of them
        assertThat(r.p99Tail().tailWaits()).isPositive();
        assertThat(r.p99Tail().share()).isBetween(1.0 / r.p99Tail().tailWaits(), 1.0);
        assertThat(printed).contains("scores at or above the p99: ");
        // a bootstrap of the phase's own waits: two ordered bounds, neither negative
        assertThat(r.p99IntervalMs()[0]).isNotNegative().isLessThanOrEqualTo(r.p99IntervalMs()[1]);
        assertThat(r.toJson()).contains("\"p99_interval_ms\": [");
        assertThat(r.latencyGc().pauseTimeShare()).isBetween(0.0, 1.0);
        assertThat(r.latencyGc().tailInPauseShare()).isBetween(0.0, 1.0);
        assertThat(printed).contains("latency phase, GC: ");
        // the latency log: one line per measured score, each latency its receipt less its event time
        List<String> lines = Files.readAllLines(scores);
        assertThat(lines.get(0)).isEqualTo(EndToEndBenchmark.LATENCY_LOG_HEADER);
        assertThat(lines).hasSize(r.latencySamples() + 1);
        for (String line : lines.subList(1, lines.size())) {
            long[] f = java.util.Arrays.stream(line.split(",")).mapToLong(Long::parseLong).toArray();
            assertThat(f[2]).isEqualTo(f[0] - f[1]).isNotNegative();
            assertThat(f[3]).isBetween(0L, 1L);
        }
    }
}
