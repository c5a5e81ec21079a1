package ripple.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A model of what ranking reads per candidate, in two layouts, to size a change of the catalogue's layout before
 * making it: as the catalogue keeps items now (an entry object per item, its text in an array of its own and its
 * influence features in a row object, each found through the entry), and as one contiguous row per item found by
 * catalogue index. Both rank the same candidate lists (381 random items of 100k, the mean of
 * {@link TwoStageBenchmark}'s stepped users) with the same arithmetic: a read of every candidate's lines first, as
 * the ranker does, then per candidate {@code dots} products over its 64 text dims and one over its six influence
 * features. One product stands for the ranker's SIMD text pass (about 19 ns a candidate for all six of its
 * products); six scalar ones for a pass bound by arithmetic. Not Ripple's code: a measurement of the memory layouts
 * alone. Run with {@code bench/jmh.sh RankLayout}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RankLayoutBenchmark {
    static final int ITEMS = 100_000;
    static final int DIMS = 64;
    static final int CANDIDATES = 381;
    /** Candidate lists cycled through: together they read every item's data several times over. */
    static final int LISTS = 1024;
    /** A row: the text, the six influence features, padding to whole cache lines (80 floats = 5 lines). */
    static final int STRIDE = 80;

    /** The influence features as the catalogue keeps them: fields of an object of their own. */
    static final class Row {
        final float f0;
        final float f1;
        final float f2;
        final float f3;
        final float f4;
        final float f5;

        Row(float[] f) {
            f0 = f[0];
            f1 = f[1];
            f2 = f[2];
            f3 = f[3];
            f4 = f[4];
            f5 = f[5];
        }
    }

    /** An entry as the catalogue keeps one: its index, its text array, its row, and other fields around them. */
    static final class Entry {
        final int index;
        final String itemId;
        volatile float[] text;
        volatile String category;
        volatile Object influence;
        volatile double logTotal;
        volatile Row row;
        volatile Object neighbours;
        volatile Object covisits;

        Entry(int index) {
            this.index = index;
            this.itemId = "item-" + index;
        }
    }

    @State(Scope.Benchmark)
    public static class Catalogue {
        @Param({"1", "6"})
        int dots;
        Entry[] entries;
        float[] rows;
        int[][] lists;
        float[][] queries;
        float[] influenceWeights;
        int next;

        @Setup
        public void setup() {
            SplittableRandom r = new SplittableRandom(7);
            entries = new Entry[ITEMS];
            rows = new float[ITEMS * STRIDE];
            // allocated as a catalogue fills: every entry when it is first seen, its text and its row later
            for (int i = 0; i < ITEMS; i++) {
                entries[i] = new Entry(i);
            }
            for (int i = 0; i < ITEMS; i++) {
                float[] text = new float[DIMS];
                for (int d = 0; d < DIMS; d++) {
                    text[d] = (float) r.nextGaussian();
                }
                entries[i].text = text;
                entries[i].category = "c" + i % 1000;
                entries[i].influence = new float[5];
                System.arraycopy(text, 0, rows, i * STRIDE, DIMS);
            }
            for (int i = 0; i < ITEMS; i++) {
                float[] f = new float[6];
                for (int k = 0; k < f.length; k++) {
                    f[k] = (float) r.nextDouble();
                }
                entries[i].row = new Row(f);
                System.arraycopy(f, 0, rows, i * STRIDE + DIMS, f.length);
            }
            lists = new int[LISTS][CANDIDATES];
            for (int[] list : lists) {
                for (int c = 0; c < list.length; c++) {
                    list[c] = r.nextInt(ITEMS);
                }
            }
            queries = new float[dots][DIMS];
            for (float[] q : queries) {
                for (int d = 0; d < DIMS; d++) {
                    q[d] = (float) r.nextGaussian();
                }
            }
            influenceWeights = new float[6];
            for (int k = 0; k < influenceWeights.length; k++) {
                influenceWeights[k] = (float) r.nextGaussian();
            }
        }

        int[] nextList() {
            next = (next + 1) % LISTS;
            return lists[next];
        }
    }

    @Benchmark
    public double objects(Catalogue s) {
        int[] list = s.nextList();
        Entry[] entries = s.entries;
        float touched = 0f;
        for (int c : list) {
            Entry e = entries[c];
            float[] t = e.text;
            touched += t[0] + t[16] + t[32] + t[48] + t[DIMS - 1] + e.row.f0;
        }
        double best = touched * 1e-30;
        float[] w = s.influenceWeights;
        for (int c : list) {
            Entry e = entries[c];
            float[] t = e.text;
            Row row = e.row;
            double score = 0;
            for (float[] q : s.queries) {
                float acc = 0f;
                for (int d = 0; d < DIMS; d++) {
                    acc += q[d] * t[d];
                }
                score += acc;
            }
            score += w[0] * row.f0 + w[1] * row.f1 + w[2] * row.f2 + w[3] * row.f3 + w[4] * row.f4 + w[5] * row.f5;
            best = Math.max(best, score + e.index * 1e-9);
        }
        return best;
    }

    @Benchmark
    public double rows(Catalogue s) {
        int[] list = s.nextList();
        float[] rows = s.rows;
        float touched = 0f;
        for (int c : list) {
            int o = c * STRIDE;
            touched += rows[o] + rows[o + 16] + rows[o + 32] + rows[o + 48] + rows[o + DIMS];
        }
        double best = touched * 1e-30;
        float[] w = s.influenceWeights;
        for (int c : list) {
            int o = c * STRIDE;
            double score = 0;
            for (float[] q : s.queries) {
                float acc = 0f;
                for (int d = 0; d < DIMS; d++) {
                    acc += q[d] * rows[o + d];
                }
                score += acc;
            }
            int f = o + DIMS;
            score += w[0] * rows[f] + w[1] * rows[f + 1] + w[2] * rows[f + 2] + w[3] * rows[f + 3]
                    + w[4] * rows[f + 4] + w[5] * rows[f + 5];
            best = Math.max(best, score + c * 1e-9);
        }
        return best;
    }
}
