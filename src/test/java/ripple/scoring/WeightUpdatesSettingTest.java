package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static ripple.scoring.ScorerFixture.T0;
import static ripple.scoring.ScorerFixture.event;
import static ripple.scoring.ScorerFixture.features;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorType;
import ripple.avro.ScoreUpdate;
import ripple.avro.WeightUpdate;
import ripple.config.ConfigException;

/** {@code scoring.weight-updates}: one weight update per scored event, or only for events that taught. */
class WeightUpdatesSettingTest {
    @TempDir
    Path stateDir;

    private static List<String> run(ScorerFixture f, List<String> out) {
        f.features.pipeInput("i0", features("i0", 0, "v1"));
        f.send(event("e1", "alice", "i0", BehaviorType.CLICK, T0));
        // a repeat: the user's recent item is a candidate, so it teaches
        f.send(event("e2", "alice", "i0", BehaviorType.PURCHASE, T0.plusSeconds(1)));
        // an item the catalogue has never seen teaches nothing
        f.send(event("e3", "alice", "ghost", BehaviorType.PURCHASE, T0.plusSeconds(2)));
        assertThat(f.scores.readValuesToList()).extracting(ScoreUpdate::getEventId).containsExactly("e1", "e2", "e3");
        out.addAll(f.weightUpdates.readValuesToList().stream().map(WeightUpdate::getEventId).toList());
        return out;
    }

    @Test
    void everyScoredEventHasAWeightUpdateByDefault() {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), stateDir)) {
            assertThat(run(f, new java.util.ArrayList<>())).containsExactly("e1", "e2", "e3");
        }
    }

    @Test
    void learnedPublishesOnlyEventsThatMovedTheWeights() {
        var config = ScorerFixture.testConfig().with("scoring.weight-updates", "learned");
        try (ScorerFixture f = new ScorerFixture(config, stateDir)) {
            assertThat(run(f, new java.util.ArrayList<>())).contains("e2").doesNotContain("e3");
        }
    }

    @Test
    void anUnknownValueNamesTheSetting() {
        var config = ScorerFixture.testConfig().with("scoring.weight-updates", "sometimes");
        assertThatThrownBy(() -> ScoringSettings.from(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("scoring.weight-updates");
    }
}
