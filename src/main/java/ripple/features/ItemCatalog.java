package ripple.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The items every scorer instance can score: projected text features and item influence, kept in memory and fed
 * by the global stores of item-features and item-influence. Written by the global thread, read by stream threads:
 * entries are only appended, and each entry swaps immutable arrays, so readers never see half an update.
 * For catalogues too large to scan per event it also keeps what proposes candidates: a {@link TextIndex} over the
 * text, and the most influential items per influence group.
 */
public final class ItemCatalog {
    private static final Logger log = LoggerFactory.getLogger(ItemCatalog.class);

    private final FeatureLayout layout;
    private final long projectionSeed;
    private final Decay decay;
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    private final Map<String, TextProjection> projections = new ConcurrentHashMap<>();
    /** modelId -> the version of the newest embedding seen; older versions are not scored. */
    private final Map<String, Version> activeVersions = new ConcurrentHashMap<>();
    private volatile String versionLabel = "no-text";
    private volatile Entry[] entries = new Entry[0];
    private volatile int size;
    /**
     * Running sum of the projected text of every item, per text slot. Embeddings of one model share a large common
     * direction; subtracting the catalogue mean leaves what tells items apart. A shift common to all items moves
     * every score equally, so rankings do not depend on how settled the mean is.
     */
    private final double[] textSum;
    private final int[] textCount;
    /** textSum / textCount per slot, recomputed on each change so that a scan does no divisions. */
    private volatile float[] textMean;
    /** Largest log1p(decayed count) seen per influence group, so influence features stay within 0..1. */
    private final float[] influenceScale = new float[InfluenceGroup.COUNT];
    private final RetrievalSettings retrieval;
    private final TextIndex textIndex;
    /** Per influence group, the items with the largest decayed counts, best first; rebuilt at most every refresh. */
    private volatile Entry[][] influential = new Entry[InfluenceGroup.COUNT][0];
    private volatile boolean influenceChanged;
    private volatile long influentialBuilt;
    /** Newest influence time seen: the common instant the influential lists compare decayed counts at. */
    private volatile long influenceTime;
    private final ReentrantLock influentialLock = new ReentrantLock();

    private record Version(String version, long computedAt) {
    }

    /** Influence counts of one item, decayed as of {@code time}. Immutable. */
    public record Influence(float[] counts, long time) {
    }

    public static final class Entry {
        public final String itemId;
        public final int index;
        private volatile float[] text;
        private volatile String modelId;
        private volatile String modelVersion;
        private volatile String category;
        private volatile Influence influence;

        Entry(String itemId, int index) {
            this.itemId = itemId;
            this.index = index;
        }

        public String category() {
            return category;
        }

        public String modelId() {
            return modelId;
        }

        public Influence influence() {
            return influence;
        }
    }

    /** With the shipped default retrieval settings. */
    public ItemCatalog(FeatureLayout layout, long projectionSeed, Decay decay, RetrievalSettings retrieval) {
        this.layout = layout;
        this.projectionSeed = projectionSeed;
        this.decay = decay;
        this.textSum = new double[layout.textDims()];
        this.textCount = new int[layout.textModels().size()];
        this.textMean = new float[layout.textDims()];
        this.retrieval = retrieval;
        this.textIndex = new TextIndex(retrieval);
        this.influentialBuilt = System.nanoTime() - retrieval.indexRefresh().toNanos();
    }

    public RetrievalSettings retrieval() {
        return retrieval;
    }

    /**
     * Approximate search over the raw projected text, not the centred features that scoring uses: centring
     * subtracts the same mean from every item of a model, which moves every item's text score by the same
     * w . mean, so ranking by raw text is ranking by centred text, and the index never needs rebuilding when
     * the mean moves.
     */
    public TextIndex textIndex() {
        return textIndex;
    }

    public FeatureLayout layout() {
        return layout;
    }

    public int size() {
        return size;
    }

    public Entry entry(int index) {
        return entries[index];
    }

    public Entry get(String itemId) {
        return byId.get(itemId);
    }

    private Entry getOrAdd(String itemId) {
        Entry e = byId.get(itemId);
        if (e != null) {
            return e;
        }
        synchronized (this) {
            e = byId.get(itemId);
            if (e == null) {
                e = new Entry(itemId, size);
                Entry[] arr = entries;
                if (size == arr.length) {
                    arr = Arrays.copyOf(arr, Math.max(16, arr.length * 2));
                }
                arr[size] = e;
                entries = arr;
                byId.put(itemId, e);
                size = size + 1;
            }
            return e;
        }
    }

    /** A new or changed embedding for an item. */
    public void putFeatures(String itemId, String modelId, String modelVersion, float[] embedding, long computedAt,
                            String category) {
        Entry e = getOrAdd(itemId);
        if (category != null) {
            e.category = category;
        }
        if (layout.textOffset(modelId) < 0) {
            log.warn("item {} has features from model '{}', which this scorer does not use (features.text.models={})",
                    itemId, modelId, layout.textModels());
            return;
        }
        TextProjection p = projections.computeIfAbsent(modelId + "/" + embedding.length,
                k -> new TextProjection(modelId, embedding.length, layout.dimsPerModel(), projectionSeed));
        float[] projected = p.project(embedding);
        activeVersions.merge(modelId, new Version(modelVersion, computedAt),
                (old, neu) -> neu.computedAt >= old.computedAt ? neu : old);
        versionLabel = label();
        int offset = layout.textOffset(modelId);
        synchronized (textSum) {
            float[] old = e.text;
            boolean replacing = old != null && modelId.equals(e.modelId);
            for (int i = 0; i < projected.length; i++) {
                textSum[offset + i] += projected[i] - (replacing ? old[i] : 0f);
            }
            if (!replacing) {
                textCount[offset / layout.dimsPerModel()]++;
            }
            updateMean();
        }
        e.modelId = modelId;
        e.modelVersion = modelVersion;
        e.text = projected;
        // Items of an older model version are indexed too until re-embedded: they are only candidates, and
        // exact scoring gives them no text part.
        textIndex.put(itemId, e.index, modelId, projected, e.category);
    }

    /** Called with the textSum lock held. */
    private void updateMean() {
        float[] mean = new float[textSum.length];
        int dims = layout.dimsPerModel();
        for (int i = 0; i < mean.length; i++) {
            int n = textCount[i / dims];
            mean[i] = n == 0 ? 0f : (float) (textSum[i] / n);
        }
        textMean = mean;
    }

    /** The item's embedding was deleted (a tombstone): score it without text. */
    public void removeFeatures(String itemId) {
        Entry e = byId.get(itemId);
        if (e == null || e.text == null) {
            return;
        }
        int offset = layout.textOffset(e.modelId);
        synchronized (textSum) {
            float[] old = e.text;
            for (int i = 0; i < old.length; i++) {
                textSum[offset + i] -= old[i];
            }
            textCount[offset / layout.dimsPerModel()]--;
            e.text = null;
            updateMean();
        }
        textIndex.remove(itemId);
    }

    public void putInfluence(String itemId, Influence influence) {
        Entry e = getOrAdd(itemId);
        e.influence = influence;
        float[] counts = influence.counts();
        synchronized (influenceScale) {
            for (int g = 0; g < Math.min(counts.length, influenceScale.length); g++) {
                influenceScale[g] = Math.max(influenceScale[g], (float) Math.log1p(counts[g]));
            }
            influenceTime = Math.max(influenceTime, influence.time());
        }
        influenceChanged = true;
    }

    /**
     * Per influence group, up to {@code scoring.candidates} items with the largest decayed counts, best first.
     * Rebuilt by a reader at most every {@code scoring.index.refresh}, and only after influence changed: one pass
     * over the catalogue. While one thread rebuilds, others use the previous lists.
     */
    public Entry[][] influential() {
        long now = System.nanoTime();
        if (influenceChanged && now - influentialBuilt >= retrieval.indexRefresh().toNanos()
                && influentialLock.tryLock()) {
            try {
                influentialBuilt = now;
                influenceChanged = false;
                influential = buildInfluential();
            } finally {
                influentialLock.unlock();
            }
        }
        return influential;
    }

    private record Counted(Entry entry, double count) {
    }

    private Entry[][] buildInfluential() {
        int n = size;
        Entry[] all = entries;
        int keep = retrieval.candidates();
        long at = influenceTime;
        List<PriorityQueue<Counted>> heaps = new ArrayList<>();
        for (int g = 0; g < InfluenceGroup.COUNT; g++) {
            heaps.add(new PriorityQueue<>(keep + 1, Comparator.comparingDouble(Counted::count)));
        }
        for (int idx = 0; idx < n; idx++) {
            Influence inf = all[idx].influence;
            if (inf == null) {
                continue;
            }
            // Decayed to one instant, counts compare as the features would at that instant (log1p is monotone).
            double f = decay.factor(inf.time(), at);
            for (int g = 0; g < InfluenceGroup.COUNT; g++) {
                double c = inf.counts()[g] * f;
                PriorityQueue<Counted> heap = heaps.get(g);
                if (c > 0 && (heap.size() < keep || c > heap.peek().count())) {
                    heap.add(new Counted(all[idx], c));
                    if (heap.size() > keep) {
                        heap.poll();
                    }
                }
            }
        }
        Entry[][] out = new Entry[InfluenceGroup.COUNT][];
        for (int g = 0; g < InfluenceGroup.COUNT; g++) {
            out[g] = heaps.get(g).stream().sorted(Comparator.comparingDouble(Counted::count).reversed())
                    .map(Counted::entry).toArray(Entry[]::new);
        }
        return out;
    }

    /** True when the entry has an embedding of its model's active version. */
    public boolean hasText(Entry e) {
        float[] t = e.text;
        if (t == null) {
            return false;
        }
        Version v = activeVersions.get(e.modelId);
        return v != null && v.version.equals(e.modelVersion);
    }

    /** Writes the item's text features (zeros when it has none usable) into out; returns whether it had any. */
    public boolean textFeatures(Entry e, float[] out) {
        Arrays.fill(out, 0, layout.textDims(), 0f);
        if (!hasText(e)) {
            return false;
        }
        float[] t = e.text;
        float[] mean = textMean;
        int offset = layout.textOffset(e.modelId);
        for (int i = 0; i < t.length; i++) {
            out[offset + i] = t[i] - mean[offset + i];
        }
        return true;
    }

    /** Writes the item's influence features as of {@code now} into out at the influence offset. */
    public void influenceFeatures(Entry e, long now, float[] out) {
        int off = layout.influenceOffset();
        Influence inf = e.influence;
        if (inf == null) {
            Arrays.fill(out, off, off + InfluenceGroup.COUNT, 0f);
            return;
        }
        double f = decay.factor(inf.time(), now);
        for (int g = 0; g < InfluenceGroup.COUNT; g++) {
            float scale = influenceScale[g];
            out[off + g] = scale <= 0f ? 0f : (float) (Math.log1p(inf.counts()[g] * f) / scale);
        }
    }

    /** The active text-model versions, e.g. "bge-small-zh@1a2b3c": stamped on every output. */
    public String modelVersion() {
        return versionLabel;
    }

    private String label() {
        if (activeVersions.isEmpty()) {
            return "no-text";
        }
        Map<String, String> sorted = new TreeMap<>();
        activeVersions.forEach((m, v) -> sorted.put(m, v.version));
        List<String> parts = new ArrayList<>();
        sorted.forEach((m, v) -> parts.add(m + "@" + v));
        return String.join(",", parts);
    }

    public int textFingerprint() {
        return versionLabel.hashCode();
    }
}
