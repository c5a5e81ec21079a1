package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static ripple.scoring.ScorerFixture.T0;
import static ripple.scoring.ScorerFixture.event;
import static ripple.scoring.ScorerFixture.features;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ripple.avro.BehaviorType;
import ripple.avro.WeightUpdate;
import ripple.config.RippleConfig;
import ripple.features.ItemCatalog;
import ripple.features.UserState;

/** Train on what is served: under exclude-seen, the user's recent items neither teach nor serve as negatives. */
class ServedScopeTest {
    private static final long NOW = T0.toEpochMilli();

    @TempDir
    Path stateDir;

    private static Ranker.View viewOfUserWhoTouched(ScoringSettings s, ItemCatalog catalog, String... items) {
        UserState u = UserState.startingFrom(new float[s.layout().size()], s.layout().textDims(), 0);
        long t = NOW - 1000L * items.length;
        for (String item : items) {
            u.history().observe(item, "c0", BehaviorType.CLICK, t++, null, 0.5f, null, s.decay(), 24, 12);
        }
        return new Ranker(catalog, s.decay()).view(u, new float[s.layout().size()], NOW);
    }

    private static ItemCatalog catalog(ScoringSettings s, int n) {
        ItemCatalog catalog = s.newCatalog();
        for (int i = 0; i < n; i++) {
            catalog.putInfluence("i" + i, new ItemCatalog.Influence(new float[] {1, 0, 0, 0, 0}, NOW, 1, "c0"));
        }
        return catalog;
    }

    /** i1 and i2 are the user's recent items, i3 is not. */
    @ParameterizedTest
    @CsvSource({"true, i1, false", "true, i2, false", "true, i3, true",
                "false, i1, true", "false, i2, true", "false, i3, true"})
    void anItemIsServedUnlessExcludeSeenKeepsItOffTheList(boolean excludeSeen, String item, boolean servable) {
        ScoringSettings s = ScoringSettings.from(ScorerFixture.testConfig());
        ItemCatalog catalog = catalog(s, 5);
        Ranker.View view = viewOfUserWhoTouched(s, catalog, "i1", "i2");
        ServedScope scope = new ServedScope(excludeSeen);
        assertThat(scope.serves(view, catalog.get(item))).isEqualTo(servable);
    }

    /** The scorer: a repeat of a recent item moves the weights unless exclude-seen keeps it from ever being served. */
    private List<String> learnedEvents(RippleConfig config) {
        try (ScorerFixture f = new ScorerFixture(config.with("scoring.weight-updates", "learned"), stateDir.resolve(
                "s" + System.nanoTime()))) {
            f.features.pipeInput("i0", features("i0", 0, "v1"));
            f.features.pipeInput("i1", features("i1", 1, "v1"));
            f.send(event("e1", "alice", "i0", BehaviorType.CLICK, T0));
            f.send(event("e2", "alice", "i0", BehaviorType.PURCHASE, T0.plusSeconds(1)));
            f.send(event("e3", "alice", "i1", BehaviorType.PURCHASE, T0.plusSeconds(2)));
            return f.weightUpdates.readValuesToList().stream().map(WeightUpdate::getEventId).toList();
        }
    }

    @Test
    void underExcludeSeenARepeatOfARecentItemDoesNotTeach() {
        assertThat(learnedEvents(ScorerFixture.testConfig())).contains("e2", "e3");
        assertThat(learnedEvents(ScorerFixture.testConfig().with("scoring.exclude-seen", "true")))
                .doesNotContain("e2").contains("e3");
    }
}
