package ripple.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An item's normalised co-occurrence, kept per item and influence tick. */
class CovisitsTest {
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long TICK = DAY / 1024;
    private static final long T = 20_000_000 * TICK;

    private static ItemCatalog catalog() {
        return new ItemCatalog(new FeatureLayout(List.of("m"), 8), 42, new Decay(Duration.ofDays(1)),
                RetrievalSettings.defaults());
    }

    @Test
    void areCosinesOfCountsDecayedToTheStartOfTheTick() {
        ItemCatalog catalog = catalog();
        catalog.putNeighbours("a", new ItemNeighbours(T, 16f, new String[] {"b", "c", "unknown"}, new float[] {4f, 2f, 1f}));
        catalog.putNeighbours("b", new ItemNeighbours(T, 9f, new String[0], new float[0]));
        catalog.putInfluence("c", new ItemCatalog.Influence(new float[InfluenceGroup.COUNT], T));
        ItemCatalog.Entry a = catalog.get("a");

        ItemCatalog.Covisits now = catalog.covisits(a, T + DAY + 5);
        // one half-life later every count is halved: 2 / sqrt(8 * 4.5) for b; c has no co-occurrence counts of its
        // own, so its pair count stands in for them: 1 / sqrt(8 * 1); an item the catalogue does not know scores 0
        assertThat(now.scores()[0]).isCloseTo(2 / Math.sqrt(8 * 4.5), within(1e-9));
        assertThat(now.scores()[1]).isCloseTo(1 / Math.sqrt(8 * 1), within(1e-9));
        assertThat(now.scores()[2]).isZero();
        assertThat(catalog.covisits(a, T + DAY + TICK - 1)).isSameAs(now);
        assertThat(catalog.covisits(a, T + DAY + TICK)).isNotSameAs(now);

        catalog.putNeighbours("a", new ItemNeighbours(T, 16f, new String[] {"b"}, new float[] {8f}));
        assertThat(catalog.covisits(a, T + DAY + 5).scores()).containsExactly(4 / Math.sqrt(8 * 4.5));
        assertThat(catalog.covisits(catalog.get("b"), T)).isNotNull();
        assertThat(catalog.covisits(catalog.get("b"), T).scores()).isEmpty();
    }

    @Test
    void neighboursAndCategoriesHoldTheCataloguesOwnStringsNotTheDecodedOnes() {
        ItemCatalog catalog = catalog();
        catalog.putInfluence("b", new ItemCatalog.Influence(new float[InfluenceGroup.COUNT], T, 1f, "shoes"));
        // decoded from a record: equal strings, other instances
        String decodedB = new String("b".toCharArray());
        String decodedUnknown = new String("unknown".toCharArray());
        catalog.putNeighbours("a", new ItemNeighbours(T, 4f, new String[] {decodedB, decodedUnknown},
                new float[] {2f, 1f}));
        catalog.putInfluence("c", new ItemCatalog.Influence(new float[InfluenceGroup.COUNT], T, 1f,
                new String("shoes".toCharArray())));

        String[] ids = catalog.get("a").neighbours().ids();
        assertThat(ids).containsExactly("b", "unknown");
        assertThat(ids[0]).isSameAs(catalog.get("b").itemId);
        assertThat(ids[1]).isSameAs(decodedUnknown);
        assertThat(catalog.get("c").influence().category()).isSameAs(catalog.get("b").influence().category());
        assertThat(catalog.covisits(catalog.get("a"), T).entries()[0]).isSameAs(catalog.get("b"));
    }

    @Test
    void aReplacedListIsLetGoWithWhatWasDerivedFromItBeforeTheItemIsReadAgain() throws InterruptedException {
        ItemCatalog catalog = catalog();
        catalog.putNeighbours("b", new ItemNeighbours(T, 9f, new String[0], new float[0]));
        catalog.putNeighbours("a", new ItemNeighbours(T, 16f, new String[] {"b"}, new float[] {4f}));
        ItemCatalog.Covisits derived = catalog.covisits(catalog.get("a"), T);
        assertThat(derived).isNotNull();
        WeakReference<ItemNeighbours> firstKept = new WeakReference<>(catalog.get("a").neighbours());
        WeakReference<ItemCatalog.Covisits> derivedKept = new WeakReference<>(derived);
        derived = null;

        catalog.putNeighbours("a", new ItemNeighbours(T, 16f, new String[] {"b"}, new float[] {8f}));
        for (int i = 0; i < 10 && (firstKept.get() != null || derivedKept.get() != null); i++) {
            System.gc();
            Thread.sleep(10);
        }

        // nothing read item a since: its views of the first list would have kept that list alive until then
        assertThat(firstKept.get()).isNull();
        assertThat(derivedKept.get()).isNull();
        assertThat(catalog.covisits(catalog.get("a"), T).scores()).containsExactly(8 / Math.sqrt(16 * 9));
    }
}
