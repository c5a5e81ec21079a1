package ripple.features;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What ranking reads of each catalogue item, one contiguous row per catalogue index: its text, whether that text
 * is usable, its category, its all-time count, and its influence features as of one influence tick. Ranking reads a
 * row per candidate, several hundred per event from a catalogue of many MB, so it is bound by cache misses: through
 * the entry, its text array and an influence row object it waited on three dependent misses per candidate, where
 * a row found from the index alone is one contiguous read ({@code RankLayoutBenchmark}: 48.9 against 16.1 µs a
 * ranking of 381 candidates of 100k items).
 *
 * <p>A row is an {@code int[]} slice of whole 64-byte lines, the first holding everything but the text; floats are
 * kept as their bits. Rows live in pages that never move ({@link #PAGE_BITS}), so a
 * reader needs no lock and a writer never copies another's row. Each row has two parts, each guarded by a sequence
 * number (a seqlock): the item part (text, version, category, count) written by the catalogue's writers under the
 * catalogue's row lock, and the influence part, computed by whichever ranking thread first needs it in a tick and
 * claimed by a compare-and-set. A reader copies the row ({@link ItemCatalog#rankRow}) and keeps the copy only when
 * the item part's number was even and did not move while it read (else it reads again: a writer holds it for well
 * under a microsecond); influence features whose number moved, or whose stamp is of another tick or count, it
 * computes from the entry. The entry stays the source of truth; a row is a copy of it laid out for ranking.
 *
 * <p>Text is kept as 8-bit integers with a scale per item, a quarter of the bytes of floats: at 64 dimensions a row
 * is two 64-byte lines, where 16-bit integers made it three. The catalogue rounds an item's projected text to those
 * integers before anything reads it ({@link #rounded}), so ranking, learning and the text index all see the same
 * values.
 */
public final class RankRows {
    /** The item part's sequence number: odd while a writer changes it. */
    static final int ITEM_SEQ = 0;
    /**
     * The text model: its slot + 1 ({@link FeatureLayout#textModels} order) in the top 8 bits, 0 without text, and
     * the number of its version ({@link ItemCatalog}'s version numbers) in the low 24.
     */
    static final int TEXT_MODEL = 1;
    /** The id of the category the item's features or events gave it, + 1; 0 for none. */
    static final int CATEGORY = 2;
    /** How many influence updates the item has had; 0 for none. */
    static final int INFLUENCE = 3;
    /** log(1 + all-time count) as a double's bits, high int then low. */
    static final int LOG_TOTAL = 4;
    /** The text's scale (a float's bits): text value i is its 8-bit integer i times this. */
    static final int TEXT_SCALE = 6;
    /** The influence part's sequence number. */
    static final int INFLUENCE_SEQ = 7;
    /**
     * What the influence features were computed from: {@link #INFLUENCE}, the tick's low 32 bits (two ticks that
     * far apart are 136 years apart at the shortest tick) and the scales.
     */
    static final int STAMP_INFLUENCE = 8;
    static final int STAMP_TICK = 9;
    static final int STAMP_SCALES = 10;
    /**
     * The decayed influence features, one per {@link InfluenceGroup} (floats' bits). The all-time popularity, the
     * last influence feature, is not kept: it is the row's {@link #LOG_TOTAL} over the catalogue's scale, found
     * when read ({@link ItemCatalog#allTimePopularity(int[])}).
     */
    static final int FEATURES = 11;
    public static final int DECAYED_FEATURES = InfluenceGroup.COUNT;
    /**
     * The projected text as 8-bit integers, four to an int (value 4k + j in byte j of int k, lowest first),
     * {@code dims} of them: a quarter of the bytes of floats, so fewer cache lines for a candidate's ranking to wait
     * for. What comes before it is one 64-byte line.
     */
    public static final int TEXT = 16;
    /** The largest 8-bit integer a text value is kept as. */
    private static final int TEXT_MAX = Byte.MAX_VALUE;

    /**
     * Rows per page: a page of 64-dimension rows is 4 MB and 64 bytes (its header and {@link #LEAD}), more than
     * half of a G1 region up to 8 MB (the region of heaps up to 16 GB), so G1 allocates it as a humongous object, at
     * the start of a region, and never moves it. Its ints then start 16 bytes (the array's header) after a region
     * boundary, and {@link #LEAD} more ints put every row (a multiple of 16 ints) on a 64-byte line of its own: a
     * row of 64 dimensions is two lines. Where
     * that does not hold (another collector, a larger region) rows straddle lines, which costs time, not results.
     */
    static final int PAGE_BITS = 15;
    static final int PAGE_ROWS = 1 << PAGE_BITS;
    private static final int LEAD = 12;

    static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);

    static {
        if (FEATURES + DECAYED_FEATURES > TEXT || DECAYED_FEATURES != FeatureLayout.INFLUENCE - 1) {
            throw new ExceptionInInitializerError("a row's first line holds " + TEXT + " ints and "
                    + DECAYED_FEATURES + " decayed influence features from " + FEATURES);
        }
    }

    private final int dims;
    private final int stride;
    private volatile int[][] pages = new int[0][];

    RankRows(int dims) {
        this.dims = dims;
        this.stride = (TEXT + (dims + 3) / 4 + 15) / 16 * 16; // whole 64-byte lines
    }

    /** Ints per row: what {@link ItemCatalog#rankRow} copies into. */
    public int stride() {
        return stride;
    }

    int dims() {
        return dims;
    }

    /** Makes room for the row of {@code index}; called by the catalogue's writer as it adds entries, in order. */
    void ensure(int index) {
        int[][] p = pages;
        int page = index >>> PAGE_BITS;
        if (page < p.length) {
            return;
        }
        int[][] grown = java.util.Arrays.copyOf(p, Math.max(page + 1, 2 * p.length));
        for (int i = p.length; i < grown.length; i++) {
            grown[i] = new int[LEAD + PAGE_ROWS * stride];
        }
        pages = grown;
    }

    int[] page(int index) {
        return pages[index >>> PAGE_BITS];
    }

    int base(int index) {
        return LEAD + (index & (PAGE_ROWS - 1)) * stride;
    }

    // ---- reading a copy of a row ----

    /** Whether the copied row has text of the version {@code activeVersionIds} names for its slot. */
    static boolean hasText(int[] row, int[] activeVersions) {
        int slot = textSlot(row);
        return slot >= 0 && activeVersions[slot] == (row[TEXT_MODEL] & VERSION_MASK);
    }

    /** The low bits of {@link #TEXT_MODEL}: its version's number. */
    static final int VERSION_MASK = (1 << 24) - 1;

    /** {@link #TEXT_MODEL} of a text model slot and version number; 0 (no text) when the slot is negative. */
    static int textModel(int slot, int version) {
        if (version < 0 || version > VERSION_MASK || slot > 254) {
            throw new IllegalStateException("text model slot " + slot + ", version number " + version);
        }
        return slot < 0 ? 0 : (slot + 1) << 24 | version;
    }

    /** The text's scale in the copied row: value i is its 8-bit integer i times this. */
    public static float textScale(int[] row) {
        return Float.intBitsToFloat(row[TEXT_SCALE]);
    }

    /**
     * Text value i of a row whose text starts at {@code at} in {@code row} ({@link #TEXT} in a copied row): its
     * 8-bit integer times {@code scale} ({@link #textScale}).
     */
    public static float text(int[] row, int at, int i, float scale) {
        return (byte) (row[at + (i >> 2)] >>> ((i & 3) << 3)) * scale;
    }

    /**
     * The inner product of {@code query} with the text of the row of {@code index}, read in place, when that text
     * is of the model in {@code slot}; else {@code -Float.MAX_VALUE}. For the text index's searches, which visit
     * some 1,500 rows each: no sequence number is checked, so a row being rewritten may give a mix of its old and
     * new text, which moves one approximate search, no ranking.
     */
    float textDot(int index, int slot, float[] query) {
        int[] page = page(index);
        int b = base(index);
        if ((page[b + TEXT_MODEL] >>> 24) - 1 != slot) {
            return -Float.MAX_VALUE;
        }
        float scale = Float.intBitsToFloat(page[b + TEXT_SCALE]);
        return scale * (Simd.ENABLED ? VectorTextDot.dot(page, b + TEXT, dims, query)
                : scalarTextDot(page, b + TEXT, dims, query));
    }

    /**
     * Reads one int of every 64-byte line of the row of {@code index}, each load independent of the others, so
     * that a reader soon after finds the row in cache; returns their sum (keep it, so that the loads stay).
     */
    int touch(int index) {
        int[] page = page(index);
        int b = base(index);
        int sum = 0;
        for (int i = b, end = b + stride; i < end; i += 16) {
            sum += page[i];
        }
        return sum;
    }

    /** {@link VectorTextDot#dot} as scalar code, four independent chains of fused multiply-adds. */
    static float scalarTextDot(int[] page, int at, int dims, float[] query) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int i = 0;
        for (; i + 3 < dims; i += 4) {
            int four = page[at + (i >> 2)];
            s0 = Math.fma((byte) four, query[i], s0);
            s1 = Math.fma((byte) (four >>> 8), query[i + 1], s1);
            s2 = Math.fma((byte) (four >>> 16), query[i + 2], s2);
            s3 = Math.fma((byte) (four >>> 24), query[i + 3], s3);
        }
        for (; i < dims; i++) {
            s0 = Math.fma(text(page, at, i, 1f), query[i], s0);
        }
        return (s0 + s1) + (s2 + s3);
    }

    // ---- text as 8-bit integers ----

    /** The scale of a vector's 8-bit form: its largest magnitude over {@link #TEXT_MAX} (1 for zeros). */
    static float textScale(float[] v) {
        float max = 0f;
        for (float x : v) {
            max = Math.max(max, Math.abs(x));
        }
        return max > 0f ? max / TEXT_MAX : 1f;
    }

    /**
     * The vector as rows keep it: each value rounded to a multiple of {@code scale}, within {@link #TEXT_MAX}
     * of them. The catalogue keeps an item's text so rounded, so that every path reads the same values (to within
     * 1/254 of the largest value: the synthetic replays' first visits and {@code LearningTest} moved within their
     * noise against 16-bit integers).
     */
    static float[] rounded(float[] v, float scale) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = integer(v[i], scale) * scale;
        }
        return out;
    }

    private static int integer(float x, float scale) {
        return Math.max(-TEXT_MAX, Math.min(TEXT_MAX, Math.round(x / scale)));
    }

    /** Writes text already {@link #rounded} by {@code scale} into a row from {@code b}, as its integers. */
    static void putText(int[] row, int b, float[] text, float scale) {
        row[b + TEXT_SCALE] = Float.floatToRawIntBits(scale);
        for (int k = 0; k < (text.length + 3) / 4; k++) {
            int packed = 0;
            for (int j = 0; j < 4 && 4 * k + j < text.length; j++) {
                packed |= (integer(text[4 * k + j], scale) & 0xFF) << (8 * j);
            }
            row[b + TEXT + k] = packed;
        }
    }

    /** The text model's slot of the copied row; only meaningful when it {@link #hasText}. */
    public static int textSlot(int[] row) {
        return (row[TEXT_MODEL] >>> 24) - 1;
    }

    /** The copied row's category id ({@link ItemCatalog#canonicalId}), or -1 for none. */
    public static int category(int[] row) {
        return row[CATEGORY] - 1;
    }

    /** Whether the item has influence (then it also has an all-time count). */
    public static boolean hasInfluence(int[] row) {
        return row[INFLUENCE] != 0;
    }

    /** log(1 + the item's all-time count); 0 without influence. */
    public static double logTotal(int[] row) {
        return Double.longBitsToDouble(((long) row[LOG_TOTAL] << 32) | (row[LOG_TOTAL + 1] & 0xFFFFFFFFL));
    }

    /** Decayed influence feature g ({@link #DECAYED_FEATURES} of them) of the copied row. */
    public static float feature(int[] row, int g) {
        return Float.intBitsToFloat(row[FEATURES + g]);
    }

    /**
     * w[from..from+5] . the influence features (the decayed ones, then {@code allTime}), in double, summed as four
     * partial sums (slots 0, 4, 5 | 1 | 2 | 3) added pairwise: the order of the ranker's dot product over the same
     * six, so that both give the same bits.
     */
    public static double influenceDot(int[] row, float allTime, float[] w, int from) {
        double s0 = w[from] * feature(row, 0);
        double s1 = w[from + 1] * feature(row, 1);
        double s2 = w[from + 2] * feature(row, 2);
        double s3 = w[from + 3] * feature(row, 3);
        s0 += w[from + 4] * feature(row, 4);
        s0 += w[from + 5] * allTime;
        return (s0 + s1) + (s2 + s3);
    }

    // ---- writing ----

    /** Starts a change of the item part of a row: its sequence number turns odd. Call with the row lock held. */
    static void beginItemWrite(int[] page, int base) {
        INTS.setOpaque(page, base + ITEM_SEQ, page[base + ITEM_SEQ] + 1);
        VarHandle.storeStoreFence();
    }

    /** Ends it: the sequence number turns even again, after every write of the change. */
    static void endItemWrite(int[] page, int base) {
        INTS.setRelease(page, base + ITEM_SEQ, page[base + ITEM_SEQ] + 1);
    }

    static void putLogTotal(int[] page, int base, double logTotal) {
        long bits = Double.doubleToRawLongBits(logTotal);
        page[base + LOG_TOTAL] = (int) (bits >>> 32);
        page[base + LOG_TOTAL + 1] = (int) bits;
    }

    /** Whether the copied row's influence part holds features of its influence at this tick and scales. */
    static boolean stamped(int[] row, long tick, int scales) {
        return row[STAMP_INFLUENCE] == row[INFLUENCE] && row[STAMP_TICK] == (int) tick
                && row[STAMP_SCALES] == scales;
    }

    /**
     * Stores the influence features of {@code row} (a copy, stamped by the caller) into the shared row, unless
     * another thread is writing it: then the next reader computes them again.
     */
    static void publishInfluence(int[] page, int base, int expectedSeq, int[] row) {
        if ((expectedSeq & 1) != 0 || !INTS.compareAndSet(page, base + INFLUENCE_SEQ, expectedSeq, expectedSeq + 1)) {
            return;
        }
        System.arraycopy(row, STAMP_INFLUENCE, page, base + STAMP_INFLUENCE,
                FEATURES + DECAYED_FEATURES - STAMP_INFLUENCE);
        INTS.setRelease(page, base + INFLUENCE_SEQ, expectedSeq + 2);
    }
}
