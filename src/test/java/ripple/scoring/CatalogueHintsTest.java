package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import ripple.avro.BehaviorType;
import ripple.features.ItemCatalog;
import ripple.features.ItemNeighbours;
import ripple.features.UserHistory;
import ripple.features.UserState;

/**
 * A view writes into the user's history where it found each recent item and category in its catalogue, and a view
 * of the state stored after it, in the same catalogue, takes those places instead of looking the ids up. In any
 * other catalogue they are ignored and rewritten, and what the views rank never depends on them.
 */
class CatalogueHintsTest {
    private static final long NOW = ScorerFixture.T0.toEpochMilli();
    private static final int ITEMS = 2000;
    private static final ScoringSettings SETTINGS = ScoringSettings.from(ScorerFixture.testConfig()
            .with("scoring.candidates", "20").with("scoring.popular-items", "10"));

    /** Items i0..i1999 in 50 categories, lower numbers more popular, added in the given order. */
    private static ItemCatalog catalog(boolean reversed) {
        ItemCatalog catalog = SETTINGS.newCatalog();
        for (int n = 0; n < ITEMS; n++) {
            int i = reversed ? ITEMS - 1 - n : n;
            float count = ITEMS - i;
            catalog.putInfluence("i" + i, new ItemCatalog.Influence(new float[] {count, 0, 0, 0, 0}, NOW, count,
                    "c" + i % 50));
        }
        catalog.putNeighbours("i777", new ItemNeighbours(NOW, 10f, new String[] {"i1500", "i3"}, new float[] {4f, 2f}));
        return catalog;
    }

    /** A stored user who touched a few items, one of them unknown to the catalogues, with no hints yet. */
    private static byte[] storedUser() {
        UserState u = UserState.startingFrom(new float[SETTINGS.layout().size()], SETTINGS.layout().textDims(), 0);
        long t = NOW - 10_000;
        for (String item : List.of("i5", "unknown-item", "i1500", "i777")) {
            String category = item.startsWith("i") ? "c" + Integer.parseInt(item.substring(1)) % 50 : "c-new";
            u.history().observe(item, category, BehaviorType.CLICK, t += 1000, null, 0.5f, null, SETTINGS.decay(),
                    24, 12);
        }
        return u.encode();
    }

    private static float[] weights() {
        float[] w = new float[SETTINGS.layout().size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i + 1.0);
        }
        return w;
    }

    private static List<Ranker.Scored> top(ItemCatalog catalog, UserState user) {
        return new Ranker(catalog, SETTINGS.decay()).view(user, weights(), NOW).topK(100, false); // every candidate
    }

    @Test
    void aViewHintsWhereItFoundEachRecentItemAndCategory() {
        ItemCatalog catalog = catalog(false);
        UserState user = UserState.decode(storedUser());
        assertThat(user.history().hintedCatalogue).isZero();

        top(catalog, user);

        UserHistory h = UserState.decode(user.encode()).history();
        assertThat(h.hintedCatalogue).isEqualTo(catalog.instance());
        for (UserHistory.RecentItem r : h.recentItems) {
            ItemCatalog.Entry e = catalog.get(r.itemId);
            assertThat(r.catalogueIndex).as(r.itemId).isEqualTo(e == null ? -1 : e.index);
        }
        for (UserHistory.CategoryAffinity c : h.categories) {
            assertThat(c.canonicalId).as(c.category).isEqualTo(catalog.canonicalId(c.category));
        }
        assertThat(h.categories).anySatisfy(c -> assertThat(c.canonicalId).isEqualTo(-1));
    }

    @Test
    void hintsChangeNothingRankedInTheirCatalogueOrInAnother() {
        ItemCatalog a = catalog(false);
        ItemCatalog b = catalog(true);
        UserState hintedInA = UserState.decode(storedUser());
        top(a, hintedInA);
        byte[] stored = hintedInA.encode();

        List<Ranker.Scored> withoutHints = top(a, UserState.decode(storedUser()));
        assertThat(top(a, UserState.decode(stored))).isEqualTo(withoutHints);
        assertThat(withoutHints).extracting(Ranker.Scored::itemId).contains("i777", "i1500", "i3", "i5");

        // b numbers the same items the other way round: a's hints would name other items there
        UserState inB = UserState.decode(stored);
        assertThat(inB.history().recentItems.get(0).catalogueIndex).isNotEqualTo(b.get("i777").index);
        List<Ranker.Scored> inBRanked = top(b, inB);
        List<Ranker.Scored> inBWithoutHints = top(b, UserState.decode(storedUser()));
        assertThat(inBRanked).extracting(Ranker.Scored::itemId)
                .containsExactlyElementsOf(inBWithoutHints.stream().map(Ranker.Scored::itemId).toList());
        assertThat(inBRanked).extracting(Ranker.Scored::score)
                .containsExactlyElementsOf(inBWithoutHints.stream().map(Ranker.Scored::score).toList());
        assertThat(inB.history().hintedCatalogue).as("rewritten for b").isEqualTo(b.instance());
        assertThat(inB.history().recentItems.get(0).catalogueIndex).isEqualTo(b.get("i777").index);
    }

    @Test
    void inItsOwnCatalogueAHintIsTakenWithoutLookingTheIdUp() {
        ItemCatalog catalog = catalog(false);
        UserState user = UserState.decode(storedUser());
        top(catalog, user);
        UserState stored = UserState.decode(user.encode());
        UserHistory.RecentItem latest = stored.history().recentItems.get(0);
        assertThat(latest.itemId).isEqualTo("i777");
        // a hint naming another item: only a view that takes it, rather than looking i777 up, finds i3 there
        latest.catalogueIndex = catalog.get("i3").index;

        Ranker.View view = new Ranker(catalog, SETTINGS.decay()).view(stored, weights(), NOW);

        assertThat(view.isRecent(catalog.get("i3"))).isTrue();
        assertThat(view.isRecent(catalog.get("i777"))).isFalse();
    }
}
