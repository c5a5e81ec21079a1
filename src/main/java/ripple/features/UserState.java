package ripple.features;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import ripple.avro.BehaviorType;

/**
 * Everything Ripple keeps for one user: learned weights with their optimiser moments, and the user's normalised
 * feature state (decayed counts per behaviour type, dwell scaler, recent items, category affinities), plus the
 * last top-K for churn. Encoded compactly for RocksDB and its changelog.
 */
public final class UserState {
    private static final byte FORMAT = 2;
    /** Before per-item type counts: still read, with those counts at zero. */
    private static final byte FORMAT_1 = 1;
    /** Repeat counts saturate here when normalised. */
    private static final double REPEAT_CAP = Math.log1p(20);

    public long step;
    public long lastTime;
    /** Which text-model versions the text weights were learned on; a change resets them. */
    public int textFingerprint;
    public float[] weights;
    public float[] moment1;
    public float[] moment2;
    /** Decayed, strength-weighted sum of the (centred) text features of the user's items. */
    public float[] textProfile;
    public final float[] typeCounts = new float[BehaviorType.values().length];
    public final MinMaxScaler dwellScaler;
    /** Most recent first. */
    public final List<RecentItem> recentItems;
    public final List<CategoryAffinity> categories;
    public List<String> lastTopK;
    /** Event time of the last top-K recomputation (for coalescing). */
    public long lastTopKTime;

    public static final class RecentItem {
        public final String itemId;
        public long lastTime;
        public int count;
        public float dwellSum;
        public int dwellCount;
        /** The user's counts on this item per {@link InfluenceGroup}, decayed as of {@link #lastTime}. */
        public final float[] typeCounts;

        RecentItem(String itemId, long lastTime, int count, float dwellSum, int dwellCount, float[] typeCounts) {
            this.itemId = itemId;
            this.lastTime = lastTime;
            this.count = count;
            this.dwellSum = dwellSum;
            this.dwellCount = dwellCount;
            this.typeCounts = typeCounts;
        }
    }

    public static final class CategoryAffinity {
        public final String category;
        /** Decayed event count, as of the user's lastTime. */
        public float score;
        public float dwellSum;
        public int dwellCount;

        CategoryAffinity(String category, float score, float dwellSum, int dwellCount) {
            this.category = category;
            this.score = score;
            this.dwellSum = dwellSum;
            this.dwellCount = dwellCount;
        }
    }

    private UserState(float[] weights, float[] m1, float[] m2, float[] profile, MinMaxScaler scaler,
                      List<RecentItem> recent, List<CategoryAffinity> categories, List<String> lastTopK) {
        this.weights = weights;
        this.moment1 = m1;
        this.moment2 = m2;
        this.textProfile = profile;
        this.dwellScaler = scaler;
        this.recentItems = recent;
        this.categories = categories;
        this.lastTopK = lastTopK;
    }

    /** A new state with the given weights, zero optimiser moments and no history. */
    public static UserState startingFrom(float[] weights, int textDims, int textFingerprint) {
        UserState s = new UserState(weights.clone(), new float[weights.length], new float[weights.length], new float[textDims],
                new MinMaxScaler(),
                new ArrayList<>(), new ArrayList<>(), List.of());
        s.textFingerprint = textFingerprint;
        return s;
    }

    /** Text weights learned on other embeddings mean nothing now: clear them and their moments. */
    public void resetText(int textDims, int fingerprint) {
        java.util.Arrays.fill(weights, 0, textDims, 0f);
        java.util.Arrays.fill(moment1, 0, textDims, 0f);
        java.util.Arrays.fill(moment2, 0, textDims, 0f);
        java.util.Arrays.fill(textProfile, 0f);
        textFingerprint = fingerprint;
    }

    public RecentItem recent(String itemId) {
        for (RecentItem r : recentItems) {
            if (r.itemId.equals(itemId)) {
                return r;
            }
        }
        return null;
    }

    public CategoryAffinity category(String category) {
        if (category == null) {
            return null;
        }
        for (CategoryAffinity c : categories) {
            if (c.category.equals(category)) {
                return c;
            }
        }
        return null;
    }

    public float categoryTotal() {
        float total = 0f;
        for (CategoryAffinity c : categories) {
            total += c.score;
        }
        return total;
    }

    /** The place of an item in the recent items (0 = the latest), or -1. */
    public int recentRank(String itemId) {
        for (int i = 0; i < recentItems.size(); i++) {
            if (recentItems.get(i).itemId.equals(itemId)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Writes the context features that come from this user's own history with the item into {@code f} at
     * {@code offset} (repeat, recency, recent rank, item dwell, category affinity and dwell, per-type counts), as
     * of {@code now}, from what the state held before the current event. The ranker fills the rest.
     */
    public void historyFeatures(String itemId, String category, long now, Decay decay, float[] f, int offset) {
        int rank = recentRank(itemId);
        if (rank >= 0) {
            RecentItem r = recentItems.get(rank);
            double since = decay.factor(r.lastTime, now);
            f[offset + FeatureLayout.CTX_REPEAT] = (float) Math.min(1.0, Math.log1p(r.count) / REPEAT_CAP);
            f[offset + FeatureLayout.CTX_RECENCY] = (float) since;
            f[offset + FeatureLayout.CTX_RECENT_RANK] = 1f / (1 + rank);
            f[offset + FeatureLayout.CTX_ITEM_DWELL] = r.dwellCount == 0 ? 0f : dwellScaler.normalise(r.dwellSum / r.dwellCount);
            for (int g = 0; g < InfluenceGroup.COUNT; g++) {
                f[offset + FeatureLayout.CTX_TYPE_COUNTS + g] =
                        (float) Math.min(1.0, Math.log1p(r.typeCounts[g] * since) / REPEAT_CAP);
            }
        } else {
            f[offset + FeatureLayout.CTX_REPEAT] = 0f;
            f[offset + FeatureLayout.CTX_RECENCY] = 0f;
            f[offset + FeatureLayout.CTX_RECENT_RANK] = 0f;
            f[offset + FeatureLayout.CTX_ITEM_DWELL] = 0f;
            java.util.Arrays.fill(f, offset + FeatureLayout.CTX_TYPE_COUNTS,
                    offset + FeatureLayout.CTX_TYPE_COUNTS + InfluenceGroup.COUNT, 0f);
        }
        categoryFeatures(category, f, offset);
    }

    /** The category affinity and category dwell features. */
    public void categoryFeatures(String category, float[] f, int offset) {
        CategoryAffinity c = category(category);
        if (c != null) {
            float total = categoryTotal();
            f[offset + FeatureLayout.CTX_CATEGORY_AFFINITY] = total > 0 ? c.score / total : 0f;
            f[offset + FeatureLayout.CTX_CATEGORY_DWELL] = c.dwellCount == 0 ? 0f : dwellScaler.normalise(c.dwellSum / c.dwellCount);
        } else {
            f[offset + FeatureLayout.CTX_CATEGORY_AFFINITY] = 0f;
            f[offset + FeatureLayout.CTX_CATEGORY_DWELL] = 0f;
        }
    }

    /** Cosine between the text features at the start of {@code f} and the user's profile; 0 if either is empty. */
    public float textAffinity(float[] f) {
        return cosine(textProfile, f);
    }

    /** Cosine of the first {@code a.length} entries of two vectors; 0 if either is zero there. */
    public static float cosine(float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? 0f : (float) (dot / Math.sqrt(aa * bb));
    }

    /**
     * Folds one event into the feature state. Call after the event was scored, so it never sees itself.
     * {@code itemText} holds the item's text features in its first textDims entries, or is null.
     */
    public void observe(String itemId, String category, BehaviorType type, long time, Float dwellMs, float strength,
                        float[] itemText, Decay decay, int maxRecent, int maxCategories) {
        double f = decay.factor(lastTime, time);
        for (int i = 0; i < typeCounts.length; i++) {
            typeCounts[i] *= (float) f;
        }
        for (int i = 0; i < textProfile.length; i++) {
            textProfile[i] = (float) (textProfile[i] * f) + (itemText == null ? 0f : strength * itemText[i]);
        }
        typeCounts[type.ordinal()] += 1f;
        for (CategoryAffinity c : categories) {
            c.score *= (float) f;
        }
        lastTime = Math.max(lastTime, time);

        RecentItem r = recent(itemId);
        if (r == null) {
            r = new RecentItem(itemId, time, 0, 0f, 0, new float[InfluenceGroup.COUNT]);
            if (recentItems.size() >= maxRecent) {
                recentItems.remove(recentItems.size() - 1);
            }
        } else {
            recentItems.remove(r);
        }
        recentItems.add(0, r);
        r.count++;
        double since = decay.factor(r.lastTime, time);
        for (int g = 0; g < InfluenceGroup.COUNT; g++) {
            r.typeCounts[g] *= (float) since;
        }
        r.typeCounts[InfluenceGroup.of(type).ordinal()] += 1f;
        r.lastTime = Math.max(r.lastTime, time);

        CategoryAffinity c = null;
        if (category != null) {
            c = category(category);
            if (c == null) {
                if (categories.size() >= maxCategories) {
                    categories.remove(weakestCategory());
                }
                c = new CategoryAffinity(category, 0f, 0f, 0);
                categories.add(c);
            }
            c.score += 1f;
        }
        if (dwellMs != null) {
            float d = dwellMs;
            r.dwellSum += d;
            r.dwellCount++;
            if (c != null) {
                c.dwellSum += d;
                c.dwellCount++;
            }
            dwellScaler.add(d);
        }
    }

    private CategoryAffinity weakestCategory() {
        CategoryAffinity weakest = categories.get(0);
        for (CategoryAffinity c : categories) {
            if (c.score < weakest.score) {
                weakest = c;
            }
        }
        return weakest;
    }

    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + weights.length * 12);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(step);
            out.writeLong(lastTime);
            out.writeInt(textFingerprint);
            out.writeShort(weights.length);
            writeFloats(out, weights);
            writeFloats(out, moment1);
            writeFloats(out, moment2);
            out.writeShort(textProfile.length);
            writeFloats(out, textProfile);
            out.writeByte(typeCounts.length);
            writeFloats(out, typeCounts);
            out.writeFloat(dwellScaler.min());
            out.writeFloat(dwellScaler.max());
            out.writeByte(recentItems.size());
            for (RecentItem r : recentItems) {
                out.writeUTF(r.itemId);
                out.writeLong(r.lastTime);
                out.writeInt(r.count);
                out.writeFloat(r.dwellSum);
                out.writeInt(r.dwellCount);
                writeFloats(out, r.typeCounts);
            }
            out.writeByte(categories.size());
            for (CategoryAffinity c : categories) {
                out.writeUTF(c.category);
                out.writeFloat(c.score);
                out.writeFloat(c.dwellSum);
                out.writeInt(c.dwellCount);
            }
            out.writeByte(lastTopK.size());
            for (String id : lastTopK) {
                out.writeUTF(id);
            }
            out.writeLong(lastTopKTime);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static UserState decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte format = in.readByte();
            if (format != FORMAT && format != FORMAT_1) {
                throw new IllegalStateException("unknown user state format " + format);
            }
            long step = in.readLong();
            long lastTime = in.readLong();
            int fingerprint = in.readInt();
            int k = in.readUnsignedShort();
            float[] w = readFloats(in, k);
            float[] m1 = readFloats(in, k);
            float[] m2 = readFloats(in, k);
            float[] profile = readFloats(in, in.readUnsignedShort());
            float[] counts = readFloats(in, in.readUnsignedByte());
            MinMaxScaler scaler = new MinMaxScaler(in.readFloat(), in.readFloat());
            int nRecent = in.readUnsignedByte();
            List<RecentItem> recent = new ArrayList<>(nRecent);
            for (int i = 0; i < nRecent; i++) {
                RecentItem r = new RecentItem(in.readUTF(), in.readLong(), in.readInt(), in.readFloat(), in.readInt(),
                        format == FORMAT_1 ? new float[InfluenceGroup.COUNT] : readFloats(in, InfluenceGroup.COUNT));
                recent.add(r);
            }
            int nCategories = in.readUnsignedByte();
            List<CategoryAffinity> categories = new ArrayList<>(nCategories);
            for (int i = 0; i < nCategories; i++) {
                categories.add(new CategoryAffinity(in.readUTF(), in.readFloat(), in.readFloat(), in.readInt()));
            }
            int nTop = in.readUnsignedByte();
            List<String> top = new ArrayList<>(nTop);
            for (int i = 0; i < nTop; i++) {
                top.add(in.readUTF());
            }
            UserState s = new UserState(w, m1, m2, profile, scaler, recent, categories, top);
            s.lastTopKTime = in.readLong();
            s.step = step;
            s.lastTime = lastTime;
            s.textFingerprint = fingerprint;
            System.arraycopy(counts, 0, s.typeCounts, 0, Math.min(counts.length, s.typeCounts.length));
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt user state", e);
        }
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    private static float[] readFloats(DataInputStream in, int n) throws IOException {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readFloat();
        }
        return v;
    }
}
