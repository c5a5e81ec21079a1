package ripple.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TextIndexTest {
    /** Refreshes on every search that follows a change, so a test sees its writes at once. */
    private static final RetrievalSettings EAGER = index(Duration.ZERO);

    private static RetrievalSettings index(Duration refresh) {
        return new RetrievalSettings(10, 10, 10, 5, java.util.EnumSet.allOf(RetrievalSettings.Source.class), refresh,
                16, 100, 1, 1, 0);
    }

    @Test
    void findsAddsUpdatesAndRemovals() {
        try (TextIndex index = new TextIndex(EAGER)) {
            index.put("a", 0, "m", new float[] {1f, 0f, 0f}, "shoes");
            index.put("b", 1, "m", new float[] {0f, 1f, 0f}, "books");
            index.put("c", 2, "m", new float[] {0.7f, 0.7f, 0f}, "books");
            // Largest inner product first: c scores 2.1, a 2, b 1.
            assertThat(index.search("m", new float[] {2f, 1f, 0f}, 3, null)).containsExactly(2, 0, 1);
            assertThat(index.search("m", new float[] {2f, 0f, 0f}, 1, null)).containsExactly(0);
            assertThat(index.search("m", new float[] {2f, 0f, 0f}, 3, "books")).containsExactly(2, 1);

            index.put("b", 1, "m", new float[] {3f, 0f, 0f}, "books");
            assertThat(index.search("m", new float[] {2f, 0f, 0f}, 1, null)).containsExactly(1);

            index.remove("b");
            index.remove("a");
            assertThat(index.search("m", new float[] {2f, 0f, 0f}, 3, null)).containsExactly(2);
            // Each model is its own space; one nobody indexed finds nothing.
            assertThat(index.search("other", new float[] {2f, 0f, 0f}, 3, null)).isEmpty();
        }
    }

    @Test
    void searchesWhileTheGlobalThreadWrites() throws Exception {
        int items = 1000;
        Duration refresh = Duration.ofMillis(10);
        try (TextIndex index = new TextIndex(index(refresh))) {
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
                        index.put("i" + item, item, "m", randomVector(rnd, 16), "c" + item % 7);
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
