package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static ripple.scoring.ScorerFixture.T0;
import static ripple.scoring.ScorerFixture.event;
import static ripple.scoring.ScorerFixture.features;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    @Test
    void underExcludeSeenOnlyItemsTheListCanHoldTeachOrContrast() {
        ScoringSettings s = ScoringSettings.from(ScorerFixture.testConfig());
        ItemCatalog catalog = catalog(s, 5);
        Ranker.View view = viewOfUserWhoTouched(s, catalog, "i1", "i2");
        ServedScope scope = new ServedScope(true);
        for (String recent : List.of("i1", "i2")) {
            assertThat(scope.teaches(view, catalog.get(recent))).as(recent).isFalse();
            assertThat(scope.contrasts(view, catalog.get(recent))).as(recent).isFalse();
        }
        assertThat(scope.teaches(view, catalog.get("i3"))).isTrue();
        assertThat(scope.contrasts(view, catalog.get("i3"))).isTrue();
    }

    @Test
    void withoutExcludeSeenEveryItemTeachesAndContrasts() {
        ScoringSettings s = ScoringSettings.from(ScorerFixture.testConfig());
        ItemCatalog catalog = catalog(s, 5);
        Ranker.View view = viewOfUserWhoTouched(s, catalog, "i1", "i2");
        ServedScope scope = new ServedScope(false);
        for (String item : List.of("i1", "i2", "i3")) {
            assertThat(scope.teaches(view, catalog.get(item))).as(item).isTrue();
            assertThat(scope.contrasts(view, catalog.get(item))).as(item).isTrue();
        }
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
