package ripple.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What ranking copies of an item ({@link ItemCatalog#rankRow}) reads as the entry does, and never half-written. */
class RankRowsTest {
    private static final long T = 1_700_000_000_000L;

    private static ItemCatalog catalog(int textClusters) {
        FeatureLayout layout = new FeatureLayout(List.of("m1", "m2"), 8);
        return new ItemCatalog(layout, 42L, new Decay(Duration.ofDays(1)), RetrievalSettings.defaults(), textClusters);
    }

    private static float[] embedding(int seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] v = new float[12];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static int[] row(ItemCatalog catalog, ItemCatalog.Entry e, long now) {
        int[] row = new int[catalog.rankRowLength()];
        catalog.rankRow(e.index, catalog.influenceTick(now), row);
        return row;
    }

    /** Every field ranking reads, from the row and from the entry. */
    private static void assertReadsAsEntry(ItemCatalog catalog, String id, long now) {
        ItemCatalog.Entry e = catalog.get(id);
        int[] row = row(catalog, e, now);
        assertThat(catalog.hasText(row)).as("%s has text", id).isEqualTo(catalog.hasText(e));
        if (catalog.hasText(e)) {
            assertThat(RankRows.textSlot(row) * catalog.layout().dimsPerModel()).isEqualTo(e.textOffset());
            float[] text = e.rawText();
            for (int i = 0; i < text.length; i++) {
                assertThat(RankRows.text(row, RankRows.TEXT, i, RankRows.textScale(row))).isEqualTo(text[i]);
            }
        }
        assertThat(catalog.categoryId(row, e.index)).as("%s category", id).isEqualTo(catalog.canonicalId(catalog.category(e)));
        assertThat(RankRows.hasInfluence(row)).isEqualTo(e.influence() != null);
        if (e.influence() != null) {
            assertThat(RankRows.logTotal(row)).isEqualTo(Math.log(1 + e.influence().total()));
            assertThat(catalog.allTimePopularity(row)).isEqualTo(catalog.allTimePopularity(e));
        }
    }

    @Test
    void aRowReadsAsItsEntryThroughEveryChange() {
        ItemCatalog catalog = catalog(0);
        catalog.putFeatures("a", "m1", "v1", embedding(1), T, "shoes", null);
        catalog.putFeatures("b", "m2", "v1", embedding(2), T, null, null);
        catalog.putInfluence("b", new ItemCatalog.Influence(new float[] {3, 0, 1, 0, 0}, T, 40f, "hats"));
        catalog.putInfluence("c", new ItemCatalog.Influence(new float[] {1, 1, 1, 1, 1}, T, 7f, null));
        for (String id : new String[] {"a", "b", "c"}) {
            assertReadsAsEntry(catalog, id, T);
        }
        assertThat(catalog.categoryId(row(catalog, catalog.get("b"), T), catalog.get("b").index))
                .as("b's category came with its influence").isEqualTo(catalog.canonicalId("hats"));

        catalog.putInfluence("a", new ItemCatalog.Influence(new float[] {9, 0, 0, 0, 0}, T + 5, 900f, "other"));
        catalog.removeFeatures("b");
        catalog.putFeatures("c", "m1", "v1", embedding(3), T, null, null);
        for (String id : new String[] {"a", "b", "c"}) {
            assertReadsAsEntry(catalog, id, T + 10);
        }
        assertThat(catalog.hasText(row(catalog, catalog.get("b"), T))).as("removed text").isFalse();

        // a new version of m1: items still of v1 are not scored with text until re-embedded
        catalog.putFeatures("d", "m1", "v2", embedding(4), T + 1000, null, null);
        assertThat(catalog.hasText(row(catalog, catalog.get("a"), T))).isFalse();
        assertThat(catalog.hasText(row(catalog, catalog.get("d"), T))).isTrue();
        for (String id : new String[] {"a", "b", "c", "d"}) {
            assertReadsAsEntry(catalog, id, T + 2000);
        }
    }

    /**
     * The text index scores a row's text where it lies: its product with a query is the sum over the text's values
     * (integers times the scale), in SIMD lanes and in scalar code alike; a row of another model scores lowest.
     */
    @Test
    void theTextIndexReadsARowsTextInPlace() {
        int dims = 37; // odd: past the SIMD lanes, a scalar tail and half an int
        RankRows rows = new RankRows(dims);
        rows.ensure(5);
        float[] text = embedding(7);
        text = java.util.Arrays.copyOf(text, dims);
        for (int i = 12; i < dims; i++) {
            text[i] = i % 3 - 1.3f;
        }
        float scale = RankRows.textScale(text);
        text = RankRows.rounded(text, scale);
        int[] page = rows.page(5);
        int b = rows.base(5);
        page[b + RankRows.TEXT_MODEL] = RankRows.textModel(1, 0);
        RankRows.putText(page, b, text, scale);
        float[] query = new float[dims];
        double expected = 0;
        double magnitude = 0;
        for (int i = 0; i < dims; i++) {
            query[i] = (float) Math.sin(i + 1.0);
            expected += (double) text[i] * query[i];
            magnitude += Math.abs((double) text[i] * query[i]);
        }
        org.assertj.core.data.Offset<Float> rounding = org.assertj.core.data.Offset.offset((float) (1e-5 * magnitude));
        assertThat(Simd.ENABLED).as("the tests run with the Vector API").isTrue();
        assertThat(rows.textDot(5, 1, query)).isCloseTo((float) expected, rounding);
        assertThat(RankRows.scalarTextDot(page, b + RankRows.TEXT, dims, query) * scale)
                .isCloseTo((float) expected, rounding);
        assertThat(rows.textDot(5, 0, query)).as("another model's slot").isEqualTo(-Float.MAX_VALUE);
        page[b + RankRows.TEXT_MODEL] = 0;
        assertThat(rows.textDot(5, 1, query)).as("no text").isEqualTo(-Float.MAX_VALUE);
    }

    @Test
    void influenceFeaturesFollowTheTickAndNewCounts() {
        ItemCatalog catalog = catalog(0);
        catalog.putInfluence("a", new ItemCatalog.Influence(new float[] {8, 0, 0, 0, 0}, T, 8f, null));
        catalog.putInfluence("z", new ItemCatalog.Influence(new float[] {100, 0, 0, 0, 0}, T, 100f, null));
        ItemCatalog.Entry a = catalog.get("a");
        float now = RankRows.feature(row(catalog, a, T), 0);
        float dayLater = RankRows.feature(row(catalog, a, T + Duration.ofDays(1).toMillis()), 0);
        assertThat(dayLater).as("a day of decay, read again in a later tick").isLessThan(now);
        assertThat(RankRows.feature(row(catalog, a, T), 0)).as("the earlier tick again").isEqualTo(now);
        catalog.putInfluence("a", new ItemCatalog.Influence(new float[] {50, 0, 0, 0, 0}, T, 50f, null));
        assertThat(RankRows.feature(row(catalog, a, T), 0)).as("a new count, same tick").isGreaterThan(now);
    }

    @Test
    void aTextTopicIsTheRowsCategoryWhenTheItemHasNone() {
        ItemCatalog catalog = catalog(2);
        for (int i = 0; i < 12; i++) {
            catalog.putFeatures("t" + i, "m1", "v1", embedding(100 + i), T, null, null);
        }
        catalog.putFeatures("named", "m1", "v1", embedding(200), T, "named-category", null);
        for (int i = 0; i < 12; i++) {
            ItemCatalog.Entry e = catalog.get("t" + i);
            assertThat(catalog.category(e)).isNotNull();
            assertReadsAsEntry(catalog, "t" + i, T);
        }
        assertReadsAsEntry(catalog, "named", T);
    }

    /**
     * A writer replaces an item's text and influence over and over while readers copy its row: every copy holds one
     * whole version of each part, never a mix of two.
     */
    @Test
    void aReaderNeverSeesHalfAnUpdate() throws Exception {
        ItemCatalog catalog = catalog(0);
        float[][] embeddings = {embedding(7), embedding(8)};
        ItemCatalog.Influence[] influences = {
                new ItemCatalog.Influence(new float[] {5, 1, 0, 2, 0}, T, 50f, null),
                new ItemCatalog.Influence(new float[] {1, 4, 3, 0, 9}, T, 90f, null)};
        // what each version reads as, read alone
        List<int[]> texts = new ArrayList<>();
        List<int[]> features = new ArrayList<>();
        for (int v = 0; v < 2; v++) {
            catalog.putFeatures("x", "m1", "v1", embeddings[v], T, null, null);
            texts.add(java.util.Arrays.copyOfRange(row(catalog, catalog.get("x"), T), RankRows.TEXT,
                    catalog.rankRowLength()));
        }
        for (ItemCatalog.Influence influence : influences) {
            catalog.putInfluence("x", influence); // the scales grow to their largest before features are read
        }
        for (int v = 0; v < 2; v++) {
            catalog.putInfluence("x", influences[v]);
            features.add(java.util.Arrays.copyOfRange(row(catalog, catalog.get("x"), T), RankRows.FEATURES,
                    RankRows.FEATURES + RankRows.DECAYED_FEATURES));
        }
        assertThat(texts.get(0)).isNotEqualTo(texts.get(1));
        assertThat(features.get(0)).isNotEqualTo(features.get(1));

        int index = catalog.get("x").index;
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        long tick = catalog.influenceTick(T);
        Runnable reader = () -> {
            int[] row = new int[catalog.rankRowLength()];
            while (!done.get() && torn.get() == null) {
                catalog.rankRow(index, tick, row);
                int[] text = java.util.Arrays.copyOfRange(row, RankRows.TEXT, row.length);
                int[] f = java.util.Arrays.copyOfRange(row, RankRows.FEATURES,
                        RankRows.FEATURES + RankRows.DECAYED_FEATURES);
                if (!java.util.Arrays.equals(text, texts.get(0)) && !java.util.Arrays.equals(text, texts.get(1))) {
                    torn.set("text");
                }
                if (!java.util.Arrays.equals(f, features.get(0)) && !java.util.Arrays.equals(f, features.get(1))) {
                    torn.set("influence features");
                }
            }
        };
        Thread[] readers = {new Thread(reader), new Thread(reader)};
        for (Thread t : readers) {
            t.start();
        }
        for (int i = 0; i < 20_000 && torn.get() == null; i++) {
            catalog.putFeatures("x", "m1", "v1", embeddings[i & 1], T, null, null);
            catalog.putInfluence("x", influences[(i >> 1) & 1]);
        }
        done.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertThat(torn.get()).as("a part read half-written").isNull();
    }
}
