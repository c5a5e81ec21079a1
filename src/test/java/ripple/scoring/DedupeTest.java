package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static ripple.scoring.ScorerFixture.T0;
import static ripple.scoring.ScorerFixture.event;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorType;
import ripple.avro.ScoreUpdate;

/**
 * Dedupe by point lookups in time buckets as long as the window (T0 is midnight, a bucket boundary for a 10-minute
 * window): a copy is dropped whichever bucket it and its original fall in, as long as they are within the window.
 */
class DedupeTest {
    @TempDir
    Path stateDir;

    @Test
    void aCopyWithinTheWindowIsDroppedAcrossBucketBoundaries() {
        var config = ScorerFixture.testConfig().with("events.dedupe-window", "10m");
        try (ScorerFixture f = new ScorerFixture(config, stateDir)) {
            // the copy in the next bucket, early in it: found in the nearer (previous) bucket
            f.send(event("a", "alice", "i0", BehaviorType.CLICK, T0.minusSeconds(1)));
            f.send(event("a", "alice", "i0", BehaviorType.CLICK, T0.plusSeconds(2)));
            // the copy late in its bucket (T0+6m), the original late in the previous one (T0-3m): the farther bucket
            f.send(event("b", "bob", "i0", BehaviorType.CLICK, T0.minus(Duration.ofMinutes(3))));
            f.send(event("b", "bob", "i0", BehaviorType.CLICK, T0.plus(Duration.ofMinutes(6))));
            // a copy with an earlier time than its original, in the previous bucket
            f.send(event("c", "carol", "i0", BehaviorType.CLICK, T0.plusSeconds(1)));
            f.send(event("c", "carol", "i0", BehaviorType.CLICK, T0.minusSeconds(2)));
            // the same id just over the window apart is a new event
            f.send(event("d", "dave", "i0", BehaviorType.CLICK, T0.minus(Duration.ofMinutes(3))));
            f.send(event("d", "dave", "i0", BehaviorType.CLICK, T0.plus(Duration.ofMinutes(7)).plusSeconds(1)));
            List<String> ids = f.scores.readValuesToList().stream().map(ScoreUpdate::getEventId).toList();
            assertThat(ids).containsExactly("a", "b", "c", "d", "d");
        }
    }

    @Test
    void aCopyWithTheSameTimeIsDroppedAndOtherIdsAreNot() {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), stateDir)) {
            for (int i = 0; i < 50; i++) {
                f.send(event("e" + i, "u" + (i % 7), "i" + (i % 3), BehaviorType.CLICK, T0.plusSeconds(i)));
                f.send(event("e" + i, "u" + (i % 7), "i" + (i % 3), BehaviorType.CLICK, T0.plusSeconds(i)));
            }
            assertThat(f.scores.readValuesToList()).extracting(ScoreUpdate::getEventId).doesNotHaveDuplicates()
                    .hasSize(50);
        }
    }
}
