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
 * the last top-K, big-endian. Writes version 3; reads versions 1 and 2 (written by DataOutputStream before this
 * codec) too, so stores and changelogs written by older releases restore.
 *
 * <p>Version 3: {@code step:long fingerprint:int k:u16 weights:f32[k] moment1:f32[k] moment2:f32[k]
 * lastTime:long profile:u16,f32[] typeCounts:u8,f32[] dwellMin:f32 dwellMax:f32 groups:u8
 * recent:u8,{id:str lastTime:long count:int dwellSum:f32 dwellCount:int typeCounts:f32[groups]}
 * categories:u8,{name:str score:f32 dwellSum:f32 dwellCount:int} topK:u8,{id:str} topKTime:long},
 * where str is a u16 byte length and UTF-8.
 */
public final class UserStateCodec {
    static final byte VERSION = 3;
    /** DataOutputStream layout with per-item type counts. */
    static final byte VERSION_2 = 2;
    /** DataOutputStream layout before per-item type counts: read with those counts at zero. */
    static final byte VERSION_1 = 1;

    private static final int U8_MAX = 0xFF;
    private static final int U16_MAX = 0xFFFF;

    private UserStateCodec() {
    }

    public static byte[] encode(UserState state) {
        byte[] out = new byte[encodedSize(state)];
        ByteBuffer buf = ByteBuffer.wrap(out);
        buf.put(VERSION);
        UserWeights w = state.weights();
        buf.putLong(w.step);
        buf.putInt(w.textFingerprint);
        buf.putShort((short) w.weights.length);
        putFloats(buf, w.weights);
        putFloats(buf, w.moment1);
        putFloats(buf, w.moment2);

        UserHistory h = state.history();
        buf.putLong(h.lastTime);
        buf.putShort((short) h.textProfile.length);
        putFloats(buf, h.textProfile);
        buf.put((byte) h.typeCounts.length);
        putFloats(buf, h.typeCounts);
        buf.putFloat(h.dwellScaler.min());
        buf.putFloat(h.dwellScaler.max());
        buf.put((byte) InfluenceGroup.COUNT);
        buf.put((byte) h.recentItems.size());
        for (RecentItem r : h.recentItems) {
            putString(buf, r.itemId);
            buf.putLong(r.lastTime);
            buf.putInt(r.count);
            buf.putFloat(r.dwellSum);
            buf.putInt(r.dwellCount);
            putFloats(buf, r.typeCounts);
        }
        buf.put((byte) h.categories.size());
        for (CategoryAffinity c : h.categories) {
            putString(buf, c.category);
            buf.putFloat(c.score);
            buf.putFloat(c.dwellSum);
            buf.putInt(c.dwellCount);
        }

        LastTopK top = state.lastTopK();
        buf.put((byte) top.ids.size());
        for (String id : top.ids) {
            putString(buf, id);
        }
        buf.putLong(top.time);
        if (buf.hasRemaining()) {
            // The size and the writing went apart: fail here rather than store trailing zeros.
            throw new IllegalStateException("user state encoding wrote " + buf.position() + " of " + out.length + " bytes");
        }
        return out;
    }

    /**
     * The exact length of {@link #encode}'s output, so that it allocates once.
     *
     * @throws IllegalArgumentException if a count or length does not fit its field
     */
    static int encodedSize(UserState state) {
        UserWeights w = state.weights();
        UserHistory h = state.history();
        LastTopK top = state.lastTopK();
        int k = fits(w.weights.length, U16_MAX, "weights");
        fits(w.moment1.length, k, "moment1");
        fits(w.moment2.length, k, "moment2");
        int size = 1 + Long.BYTES + Integer.BYTES + Short.BYTES + 3 * k * Float.BYTES;

        size += Long.BYTES
                + Short.BYTES + fits(h.textProfile.length, U16_MAX, "text profile") * Float.BYTES
                + 1 + fits(h.typeCounts.length, U8_MAX, "type counts") * Float.BYTES
                + 2 * Float.BYTES
                + 1;
        size += 1;
        for (RecentItem r : fitsList(h.recentItems, "recent items")) {
            if (r.typeCounts.length != InfluenceGroup.COUNT) {
                throw new IllegalArgumentException("user state item type counts: " + r.typeCounts.length
                        + ", not " + InfluenceGroup.COUNT);
            }
            size += stringSize(r.itemId) + Long.BYTES + Integer.BYTES + Float.BYTES + Integer.BYTES
                    + InfluenceGroup.COUNT * Float.BYTES;
        }
        size += 1;
        for (CategoryAffinity c : fitsList(h.categories, "categories")) {
            size += stringSize(c.category) + 2 * Float.BYTES + Integer.BYTES;
        }

        size += 1;
        for (String id : fitsList(top.ids, "top-K")) {
            size += stringSize(id);
        }
        return size + Long.BYTES;
    }

    /** @throws IllegalStateException ("corrupt user state ...") if the bytes are truncated or of an unknown version */
    public static UserState decode(byte[] data) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        try {
            byte version = buf.get();
            UserState state = switch (version) {
                case VERSION -> readVersion3(buf);
                case VERSION_2, VERSION_1 -> readDataOutputLayout(buf, version);
                default -> throw corrupt("unknown version " + version, data);
            };
            if (buf.hasRemaining()) {
                throw corrupt(buf.remaining() + " bytes after the end", data);
            }
            return state;
        } catch (BufferUnderflowException e) {
            throw corrupt("truncated", data);
        }
    }

    private static UserState readVersion3(ByteBuffer buf) {
        long step = buf.getLong();
        int fingerprint = buf.getInt();
        int k = Short.toUnsignedInt(buf.getShort());
        UserWeights weights = new UserWeights(getFloats(buf, k), getFloats(buf, k), getFloats(buf, k), step, fingerprint);

        long lastTime = buf.getLong();
        float[] profile = getFloats(buf, Short.toUnsignedInt(buf.getShort()));
        float[] typeCounts = getFloats(buf, Byte.toUnsignedInt(buf.get()));
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
        UserHistory history = new UserHistory(lastTime, profile, scaler, recent, categories);
        System.arraycopy(typeCounts, 0, history.typeCounts, 0, Math.min(typeCounts.length, history.typeCounts.length));

        return new UserState(weights, history, readTopK(buf));
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
        float[] typeCounts = getFloats(buf, Byte.toUnsignedInt(buf.get()));
        MinMaxScaler scaler = new MinMaxScaler(buf.getFloat(), buf.getFloat());
        int nRecent = Byte.toUnsignedInt(buf.get());
        List<RecentItem> recent = new ArrayList<>(nRecent);
        for (int i = 0; i < nRecent; i++) {
            recent.add(new RecentItem(getString(buf), buf.getLong(), buf.getInt(), buf.getFloat(), buf.getInt(),
                    version == VERSION_1 ? new float[InfluenceGroup.COUNT] : getFloats(buf, InfluenceGroup.COUNT)));
        }
        List<CategoryAffinity> categories = readCategories(buf);
        UserHistory history = new UserHistory(lastTime, profile, scaler, recent, categories);
        System.arraycopy(typeCounts, 0, history.typeCounts, 0, Math.min(typeCounts.length, history.typeCounts.length));

        return new UserState(weights, history, readTopK(buf));
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

    private static <T> List<T> fitsList(List<T> list, String what) {
        fits(list.size(), U8_MAX, what);
        return list;
    }

    private static void putFloats(ByteBuffer buf, float[] values) {
        for (float v : values) {
            buf.putFloat(v);
        }
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

    private static int stringSize(String s) {
        return Short.BYTES + fits(utf8Length(s), U16_MAX, "string");
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
        int lengthAt = buf.position();
        buf.position(lengthAt + Short.BYTES);
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
        buf.putShort(lengthAt, (short) (buf.position() - lengthAt - Short.BYTES));
    }

    private static String getString(ByteBuffer buf) {
        int n = Short.toUnsignedInt(buf.getShort());
        if (n > buf.remaining()) {
            throw new BufferUnderflowException();
        }
        String s = new String(buf.array(), buf.arrayOffset() + buf.position(), n, StandardCharsets.UTF_8);
        buf.position(buf.position() + n);
        return s;
    }
}
