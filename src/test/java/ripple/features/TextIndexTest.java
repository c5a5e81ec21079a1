package ripple.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextIndexTest {
    /** Refreshes on every search that follows a change, so a test sees its writes at once. */
    private static final RetrievalSettings EAGER = index(Duration.ZERO);

    private static RetrievalSettings index(Duration refresh) {
        return new RetrievalSettings(10, 10, 10, 5, java.util.EnumSet.allOf(RetrievalSettings.Source.class), refresh,
                16, 100, 1, 1, 0);
    }

    /**
     * Ripple's copy of the indexed vectors, as the catalogue keeps it: written before the index hears of a change, and
     * read by unfiltered searches of an index given it.
     */
    private static final class Copies implements TextIndex.Vectors {
        private final Map<Integer, float[]> vectors = new ConcurrentHashMap<>();
        private final Map<Integer, String> models = new ConcurrentHashMap<>();

        void put(TextIndex index, String id, int entry, String model, float[] vector, String category) {
            vectors.put(entry, vector);
            models.put(entry, model);
            index.put(id, entry, model, vector, category);
        }

        @Override
        public TextIndex.Scorer scorer(String modelId, float[] query) {
            return entry -> {
                float[] v = vectors.get(entry);
                return v == null || !modelId.equals(models.get(entry)) ? -Float.MAX_VALUE : dot(v, query);
            };
        }
    }

    private static float dot(float[] a, float[] b) {
        float s = 0f;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** An index scoring with Lucene's copy of the vectors, or (copies not null) with Ripple's. */
    private static TextIndex index(RetrievalSettings settings, Copies copies) {
        return copies == null ? new TextIndex(settings) : new TextIndex(settings, copies);
    }

    @ParameterizedTest(name = "Ripple's copy of the vectors: {0}")
    @ValueSource(booleans = {false, true})
    void findsAddsUpdatesAndRemovals(boolean ownVectors) {
        Copies copies = ownVectors ? new Copies() : null;
        Copies writes = copies != null ? copies : new Copies();
        try (TextIndex index = index(EAGER, copies)) {
            writes.put(index, "a", 0, "m", new float[] {1f, 0f, 0f}, "shoes");
            writes.put(index, "b", 1, "m", new float[] {0f, 1f, 0f}, "books");
            writes.put(index, "c", 2, "m", new float[] {0.7f, 0.7f, 0f}, "books");
            // Largest inner product first: c scores 2.1, a 2, b 1.
            assertThat(index.search("m", new float[] {2f, 1f, 0f}, 3, null)).containsExactly(2, 0, 1);
            assertThat(index.search("m", new float[] {2f, 0f, 0f}, 1, null)).containsExactly(0);
            assertThat(index.search("m", new float[] {2f, 0f, 0f}, 3, "books")).containsExactly(2, 1);

            writes.put(index, "b", 1, "m", new float[] {3f, 0f, 0f}, "books");
            assertThat(index.search("m", new float[] {2f, 0f, 0f}, 1, null)).containsExactly(1);

            index.remove("b");
            index.remove("a");
            assertThat(index.search("m", new float[] {2f, 0f, 0f}, 3, null)).containsExactly(2);
            // Each model is its own space; one nobody indexed finds nothing.
            writes.put(index, "d", 3, "n", new float[] {5f, 0f, 0f}, null);
            assertThat(index.search("m", new float[] {2f, 0f, 0f}, 3, null)).containsExactly(2);
            assertThat(index.search("n", new float[] {2f, 0f, 0f}, 3, null)).containsExactly(3);
            assertThat(index.search("other", new float[] {2f, 0f, 0f}, 3, null)).isEmpty();
        }
    }

    /**
     * Walking the graphs with Ripple's copy of the vectors finds what Lucene's own search finds, over several segments,
     * replaced items and removed ones: the two indexes are built alike, so their graphs are the same.
     */
    @Test
    void theGraphWalkFindsWhatLucenesSearchFinds() {
        int items = 3000;
        int dims = 16;
        Copies copies = new Copies();
        try (TextIndex lucene = new TextIndex(EAGER); TextIndex own = new TextIndex(EAGER, copies)) {
            SplittableRandom rnd = new SplittableRandom(11);
            float[][] current = new float[items][];
            java.util.Set<Integer> removed = new java.util.HashSet<>();
            for (int i = 0; i < items; i++) {
                current[i] = randomVector(rnd, dims);
                copies.put(own, "i" + i, i, "m", current[i], null);
                lucene.put("i" + i, i, "m", current[i], null);
                if (i % 1000 == 999) { // a search opens a reader, which makes the items so far a segment
                    own.search("m", current[0], 1, null);
                    lucene.search("m", current[0], 1, null);
                }
            }
            for (int i = 0; i < items; i += 10) { // every tenth replaced, every tenth of the rest removed
                current[i] = randomVector(rnd, dims);
                copies.put(own, "i" + i, i, "m", current[i], null);
                lucene.put("i" + i, i, "m", current[i], null);
                own.remove("i" + (i + 5));
                lucene.remove("i" + (i + 5));
                removed.add(i + 5);
            }
            assertThat(own.segments()).isGreaterThan(1);
            int k = 20;
            double same = 0;
            double recall = 0;
            int queries = 50;
            for (int q = 0; q < queries; q++) {
                float[] query = randomVector(rnd, dims);
                int[] ours = own.search("m", query, k, null);
                int[] theirs = lucene.search("m", query, k, null);
                assertThat(ours).hasSize(k).doesNotHaveDuplicates();
                assertThat(java.util.Arrays.stream(ours).boxed()).doesNotContainAnyElementsOf(removed);
                for (int i = 1; i < k; i++) { // best first, by the current vectors
                    assertThat(dot(current[ours[i - 1]], query)).isGreaterThanOrEqualTo(dot(current[ours[i]], query));
                }
                same += java.util.Arrays.stream(ours).filter(e -> contains(theirs, e)).count() / (double) k;
                int[] exact = java.util.stream.IntStream.range(0, items).filter(e -> !removed.contains(e)).boxed()
                        .sorted((a, b) -> Float.compare(dot(current[b], query), dot(current[a], query)))
                        .limit(k).mapToInt(Integer::intValue).toArray();
                recall += java.util.Arrays.stream(ours).filter(e -> contains(exact, e)).count() / (double) k;
            }
            assertThat(same / queries).as("hits in common with Lucene's search").isGreaterThan(0.98);
            assertThat(recall / queries).as("recall against an exact search").isGreaterThan(0.9);
        }
    }

    private static boolean contains(int[] a, int x) {
        return java.util.Arrays.stream(a).anyMatch(y -> y == x);
    }

    @ParameterizedTest(name = "Ripple's copy of the vectors: {0}")
    @ValueSource(booleans = {false, true})
    void searchesWhileTheGlobalThreadWrites(boolean ownVectors) throws Exception {
        int items = 1000;
        Duration refresh = Duration.ofMillis(10);
        Copies copies = ownVectors ? new Copies() : null;
        Copies writes = copies != null ? copies : new Copies();
        try (TextIndex index = index(index(refresh), copies)) {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            AtomicBoolean writing = new AtomicBoolean(true);
            // the writer starts once both readers run, so that they search while it writes however the threads
            // are scheduled (a reader that started after the writes ended once searched not at all)
            CountDownLatch readersStarted = new CountDownLatch(2);
            try {
                Future<?> writer = pool.submit(() -> {
                    readersStarted.await();
                    SplittableRandom rnd = new SplittableRandom(1);
                    for (int i = 0; i < items * 2; i++) {
                        int item = i % items; // the second pass replaces every item
                        writes.put(index, "i" + item, item, "m", randomVector(rnd, 16), "c" + item % 7);
                        if (i % 10 == 9) {
                            index.remove("i" + rnd.nextInt(item + 1));
                        }
                    }
                    writing.set(false);
                    return null;
                });
                List<Future<Integer>> readers = new ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    long seed = r;
                    readers.add(pool.submit(() -> {
                        SplittableRandom rnd = new SplittableRandom(100 + seed);
                        int searches = 0;
                        readersStarted.countDown();
                        do {
                            for (int entry : index.search("m", randomVector(rnd, 16), 20, searches % 2 == 0 ? null : "c3")) {
                                assertThat(entry).isBetween(0, items - 1);
                            }
                            searches++;
                        } while (writing.get());
                        return searches;
                    }));
                }
                writer.get(60, TimeUnit.SECONDS);
                for (Future<Integer> r : readers) {
                    assertThat(r.get(60, TimeUnit.SECONDS)).isPositive();
                }
            } finally {
                pool.shutdownNow();
            }
            // Everything written is searchable by the first search a refresh interval after the writes stop:
            // each item once, however often it was replaced.
            Thread.sleep(refresh.toMillis() * 2);
            int[] all = index.search("m", randomVector(new SplittableRandom(7), 16), items, null);
            assertThat(all).doesNotHaveDuplicates().hasSizeGreaterThan(items / 2);
        }
    }

    private static float[] randomVector(SplittableRandom rnd, int dims) {
        float[] v = new float[dims];
        for (int i = 0; i < dims; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }
}
