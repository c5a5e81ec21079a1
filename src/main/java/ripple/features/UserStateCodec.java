package ripple.features;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import ripple.features.UserHistory.CategoryAffinity;
import ripple.features.UserHistory.RecentItem;

/**
 * The bytes of a {@link UserState} in RocksDB and its changelog: a version byte, then the weights, the history and
 * the last top-K. Writes version 5; reads versions 1 to 4 too, so stores and changelogs written by older releases
 * restore (versions 1 and 2 were written by DataOutputStream before this codec).
 *
 * <p>Version 5 is version 4 and then the catalogue hints ({@link UserHistory#hintedCatalogue}): where a ranker
 * last found each recent item and category in the catalogue it ran with, so that the next one there takes them
 * without a lookup by id: when there are any, 8 bytes and 1 to 3 more per recent item and category.
 *
 * <p>Version 4 is version 3 made small. Mean bytes per user, before and after: Taobao slice backtest (1.6 events a
 * user) 1,737 and 255; synthetic backtest (67 events a user, full recent lists) 2,385 and 1,003;
 * {@code bench e2e --users 5000 --items 2000 --events 25000} (5 events a user, text) 1,865 and 550:
 * <ul>
 *   <li>lengths, counts, steps and times are varints, times relative to the user's latest event;</li>
 *   <li>a vector is sparse (a bitmap and the non-zero values) where that is shorter, so weights that never moved
 *       from the prior (text weights on a catalogue without text) cost a bitmap;</li>
 *   <li>moment1 is left out when zero: AdaGrad and SGD never use it;</li>
 *   <li>float16 ({@link Half}) where precision does not matter: the text profile (read only through a cosine),
 *       per-item and per-category decayed counts (read through a capped log or a share), and, under AdaGrad or
 *       SGD, the user's own weights and accumulator. The accumulator only sets step sizes through
 *       sqrt(acc + 0.1). The user's part is an offset from the prior that {@code learning.user-shrink} pulls back
 *       by 0.3% an event, more than float16's rounding step, so no stale value sticks; a step under about 0.05%
 *       of its weight is lost, which changed no backtest figure beyond its noise;</li>
 *   <li>Adam's moments (with its weights) and the shared prior's state ({@link UserWeights#exact}) stay float32;</li>
 *   <li>version 3's per-type counts over all items, which nothing read, are gone.</li>
 * </ul>
 *
 * <pre>
 * flags:u8 (1: the user's part in float16, moment1 left out; 2: dwell scaler present; 4: catalogue hints)
 * step:var fingerprint:i32 [weights:vec32 moment1:vec32 moment2:vec32 | weights:vec16 moment2:vec16]
 * lastTime:i64 profile:vec16 [dwellMin:f32 dwellMax:f32] groups:var
 * recent:var,{id:str age:zvar count:var dwellCount:var [dwellSum:f32 if dwellCount > 0] typeCounts:sparse16[groups]}
 * categories:var,{name:str score:f16 dwellCount:var [dwellSum:f32 if dwellCount > 0]}
 * topK:var,{id:str} topKAge:zvar
 * [hintedCatalogue:i64 recent:{catalogueIndex+1:var} categories:{canonicalId+1:var} if flags has 4]
 * </pre>
 * (version 4: the same, without flag 4)
 * var is an unsigned LEB128 varint, zvar a zigzag one, age is lastTime minus the time, str a var byte length and
 * UTF-8; vecNN is var length, then 0 and the values densely or 1 and sparseNN; sparseNN is a bitmap of the non-zero
 * entries (bit i of byte i/8) followed by those entries. Big-endian throughout.
 *
 * <p>Version 3: {@code step:long fingerprint:int k:u16 weights:f32[k] moment1:f32[k] moment2:f32[k]
 * lastTime:long profile:u16,f32[] typeCounts:u8,f32[] dwellMin:f32 dwellMax:f32 groups:u8
 * recent:u8,{id:str lastTime:long count:int dwellSum:f32 dwellCount:int typeCounts:f32[groups]}
 * categories:u8,{name:str score:f32 dwellSum:f32 dwellCount:int} topK:u8,{id:str} topKTime:long},
 * where str is a u16 byte length and UTF-8.
 */
public final class UserStateCodec {
    static final byte VERSION = 5;
    /** Version 5 without the catalogue hints. */
    static final byte VERSION_4 = 4;
    /** Fixed-width ByteBuffer layout, with per-type counts over all items (read and dropped). */
    static final byte VERSION_3 = 3;
    /** DataOutputStream layout with per-item type counts. */
    static final byte VERSION_2 = 2;
    /** DataOutputStream layout before per-item type counts: read with those counts at zero. */
    static final byte VERSION_1 = 1;

    private static final int FLAG_HALF_USER = 1;
    private static final int FLAG_DWELL = 2;
    /** Version 5: catalogue hints follow the top-K. */
    private static final int FLAG_HINTS = 4;
    private static final int DENSE = 0;
    private static final int SPARSE = 1;
    /** Longest string stored; item ids and category names are far shorter. */
    private static final int MAX_STRING = 0xFFFF;

    private UserStateCodec() {
    }

    /**
     * Each thread's buffer for {@link #encode}, as large as the largest bound it needed: a buffer of the bound for
     * each encoding (about three times the bytes written) was a tenth of what the Taobao replay allocated.
     */
    private static final ThreadLocal<ByteBuffer> SCRATCH = ThreadLocal.withInitial(() -> ByteBuffer.allocate(4096));

    public static byte[] encode(UserState state) {
        int bound = maxEncodedSize(state);
        ByteBuffer buf = SCRATCH.get();
        if (buf.capacity() < bound) {
            buf = ByteBuffer.allocate(Math.max(bound, 2 * buf.capacity()));
            SCRATCH.set(buf);
        }
        buf.clear();
        buf.put(VERSION);
        UserWeights w = state.weights();
        UserHistory h = state.history();
        boolean halfUser = !w.exact && allZero(w.moment1);
        boolean dwell = !Float.isNaN(h.dwellScaler.min());
        boolean hints = h.hintedCatalogue != 0;
        buf.put((byte) ((halfUser ? FLAG_HALF_USER : 0) | (dwell ? FLAG_DWELL : 0) | (hints ? FLAG_HINTS : 0)));
        putVarLong(buf, w.step);
        buf.putInt(w.textFingerprint);
        putVector(buf, w.weights, halfUser);
        if (halfUser) {
            putVector(buf, w.moment2, true);
        } else {
            putVector(buf, w.moment1, false);
            putVector(buf, w.moment2, false);
        }

        buf.putLong(h.lastTime);
        putVector(buf, h.textProfile, true);
        if (dwell) {
            buf.putFloat(h.dwellScaler.min());
            buf.putFloat(h.dwellScaler.max());
        }
        putVarLong(buf, InfluenceGroup.COUNT);
        putVarLong(buf, h.recentItems.size());
        for (RecentItem r : h.recentItems) {
            putString(buf, r.itemId);
            putZigZag(buf, h.lastTime - r.lastTime);
            putVarLong(buf, r.count);
            putDwell(buf, r.dwellCount, r.dwellSum);
            putSparse(buf, r.typeCounts, true);
        }
        putVarLong(buf, h.categories.size());
        for (CategoryAffinity c : h.categories) {
            putString(buf, c.category);
            buf.putShort(Half.fromFloat(c.score));
            putDwell(buf, c.dwellCount, c.dwellSum);
        }

        LastTopK top = state.lastTopK();
        putVarLong(buf, top.ids.size());
        for (String id : top.ids) {
            putString(buf, id);
        }
        putZigZag(buf, h.lastTime - top.time);

        if (hints) {
            buf.putLong(h.hintedCatalogue);
            for (RecentItem r : h.recentItems) {
                putVarLong(buf, r.catalogueIndex + 1L);
            }
            for (CategoryAffinity c : h.categories) {
                putVarLong(buf, c.canonicalId + 1L);
            }
        }
        return java.util.Arrays.copyOf(buf.array(), buf.position());
    }

    /**
     * A bound on {@link #encode}'s output, so that it writes into one buffer (then cut to length): every field at
     * its widest.
     *
     * @throws IllegalArgumentException if a string is longer than can be stored, or the counts do not match
     */
    static int maxEncodedSize(UserState state) {
        UserWeights w = state.weights();
        UserHistory h = state.history();
        int k = w.weights.length;
        if (w.moment1.length != k || w.moment2.length != k) {
            throw new IllegalArgumentException("user state moments: " + w.moment1.length + " and " + w.moment2.length
                    + ", not " + k);
        }
        int size = 2 + VAR_MAX + Integer.BYTES + 3 * vectorMax(k, Float.BYTES);
        size += Long.BYTES + vectorMax(h.textProfile.length, Float.BYTES) + 2 * Float.BYTES + VAR_MAX;
        size += VAR_MAX;
        for (RecentItem r : h.recentItems) {
            if (r.typeCounts.length != InfluenceGroup.COUNT) {
                throw new IllegalArgumentException("user state item type counts: " + r.typeCounts.length
                        + ", not " + InfluenceGroup.COUNT);
            }
            size += stringMax(r.itemId) + 3 * VAR_MAX + Float.BYTES + vectorMax(InfluenceGroup.COUNT, Short.BYTES);
        }
        size += VAR_MAX;
        for (CategoryAffinity c : h.categories) {
            size += stringMax(c.category) + Short.BYTES + VAR_MAX + Float.BYTES;
        }
        size += VAR_MAX;
        for (String id : state.lastTopK().ids) {
            size += stringMax(id);
        }
        size += VAR_MAX + Long.BYTES + VAR_MAX * (h.recentItems.size() + h.categories.size());
        return size;
    }

    /** The most bytes a varint of a long takes. */
    private static final int VAR_MAX = 10;

    private static int vectorMax(int n, int width) {
        return VAR_MAX + 1 + (n + 7) / 8 + n * width;
    }

    /** At most three bytes per UTF-16 char (a surrogate pair's four for two); exact only when that may not fit. */
    private static int stringMax(String s) {
        int bound = 3 * s.length();
        return VAR_MAX + (bound <= MAX_STRING ? bound : fits(utf8Length(s), MAX_STRING, "string"));
    }

    /** @throws IllegalStateException ("corrupt user state ...") if the bytes are truncated or of an unknown version */
    public static UserState decode(byte[] data) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        try {
            byte version = buf.get();
            UserState state = switch (version) {
                case VERSION -> readVersion4(buf, true);
                case VERSION_4 -> readVersion4(buf, false);
                case VERSION_3 -> readVersion3(buf);
                case VERSION_2, VERSION_1 -> readDataOutputLayout(buf, version);
                default -> throw corrupt("unknown version " + version, data);
            };
            if (buf.hasRemaining()) {
                throw corrupt(buf.remaining() + " bytes after the end", data);
            }
            return state;
        } catch (BufferUnderflowException e) {
            throw corrupt("truncated", data);
        } catch (IllegalArgumentException e) {
            throw corrupt(e.getMessage(), data);
        }
    }

    /** Version 4's layout, and then version 5's catalogue hints when its flags say so ({@code hints}: version 5). */
    private static UserState readVersion4(ByteBuffer buf, boolean hints) {
        int flags = Byte.toUnsignedInt(buf.get());
        boolean halfUser = (flags & FLAG_HALF_USER) != 0;
        long step = getVarLong(buf);
        int fingerprint = buf.getInt();
        float[] w = getVector(buf, halfUser);
        float[] moment1 = halfUser ? new float[w.length] : getVector(buf, false);
        float[] moment2 = getVector(buf, halfUser);
        if (moment1.length != w.length || moment2.length != w.length) {
            throw new IllegalArgumentException("moments of " + moment1.length + " and " + moment2.length
                    + " for " + w.length + " weights");
        }
        UserWeights weights = new UserWeights(w, moment1, moment2, step, fingerprint);
        // Read back as it was stored: the prior's, written in full, stays so (the scorer marks it again anyway).
        weights.exact = !halfUser;

        long lastTime = buf.getLong();
        float[] profile = getVector(buf, true);
        MinMaxScaler scaler = (flags & FLAG_DWELL) != 0 ? new MinMaxScaler(buf.getFloat(), buf.getFloat())
                : new MinMaxScaler();
        int groups = getVarInt(buf);
        int nRecent = count(buf);
        List<RecentItem> recent = new ArrayList<>(nRecent);
        for (int i = 0; i < nRecent; i++) {
            String id = getVarString(buf);
            long time = lastTime - getZigZag(buf);
            int count = getVarInt(buf);
            int dwellCount = getVarInt(buf);
            float dwellSum = dwellCount > 0 ? buf.getFloat() : 0f;
            recent.add(new RecentItem(id, time, count, dwellSum, dwellCount,
                    resized(getSparse(buf, groups, true), InfluenceGroup.COUNT)));
        }
        int nCategories = count(buf);
        List<CategoryAffinity> categories = new ArrayList<>(nCategories);
        for (int i = 0; i < nCategories; i++) {
            String name = getVarString(buf);
            float score = Half.toFloat(buf.getShort());
            int dwellCount = getVarInt(buf);
            categories.add(new CategoryAffinity(name, score, dwellCount > 0 ? buf.getFloat() : 0f, dwellCount));
        }
        int nTop = count(buf);
        List<String> ids = new ArrayList<>(nTop);
        for (int i = 0; i < nTop; i++) {
            ids.add(getVarString(buf));
        }
        LastTopK top = new LastTopK(ids, lastTime - getZigZag(buf));
        UserHistory history = new UserHistory(lastTime, profile, scaler, recent, categories);
        if ((flags & FLAG_HINTS) != 0) {
            if (!hints) {
                throw new IllegalArgumentException("catalogue hints in version 4");
            }
            history.hintedCatalogue = buf.getLong();
            for (RecentItem r : recent) {
                r.catalogueIndex = getHint(buf);
            }
            for (CategoryAffinity c : categories) {
                c.canonicalId = getHint(buf);
            }
        }
        return new UserState(weights, history, top);
    }

    /** A hint stored as its value + 1: -1 (none) or a catalogue index or id. */
    private static int getHint(ByteBuffer buf) {
        long stored = getVarLong(buf);
        if (stored > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("catalogue hint " + (stored - 1) + " out of range");
        }
        return (int) stored - 1;
    }

    private static UserState readVersion3(ByteBuffer buf) {
        long step = buf.getLong();
        int fingerprint = buf.getInt();
        int k = Short.toUnsignedInt(buf.getShort());
        UserWeights weights = new UserWeights(getFloats(buf, k), getFloats(buf, k), getFloats(buf, k), step, fingerprint);

        long lastTime = buf.getLong();
        float[] profile = getFloats(buf, Short.toUnsignedInt(buf.getShort()));
        getFloats(buf, Byte.toUnsignedInt(buf.get())); // per-type counts over all items: never read, dropped
        MinMaxScaler scaler = new MinMaxScaler(buf.getFloat(), buf.getFloat());
        // Stored rather than assumed, so a release with more influence groups still reads these.
        int groups = Byte.toUnsignedInt(buf.get());
        int nRecent = Byte.toUnsignedInt(buf.get());
        List<RecentItem> recent = new ArrayList<>(nRecent);
        for (int i = 0; i < nRecent; i++) {
            recent.add(new RecentItem(getString(buf), buf.getLong(), buf.getInt(), buf.getFloat(), buf.getInt(),
                    resized(getFloats(buf, groups), InfluenceGroup.COUNT)));
        }
        List<CategoryAffinity> categories = readCategories(buf);
        return new UserState(weights, new UserHistory(lastTime, profile, scaler, recent, categories), readTopK(buf));
    }

    /**
     * Versions 1 and 2, written by DataOutputStream: the same fields as version 3 but in their old order. Strings
     * there are writeUTF's modified UTF-8 behind an unsigned short length; that differs from UTF-8 only for U+0000
     * and characters outside the BMP, which item ids and category names never held, so they are read as UTF-8.
     */
    private static UserState readDataOutputLayout(ByteBuffer buf, byte version) {
        long step = buf.getLong();
        long lastTime = buf.getLong();
        int fingerprint = buf.getInt();
        int k = Short.toUnsignedInt(buf.getShort());
        UserWeights weights = new UserWeights(getFloats(buf, k), getFloats(buf, k), getFloats(buf, k), step, fingerprint);

        float[] profile = getFloats(buf, Short.toUnsignedInt(buf.getShort()));
        getFloats(buf, Byte.toUnsignedInt(buf.get())); // per-type counts over all items: never read, dropped
        MinMaxScaler scaler = new MinMaxScaler(buf.getFloat(), buf.getFloat());
        int nRecent = Byte.toUnsignedInt(buf.get());
        List<RecentItem> recent = new ArrayList<>(nRecent);
        for (int i = 0; i < nRecent; i++) {
            recent.add(new RecentItem(getString(buf), buf.getLong(), buf.getInt(), buf.getFloat(), buf.getInt(),
                    version == VERSION_1 ? new float[InfluenceGroup.COUNT] : getFloats(buf, InfluenceGroup.COUNT)));
        }
        List<CategoryAffinity> categories = readCategories(buf);
        return new UserState(weights, new UserHistory(lastTime, profile, scaler, recent, categories), readTopK(buf));
    }

    private static List<CategoryAffinity> readCategories(ByteBuffer buf) {
        int n = Byte.toUnsignedInt(buf.get());
        List<CategoryAffinity> categories = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            categories.add(new CategoryAffinity(getString(buf), buf.getFloat(), buf.getFloat(), buf.getInt()));
        }
        return categories;
    }

    private static LastTopK readTopK(ByteBuffer buf) {
        int n = Byte.toUnsignedInt(buf.get());
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(getString(buf));
        }
        return new LastTopK(ids, buf.getLong());
    }

    private static IllegalStateException corrupt(String why, byte[] data) {
        return new IllegalStateException("corrupt user state (" + data.length + " bytes): " + why);
    }

    private static int fits(int n, int max, String what) {
        if (n > max) {
            throw new IllegalArgumentException("user state " + what + ": " + n + ", more than " + max + " can be stored");
        }
        return n;
    }

    private static boolean allZero(float[] values) {
        for (float v : values) {
            if (v != 0f) {
                return false;
            }
        }
        return true;
    }

    /** Dense or sparse, whichever is shorter; {@code half}: each value as float16. */
    private static void putVector(ByteBuffer buf, float[] values, boolean half) {
        int width = half ? Short.BYTES : Float.BYTES;
        int nonZero = 0;
        for (float v : values) {
            if (storedNonZero(v, half)) {
                nonZero++;
            }
        }
        putVarLong(buf, values.length);
        if ((values.length + 7) / 8 + nonZero * width < values.length * width) {
            buf.put((byte) SPARSE);
            putSparse(buf, values, half);
        } else {
            buf.put((byte) DENSE);
            for (float v : values) {
                putValue(buf, v, half);
            }
        }
    }

    /** A bitmap of the non-zero entries, then those entries. */
    private static void putSparse(ByteBuffer buf, float[] values, boolean half) {
        for (int from = 0; from < values.length; from += 8) {
            int bits = 0;
            for (int i = from; i < Math.min(from + 8, values.length); i++) {
                if (storedNonZero(values[i], half)) {
                    bits |= 1 << i - from;
                }
            }
            buf.put((byte) bits);
        }
        for (float v : values) {
            if (storedNonZero(v, half)) {
                putValue(buf, v, half);
            }
        }
    }

    /** Whether a value is stored as other than zero: one that float16 rounds to zero is left out as zero. */
    private static boolean storedNonZero(float v, boolean half) {
        return half ? Half.nonZero(v) : v != 0f;
    }

    private static void putValue(ByteBuffer buf, float v, boolean half) {
        if (half) {
            buf.putShort(Half.fromFloat(v));
        } else {
            buf.putFloat(v);
        }
    }

    private static float[] getVector(ByteBuffer buf, boolean half) {
        int n = getVarInt(buf);
        int kind = buf.get();
        if (kind == SPARSE) {
            return getSparse(buf, n, half);
        }
        if (kind != DENSE) {
            throw new IllegalArgumentException("vector kind " + kind);
        }
        if ((long) n * (half ? Short.BYTES : Float.BYTES) > buf.remaining()) {
            throw new BufferUnderflowException(); // before allocating for a length that a corrupt record made up
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = half ? Half.toFloat(buf.getShort()) : buf.getFloat();
        }
        return values;
    }

    private static float[] getSparse(ByteBuffer buf, int n, boolean half) {
        if ((n + 7) / 8 > buf.remaining()) {
            throw new BufferUnderflowException(); // before allocating for a length that a corrupt record made up
        }
        byte[] bitmap = new byte[(n + 7) / 8];
        buf.get(bitmap);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            if ((bitmap[i >> 3] >> (i & 7) & 1) != 0) {
                values[i] = half ? Half.toFloat(buf.getShort()) : buf.getFloat();
            }
        }
        return values;
    }

    /** A dwell count, then the sum only where there is one. */
    private static void putDwell(ByteBuffer buf, int dwellCount, float dwellSum) {
        putVarLong(buf, dwellCount);
        if (dwellCount > 0) {
            buf.putFloat(dwellSum);
        }
    }

    private static void putVarLong(ByteBuffer buf, long v) {
        if (v < 0) {
            throw new IllegalArgumentException("user state: negative count " + v);
        }
        while ((v & ~0x7FL) != 0) {
            buf.put((byte) (v & 0x7F | 0x80));
            v >>>= 7;
        }
        buf.put((byte) v);
    }

    private static void putZigZag(ByteBuffer buf, long v) {
        long z = v << 1 ^ v >> 63;
        while ((z & ~0x7FL) != 0) {
            buf.put((byte) (z & 0x7F | 0x80));
            z >>>= 7;
        }
        buf.put((byte) z);
    }

    private static long getRawVarLong(ByteBuffer buf) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = buf.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }

    private static long getVarLong(ByteBuffer buf) {
        long v = getRawVarLong(buf);
        if (v < 0) {
            throw new IllegalArgumentException("negative count " + v);
        }
        return v;
    }

    private static int getVarInt(ByteBuffer buf) {
        long v = getVarLong(buf);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("count " + v + " out of range");
        }
        return (int) v;
    }

    private static long getZigZag(ByteBuffer buf) {
        long z = getRawVarLong(buf);
        return z >>> 1 ^ -(z & 1);
    }

    /** A count of what follows; each entry takes at least a byte, so a count beyond the bytes left is corrupt. */
    private static int count(ByteBuffer buf) {
        int n = getVarInt(buf);
        if (n > buf.remaining()) {
            throw new BufferUnderflowException();
        }
        return n;
    }

    private static float[] getFloats(ByteBuffer buf, int n) {
        if (n * Float.BYTES > buf.remaining()) {
            throw new BufferUnderflowException(); // before allocating for a length that a corrupt record made up
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = buf.getFloat();
        }
        return values;
    }

    private static float[] resized(float[] values, int n) {
        return values.length == n ? values : java.util.Arrays.copyOf(values, n);
    }

    /** UTF-8 length as {@link #putString} writes it: a lone surrogate as '?', like {@code String.getBytes}. */
    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Encodes straight into the buffer: String.getBytes would allocate an array per string. */
    private static void putString(ByteBuffer buf, String s) {
        putVarLong(buf, utf8Length(s));
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                buf.put((byte) c);
            } else if (c < 0x800) {
                buf.put((byte) (0xC0 | c >> 6));
                buf.put((byte) (0x80 | c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf.put((byte) (0xF0 | cp >> 18));
                buf.put((byte) (0x80 | cp >> 12 & 0x3F));
                buf.put((byte) (0x80 | cp >> 6 & 0x3F));
                buf.put((byte) (0x80 | cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                buf.put((byte) '?');
            } else {
                buf.put((byte) (0xE0 | c >> 12));
                buf.put((byte) (0x80 | c >> 6 & 0x3F));
                buf.put((byte) (0x80 | c & 0x3F));
            }
        }
    }

    /** Versions 1 to 3: a u16 byte length. */
    private static String getString(ByteBuffer buf) {
        return getString(buf, Short.toUnsignedInt(buf.getShort()));
    }

    /** Version 4: a varint byte length. */
    private static String getVarString(ByteBuffer buf) {
        return getString(buf, getVarInt(buf));
    }

    private static String getString(ByteBuffer buf, int n) {
        if (n > buf.remaining()) {
            throw new BufferUnderflowException();
        }
        String s = new String(buf.array(), buf.arrayOffset() + buf.position(), n, StandardCharsets.UTF_8);
        buf.position(buf.position() + n);
        return s;
    }
}
