package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.ScoreUpdate;

/**
 * No leakage in the backtest's test-then-train: the probe's score for an event, taken before the event is piped,
 * is the scorer's own scoreBefore, and the event's label (its behaviour type) cannot change it.
 */
class PrequentialProbeTest {
    @TempDir
    Path dir;

    @Test
    void theProbeScoreBeforeAnEventIsTheScorersScoreBefore() {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), dir.resolve("a"))) {
            for (int axis = 0; axis < 8; axis++) {
                f.features.pipeInput("i" + axis, ScorerFixture.features("i" + axis, axis, "v1"));
            }
            PrequentialProbe probe = probe(f);
            BehaviorType[] types = BehaviorType.values();
            for (int n = 0; n < 60; n++) {
                BehaviorEvent e = ScorerFixture.event("e" + n, "u" + n % 3, "i" + (n * 5 % 8),
                        types[1 + n % (types.length - 1)], ScorerFixture.T0.plusSeconds(n * 30L));
                double predicted = probe.view(e.getUserId(), e.getTimestamp().toEpochMilli()).score(e.getItemId(), null);
                f.send(e);
                ScoreUpdate s = f.scores.readValue();
                assertThat(s.getEventId()).isEqualTo(e.getEventId());
                assertThat(predicted).as("event %d", n).isCloseTo(s.getScoreBefore(), within(1e-9));
                f.recommendations.readValuesToList();
                f.weightUpdates.readValuesToList();
            }
        }
    }

    @Test
    void anEventsOwnLabelNeverAffectsItsOwnScore() {
        List<Double> probed = new ArrayList<>();
        List<Double> reported = new ArrayList<>();
        for (BehaviorType last : List.of(BehaviorType.BROWSE, BehaviorType.PURCHASE)) {
            try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), dir.resolve(last.name()))) {
                for (int axis = 0; axis < 8; axis++) {
                    f.features.pipeInput("i" + axis, ScorerFixture.features("i" + axis, axis, "v1"));
                }
                for (int n = 0; n < 20; n++) {
                    f.send(ScorerFixture.event("h" + n, "u", "i" + n % 8, BehaviorType.CLICK,
                            ScorerFixture.T0.plusSeconds(n)));
                }
                f.scores.readValuesToList();
                BehaviorEvent e = ScorerFixture.event("last", "u", "i3", last, ScorerFixture.T0.plusSeconds(100));
                probed.add(probe(f).view("u", e.getTimestamp().toEpochMilli()).score("i3", null));
                f.send(e);
                reported.add(f.scores.readValue().getScoreBefore());
            }
        }
        assertThat(probed.get(0)).isEqualTo(probed.get(1));
        assertThat(reported.get(0)).isEqualTo(reported.get(1));
        assertThat(probed.get(0)).isCloseTo(reported.get(0), within(1e-9));
    }

    private static PrequentialProbe probe(ScorerFixture f) {
        return new PrequentialProbe(f.driver.getKeyValueStore(ScoringProcessor.USER_STORE),
                f.driver.getKeyValueStore(ScoringProcessor.PRIOR_STORE), f.catalog, ScoringSettings.from(f.config));
    }
}
