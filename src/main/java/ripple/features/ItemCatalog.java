package ripple.features;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The items every scorer instance can score: projected text features and item influence, kept in memory and fed
 * by the global stores of item-features and item-influence. Written by the global thread, read by stream threads:
 * entries are only appended, and each entry swaps immutable arrays, so readers never see half an update. What
 * ranking reads of each entry is also laid out by catalogue index in {@link RankRows}, guarded against half an
 * update by sequence numbers. It also keeps what proposes candidates, each bounded so that retrieval never scans
 * the catalogue: a {@link TextIndex} over the text, the most popular items overall and per category (recent and
 * all-time), and each item's co-occurrence neighbours.
 */
public final class ItemCatalog {
    private static final Logger log = LoggerFactory.getLogger(ItemCatalog.class);

    private final FeatureLayout layout;
    private final long projectionSeed;
    private final Decay decay;
    /** See {@link #influenceTickMs()}. */
    private final long influenceTickMs;
    /** Items whose raw text topics are fitted on, per model: enough for a few dozen topics, a few MB of vectors. */
    static final int TOPIC_SAMPLE = 1000;
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    /**
     * One String instance per category, model id and model version: ranking compares them for every candidate,
     * and a shared instance is one hot cache line where each entry's own copy was a cache miss of its own.
     */
    private final Map<String, Canonical> canonical = new ConcurrentHashMap<>();
    /**
     * {@link #canonical}'s records by id, for {@link #canonical(int)}; grown (copied, then published) under this
     * catalogue's lock on it, each record set with release semantics after the array that holds it is published.
     */
    private volatile Canonical[] canonicalsById = new Canonical[64];
    private int nextCanonicalId;
    /**
     * This catalogue's number, random and never 0: a user's state records where a ranker found its items and
     * categories here ({@link UserHistory#hintedCatalogue}), and those places mean nothing in another catalogue.
     */
    private final long instance = newInstance();
    /** What ranking reads of each entry, laid out by catalogue index; mirrors the entries. */
    private final RankRows rows;
    private final Map<String, TextProjection> projections = new ConcurrentHashMap<>();
    /** modelId -> the version of the newest embedding seen; older versions are not scored. */
    private final Map<String, Version> activeVersions = new ConcurrentHashMap<>();
    private volatile String versionLabel = "no-text";
    /**
     * The active version per text model slot ({@link FeatureLayout#textModels} order), the catalogue's own string:
     * {@link #hasText} is asked for every candidate, and compares by identity here rather than looking the model up.
     */
    private volatile String[] activeVersionBySlot;
    /** {@link #activeVersionBySlot} as {@link #versionNumber}s, for {@link RankRows#hasText}. */
    private volatile int[] activeVersionIdBySlot;
    /** A small number per model version, as a row holds it ({@link RankRows#TEXT_MODEL}). */
    private final Map<String, Integer> versionNumbers = new ConcurrentHashMap<>();
    private final AtomicInteger nextVersionNumber = new AtomicInteger();
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
    /** Popularity lists: overall, and per category; recent (decayed) and all-time. */
    private final PopularItems recentPopular;
    private final PopularItems allTimePopular;
    /** Topics read from the text, per text model, for items without a category; refitted as the catalogue doubles. */
    private final Map<String, TextClusters> clusters = new ConcurrentHashMap<>();
    private final Map<String, Integer> fittedItems = new ConcurrentHashMap<>();
    /** Sums of the projected text per model and language, for centring topic vectors per language. */
    private final Map<String, VectorSum> languageSums = new ConcurrentHashMap<>();
    /** Per text model, the raw embeddings topics are fitted on; kept only when text topics are on. */
    private final Map<String, TextSample> textSamples = new ConcurrentHashMap<>();
    private final int textClusters;
    private final ReentrantLock clustering = new ReentrantLock();
    private long clusteringVersion;
    /** Largest log1p(all-time count), so the all-time popularity feature stays within 0..1. */
    private volatile float totalScale;
    /** Counts the changes of the influence scales: influence features stamped with an older count are stale. */
    private volatile int scalesVersion;

    private record Version(String version, long computedAt) {
    }

    /**
     * A string the catalogue holds once (a category, a model id or version) with its number, so that a
     * {@link RankRows} row can hold it as an int; for a category, also its popularity lists. A ranking looks each
     * of the user's categories up once, and finds their lists and their leader here without another lookup.
     */
    public static final class Canonical {
        public final String value;
        public final int id;
        /** Recent then all-time, created with the category's first item that has influence; null before. */
        private volatile PopularItems[] popular;

        private Canonical(String value, int id) {
            this.value = value;
            this.id = id;
        }

        private synchronized PopularItems[] popularLists(int size) {
            if (popular == null) {
                popular = new PopularItems[] {new PopularItems(size), new PopularItems(size)};
            }
            return popular;
        }
    }

    /** An item's text neighbours: searched with {@code text}, among {@code textItems} items of its model. */
    private record TextNeighbours(float[] text, int textItems, int k, int[] entries) {
    }

    /**
     * An item's text neighbours are searched again once its model's items have grown by this factor since: a few
     * new items seldom change an item's nearest 20, while the index changes every {@code scoring.index.refresh}
     * under a live embedder, and a search per recent item per event cost more than the rest of the event.
     */
    private static final double TEXT_NEIGHBOURS_GROWTH = 1.1;

    /**
     * Co-occurrence neighbours looked up by id once: {@code entries[i]} is {@code of.ids()[i]}'s entry, null where
     * the catalogue did not know it at {@code catalogueSize} (it may join later, so a lookup is redone then);
     * {@code indexes[i]} is its catalogue index, or -1.
     */
    public record ResolvedNeighbours(ItemNeighbours of, int catalogueSize, Entry[] entries, int[] indexes) {
    }

    /**
     * Entries, each with its catalogue index beside it ({@code indexes[i] == entries[i].index}): a reader that needs
     * only the index (to look an entry up in a table of candidates) need not touch the entry, a cache miss each.
     */
    public record Listing(Entry[] entries, int[] indexes) {
        public static final Listing EMPTY = new Listing(new Entry[0], new int[0]);

        public int size() {
            return entries.length;
        }
    }

    /**
     * An item's normalised co-occurrence with each neighbour ({@link #covisits}) as of the start of {@code tick},
     * from {@code resolved}; {@code scores[i]} is 0 where the entry is null or the count decayed away.
     */
    public record Covisits(ResolvedNeighbours resolved, long tick, double[] scores) {
        public Entry[] entries() {
            return resolved.entries;
        }

        /** The neighbours' catalogue indexes, -1 where {@link #entries()} is null. */
        public int[] indexes() {
            return resolved.indexes;
        }
    }

    /**
     * What all users did on one item: counts per {@link InfluenceGroup} decayed as of {@code time}, the all-time
     * event count (long histories keep their popularity), and the item's category as the events gave it (null when
     * none did). Immutable.
     */
    public record Influence(float[] counts, long time, float total, String category) {
        public Influence(float[] counts, long time) {
            this(counts, time, 0f, null);
        }

        /** The decayed count over every group. */
        public float decayedTotal() {
            float s = 0f;
            for (float c : counts) {
                s += c;
            }
            return s;
        }
    }

    public static final class Entry {
        public final String itemId;
        public final int index;
        private volatile float[] text;
        /** The scale {@link #text} was rounded by ({@link RankRows#rounded}); set before it, read by writers only. */
        private volatile float textScale;
        private volatile String modelId;
        /** Where the model's text slots start in f_i; set before {@link #text}, read after it. */
        private volatile int textOffset = -1;
        private volatile String modelVersion;
        private volatile String category;
        /** The language its features named, or null: text topics centre each language on its own mean. */
        private volatile String language;
        private volatile Influence influence;
        /**
         * log(1 + influence.total()), computed once per update rather than per candidate and per event. Written
         * before {@link #influence}: a reader racing an update may pair the new influence with this of the one
         * before, for that one event.
         */
        private volatile double logTotal;
        private volatile ItemNeighbours neighbours;
        /** The text-derived category of an item without one, with the clustering version it came from. */
        private volatile String textCategory;
        private volatile long textCategoryVersion = -1;
        /** The item's nearest items by text, cached with the text index generation they were found in. */
        private volatile TextNeighbours textNeighbours;
        private volatile ResolvedNeighbours resolvedNeighbours;
        private volatile Covisits covisits;

        Entry(String itemId, int index) {
            this.itemId = itemId;
            this.index = index;
        }

        /** The category the item's features or events gave it, or null; see {@link ItemCatalog#category(Entry)}. */
        public String category() {
            return category;
        }

        public String modelId() {
            return modelId;
        }

        /** The offset of its text model's slots in f_i ({@link FeatureLayout#textOffset}), or -1 without text. */
        public int textOffset() {
            return textOffset;
        }

        public Influence influence() {
            return influence;
        }

        /** Co-occurrence neighbours, or null when the item has none yet. */
        public ItemNeighbours neighbours() {
            return neighbours;
        }

        /** The item's projected text, or null (of whichever model version; see {@link #hasText}). */
        public float[] rawText() {
            return text;
        }
    }

    /** Without text-derived categories. */
    public ItemCatalog(FeatureLayout layout, long projectionSeed, Decay decay, RetrievalSettings retrieval) {
        this(layout, projectionSeed, decay, retrieval, 0);
    }

    /** @param textClusters topics read from the text for items without a category; 0 for none */
    public ItemCatalog(FeatureLayout layout, long projectionSeed, Decay decay, RetrievalSettings retrieval,
                       int textClusters) {
        this.layout = layout;
        this.projectionSeed = projectionSeed;
        this.decay = decay;
        this.influenceTickMs = Math.max(MIN_TICK_MS, decay.halfLifeMillis() / TICKS_PER_HALF_LIFE);
        this.textSum = new double[layout.textDims()];
        this.textCount = new int[layout.textModels().size()];
        this.textMean = new float[layout.textDims()];
        this.activeVersionBySlot = new String[layout.textModels().size()];
        this.activeVersionIdBySlot = new int[layout.textModels().size()];
        Arrays.fill(activeVersionIdBySlot, -1);
        this.rows = new RankRows(layout.dimsPerModel());
        this.retrieval = retrieval;
        this.textIndex = new TextIndex(retrieval, this::textScorer);
        this.textClusters = textClusters;
        this.recentPopular = new PopularItems(retrieval.popularItems());
        this.allTimePopular = new PopularItems(retrieval.popularItems());
    }

    public Decay decay() {
        return decay;
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

    /**
     * The text index's scorer: the rows' copy of each item's text, which is what the index holds (both rounded to
     * the rows' 8-bit integers), in a quarter of the bytes and without Lucene's copying.
     */
    private TextIndex.Scorer textScorer(String modelId, float[] query) {
        int offset = layout.textOffset(modelId);
        if (offset < 0 || query.length != layout.dimsPerModel()) {
            return null;
        }
        int slot = offset / layout.dimsPerModel();
        return new TextIndex.Scorer() {
            @Override
            public float dot(int entry) {
                return rows.textDot(entry, slot, query);
            }

            @Override
            public int touch(int entry) {
                return rows.touch(entry);
            }
        };
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
                rows.ensure(size);
                arr[size] = e;
                entries = arr;
                byId.put(itemId, e);
                size = size + 1;
            }
            return e;
        }
    }

    /** A new or changed embedding for an item. */
    public void putFeatures(String itemId, String model, String version, float[] embedding, long computedAt,
                            String itemCategory, String language) {
        Entry e = getOrAdd(itemId);
        String category = canonical(itemCategory);
        String modelId = canonical(model);
        String modelVersion = canonical(version);
        if (category != null) {
            e.category = category;
        }
        if (layout.textOffset(modelId) < 0) {
            log.warn("item {} has features from model '{}', which this scorer does not use (features.text.models={})",
                    itemId, modelId, layout.textModels());
            mirror(e, false);
            return;
        }
        TextProjection p = projections.computeIfAbsent(modelId + "/" + embedding.length,
                k -> new TextProjection(modelId, embedding.length, layout.dimsPerModel(), projectionSeed));
        float[] exact = p.project(embedding);
        float scale = RankRows.textScale(exact);
        float[] projected = RankRows.rounded(exact, scale);
        if (textClusters > 0) {
            TextSample sample = textSamples.computeIfAbsent(modelId, m -> new TextSample(TOPIC_SAMPLE));
            synchronized (sample) {
                sample.offer(itemId, embedding.clone(), language);
            }
        }
        activeVersions.merge(modelId, new Version(modelVersion, computedAt),
                (old, neu) -> neu.computedAt >= old.computedAt ? neu : old);
        versionLabel = label();
        int offset = layout.textOffset(modelId);
        synchronized (activeVersions) {
            String[] bySlot = activeVersionBySlot.clone();
            int[] idBySlot = activeVersionIdBySlot.clone();
            bySlot[offset / layout.dimsPerModel()] = activeVersions.get(modelId).version;
            idBySlot[offset / layout.dimsPerModel()] = versionNumber(bySlot[offset / layout.dimsPerModel()]);
            activeVersionIdBySlot = idBySlot;
            activeVersionBySlot = bySlot;
        }
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
            if (old != null) {
                languageSums.get(languageKey(e.modelId, e.language)).remove(old);
            }
            languageSums.computeIfAbsent(languageKey(modelId, language), k -> new VectorSum(projected.length))
                    .add(projected);
        }
        e.language = language;
        e.modelId = modelId;
        e.modelVersion = modelVersion;
        e.textOffset = offset;
        e.textScale = scale;
        e.text = projected;
        mirror(e, false);
        // Items of an older model version are indexed too until re-embedded: they are only candidates, and
        // exact scoring gives them no text part.
        textIndex.put(itemId, e.index, modelId, projected, e.category);
    }

    private String canonical(String s) {
        return s == null ? null : canonical.computeIfAbsent(s, this::newCanonical).value;
    }

    /** A record for a string new to the catalogue, with the next id, findable by that id once this returns. */
    private Canonical newCanonical(String s) {
        synchronized (canonical) {
            Canonical c = new Canonical(s, nextCanonicalId++);
            Canonical[] byId = canonicalsById;
            if (c.id >= byId.length) {
                byId = Arrays.copyOf(byId, 2 * byId.length);
                canonicalsById = byId;
            }
            CANONICALS.setRelease(byId, c.id, c);
            return c;
        }
    }

    private static final VarHandle CANONICALS = MethodHandles.arrayElementVarHandle(Canonical[].class);

    /**
     * The record whose id is {@code id} ({@link Canonical#id}), or null for an id this catalogue has not given (or,
     * for a moment, one it is giving).
     */
    public Canonical canonical(int id) {
        Canonical[] byId = canonicalsById;
        return id < 0 || id >= byId.length ? null : (Canonical) CANONICALS.getAcquire(byId, id);
    }

    /** See {@link #instance}. */
    public long instance() {
        return instance;
    }

    private static long newInstance() {
        long n;
        do {
            n = UUID.randomUUID().getMostSignificantBits();
        } while (n == 0);
        return n;
    }

    /** The entry at a catalogue index, or null for an index this catalogue has not given. */
    public Entry entryOrNull(int index) {
        Entry[] all = entries;
        return index < 0 || index >= all.length ? null : all[index];
    }

    /** The catalogue's record of a string equal to {@code s}, or null when it holds none. */
    public Canonical canonicalOf(String s) {
        return s == null ? null : canonical.get(s);
    }

    /**
     * The number of a string the catalogue holds (a category, a model version), or -1 for one it does not: equal
     * strings have one number, so a category found in a {@link #rankRow} compares as an int.
     */
    public int canonicalId(String s) {
        Canonical c = canonicalOf(s);
        return c == null ? -1 : c.id;
    }

    /**
     * Copies the entry's text, text model slot and version, category and all-time count into its row, counting an
     * influence update when {@code influenceChanged}. Called after every change of those fields; the row then
     * reads as the entry does.
     */
    private void mirror(Entry e, boolean influenceChanged) {
        synchronized (rows) {
            int[] page = rows.page(e.index);
            int b = rows.base(e.index);
            RankRows.beginItemWrite(page, b);
            writeItemPart(e, page, b);
            if (influenceChanged) {
                int updates = page[b + RankRows.INFLUENCE] + 1;
                page[b + RankRows.INFLUENCE] = updates == 0 ? 1 : updates; // 0 means none
            }
            RankRows.endItemWrite(page, b);
        }
    }

    /** The entry's fields as a row's item part (all but the influence count), into {@code row} from {@code b}. */
    private void writeItemPart(Entry e, int[] row, int b) {
        float[] text = e.text;
        int offset = e.textOffset;
        boolean withText = text != null && offset >= 0 && text.length == rows.dims();
        row[b + RankRows.TEXT_MODEL] = withText
                ? RankRows.textModel(offset / layout.dimsPerModel(), versionNumber(e.modelVersion)) : 0;
        row[b + RankRows.CATEGORY] = canonicalId(e.category) + 1;
        RankRows.putLogTotal(row, b, e.influence == null ? 0 : e.logTotal);
        if (withText) {
            RankRows.putText(row, b, text, e.textScale);
        }
    }

    /** Ints per row of {@link #rankRow}. */
    public int rankRowLength() {
        return rows.stride();
    }

    /**
     * Copies what ranking reads of the entry at {@code index} into {@code out} ({@link #rankRowLength} ints; read
     * with {@link RankRows}' accessors), with its influence features as of {@code tick} ({@link #influenceTick}).
     * Read again while a writer changes the row's item part. Influence features the row does not hold for this
     * tick are computed here, from the entry, and stored in the row for the next reader.
     */
    public void rankRow(int index, long tick, int[] out) {
        int[] page = rows.page(index);
        int b = rows.base(index);
        int influenceSeq;
        for (int attempt = 0; ; attempt++) {
            int seq = (int) RankRows.INTS.getAcquire(page, b + RankRows.ITEM_SEQ);
            influenceSeq = (int) RankRows.INTS.getAcquire(page, b + RankRows.INFLUENCE_SEQ);
            // without text, not the text's ints: they are not read
            System.arraycopy(page, b, out, 0, rowLength(page, b));
            VarHandle.acquireFence();
            if ((seq & 1) == 0 && page[b + RankRows.ITEM_SEQ] == seq) {
                break;
            }
            // a writer is changing the item part, for well under a microsecond unless it was descheduled
            if (attempt < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        int scales = scalesVersion;
        if (out[RankRows.INFLUENCE] != 0 && ((influenceSeq & 1) != 0
                || page[b + RankRows.INFLUENCE_SEQ] != influenceSeq || !RankRows.stamped(out, tick, scales))) {
            influenceInto(entries[index], tick, scales, out);
            RankRows.publishInfluence(page, b, influenceSeq, out);
        }
    }

    /**
     * The entry's influence features as of {@code tick} under the scales of {@code scales} into a copied row, with
     * the stamp of what they came from: per group the decayed count as log1p over the largest seen (so within
     * 0..1). The all-time count's feature is not kept ({@link #allTimePopularity(int[])}). Each depends only on the
     * item's own influence, the tick and the scales (whose every change is counted), so features are the same
     * whenever they are computed within the tick: what a ranking reads never depends on which rankings read the
     * row before it.
     */
    private void influenceInto(Entry e, long tick, int scales, int[] row) {
        Influence inf = e.influence;
        row[RankRows.STAMP_INFLUENCE] = row[RankRows.INFLUENCE];
        row[RankRows.STAMP_TICK] = (int) tick;
        row[RankRows.STAMP_SCALES] = scales;
        if (inf == null) {
            Arrays.fill(row, RankRows.FEATURES, RankRows.FEATURES + RankRows.DECAYED_FEATURES, 0);
            return;
        }
        double f = decay.factor(inf.time(), tick * influenceTickMs);
        float[] counts = inf.counts();
        for (int g = 0; g < RankRows.DECAYED_FEATURES; g++) {
            row[RankRows.FEATURES + g] = Float.floatToRawIntBits(influenceFeature(counts, g, f));
        }
    }

    /**
     * Reads one int of each 64-byte line of the row that {@link #rankRow} copies, and returns their sum so that the
     * reads stay: a pass over every candidate first has their cache misses in flight together. Every line, text or
     * not: reading the row's length first made each row's other lines wait for its first (the length read was 10%
     * of a scoring step in a profile at 100k items).
     */
    public int touchRow(int index) {
        return rows.touch(index);
    }

    /** How much of a row there is to read: all of it with text, else the part before the text. */
    private int rowLength(int[] page, int b) {
        return page[b + RankRows.TEXT_MODEL] != 0 ? rows.stride() : RankRows.TEXT;
    }

    /** {@link #activeVersionBySlot} as ids: {@link RankRows#hasText} of a copied row. */
    public boolean hasText(int[] row) {
        return RankRows.hasText(row, activeVersionIdBySlot);
    }

    /**
     * The category id ({@link #canonicalId}) of a copied row's item (at catalogue {@code index}), as
     * {@link #category(Entry)} gives it: the row's own, else (only with text topics on) the topic its text is
     * nearest.
     */
    public int categoryId(int[] row, int index) {
        int id = RankRows.category(row);
        // the entry is read only for a text topic: a cache miss each, for a candidate whose row has no category
        return id >= 0 || textClusters <= 0 ? id : canonicalId(category(entries[index]));
    }

    /**
     * The catalogue's own instance of a string equal to {@code s} (a category, say), or {@code s} itself. Every
     * category an entry holds is the catalogue's own instance, so a string this returns matches an entry's
     * category exactly when it is the same object.
     */
    public String canonicalOrSelf(String s) {
        Canonical c = canonicalOf(s);
        return c == null ? s : c.value;
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
            languageSums.get(languageKey(e.modelId, e.language)).remove(old);
            e.text = null;
            mirror(e, false);
            TextSample sample = textSamples.get(e.modelId);
            if (sample != null) {
                synchronized (sample) {
                    sample.remove(itemId);
                }
            }
            updateMean();
        }
        textIndex.remove(itemId);
    }

    public void putInfluence(String itemId, Influence update) {
        Entry e = getOrAdd(itemId);
        // the catalogue's own category string: the decoded one would live as long as the update, seconds or more
        String updateCategory = canonical(update.category());
        Influence influence = updateCategory == update.category() ? update
                : new Influence(update.counts(), update.time(), update.total(), updateCategory);
        e.logTotal = Math.log(1 + influence.total());
        e.influence = influence;
        if (updateCategory != null && e.category == null) {
            e.category = updateCategory;
        }
        mirror(e, true);
        float[] counts = influence.counts();
        synchronized (influenceScale) {
            boolean grew = false;
            for (int g = 0; g < Math.min(counts.length, influenceScale.length); g++) {
                float scale = (float) Math.log1p(counts[g]);
                grew |= scale > influenceScale[g];
                influenceScale[g] = Math.max(influenceScale[g], scale);
            }
            float total = (float) Math.log1p(influence.total());
            grew |= total > totalScale;
            totalScale = Math.max(totalScale, total);
            if (grew) {
                scalesVersion++;
            }
        }
        double recentKey = decay.logKey(influence.decayedTotal(), influence.time());
        recentPopular.offer(e, recentKey);
        allTimePopular.offer(e, influence.total());
        String category = category(e);
        if (category != null) {
            PopularItems[] lists = canonical.get(category).popularLists(retrieval.popularItems());
            lists[0].offer(e, recentKey);
            lists[1].offer(e, influence.total());
        }
    }

    /**
     * An item's co-occurrence neighbours, each id a known item has replaced by that entry's own string. Kept for
     * seconds to minutes, until the item's neighbours change (about 2,300 changes a second at bench e2e's default
     * sizes), the decoded ids were most of the live heap (1.1 million strings of 200 MB) and, as objects of that
     * age, most of what each young collection copied; the entries' strings live anyway.
     */
    public void putNeighbours(String itemId, ItemNeighbours neighbours) {
        String[] ids = neighbours.ids().clone();
        for (int i = 0; i < ids.length; i++) {
            Entry known = byId.get(ids[i]);
            if (known != null) {
                ids[i] = known.itemId;
            }
        }
        Entry e = getOrAdd(itemId);
        e.neighbours = new ItemNeighbours(neighbours.time(), neighbours.selfCount(), ids, neighbours.counts());
        // What was derived from the list it replaces is stale: let it go now. Kept until a user touched the item
        // again, it held the old list with it, two lists for most items (19 thousand of 20 thousand in a heap
        // dump of bench e2e), objects of the age each young collection copies.
        e.resolvedNeighbours = null;
        e.covisits = null;
    }

    /**
     * An item's co-occurrence neighbours with their entries, in {@link ItemNeighbours#ids()} order (null for one
     * the catalogue does not know), or null when it has none. Kept per item until its neighbours change: every
     * user who touched the item looks them up, and a lookup by id per neighbour was a tenth of a scoring step.
     */
    private ResolvedNeighbours neighbourEntries(Entry e) {
        ItemNeighbours n = e.neighbours;
        if (n == null) {
            return null;
        }
        ResolvedNeighbours r = e.resolvedNeighbours;
        int known = size;
        if (r == null || r.of != n || r.catalogueSize != known && hasNull(r.entries)) {
            Entry[] entries = new Entry[n.size()];
            int[] indexes = new int[entries.length];
            for (int i = 0; i < entries.length; i++) {
                entries[i] = byId.get(n.ids()[i]);
                indexes[i] = entries[i] == null ? -1 : entries[i].index;
            }
            r = new ResolvedNeighbours(n, known, entries, indexes);
            e.resolvedNeighbours = r;
        }
        return r;
    }

    /**
     * The item's normalised co-occurrence with each of its neighbours, c_ij / sqrt(n_i n_j), every count decayed to
     * the start of now's influence tick ({@link #influenceTickMs}), or null when it has none. Every user who touched
     * the item reads these, and both views of an event: kept per item and tick, they cost no exp and no read of
     * the neighbours' own counts per event. A neighbour's count n_j is read as of when the scores were computed.
     */
    public Covisits covisits(Entry e, long now) {
        ResolvedNeighbours resolved = neighbourEntries(e);
        if (resolved == null || resolved.of.selfCount() <= 0) {
            return null;
        }
        long tick = Math.floorDiv(now, influenceTickMs);
        Covisits cached = e.covisits;
        if (cached != null && cached.resolved == resolved && cached.tick == tick) {
            return cached;
        }
        long at = tick * influenceTickMs;
        ItemNeighbours n = resolved.of;
        double f = decay.factor(n.time(), at);
        double self = n.selfCount() * f;
        Entry[] others = resolved.entries;
        double[] scores = new double[others.length];
        for (int i = 0; i < others.length; i++) {
            Entry other = others[i];
            double c = n.counts()[i] * f;
            if (other == null || c <= 0) {
                continue; // decayed away (a count years old underflows to 0): no evidence left
            }
            ItemNeighbours on = other.neighbours;
            double otherSelf = on == null ? c : Math.max(c, on.selfCount() * decay.factor(on.time(), at));
            // divided one root at a time: the product of two long-decayed counts underflows to 0
            scores[i] = c / Math.sqrt(self) / Math.sqrt(otherSelf);
        }
        Covisits computed = new Covisits(resolved, tick, scores);
        e.covisits = computed;
        return computed;
    }

    private static boolean hasNull(Entry[] entries) {
        for (Entry x : entries) {
            if (x == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * The catalogue positions of the (about) {@code k} items nearest this one by text, best first (the item itself
     * among them); empty without usable text. An item's neighbours are the same for every user, so they are
     * searched once and kept until the item's text changes or its model's items have grown by
     * {@link #TEXT_NEIGHBOURS_GROWTH}. Items removed since may still be among them: they are only candidates.
     */
    public int[] textNeighbours(Entry e, int k) {
        if (!hasText(e)) {
            return new int[0];
        }
        float[] text = e.text;
        int items = textCount[layout.textOffset(e.modelId) / layout.dimsPerModel()];
        TextNeighbours cached = e.textNeighbours;
        if (cached != null && cached.text == text && cached.k == k && items <= cached.textItems * TEXT_NEIGHBOURS_GROWTH) {
            return cached.entries;
        }
        int[] found = textIndex.search(e.modelId, text, k, null);
        e.textNeighbours = new TextNeighbours(text, items, k, found);
        return found;
    }

    /** The most popular items, best first: recently (decayed counts) or all-time. */
    public Listing popular(boolean recent) {
        return (recent ? recentPopular : allTimePopular).listing();
    }

    /** The most popular items of a category, best first; empty for an unknown category. */
    public Listing popular(String category, boolean recent) {
        return popular(canonicalOf(category), recent);
    }

    /** The same for a category the catalogue holds ({@link #canonicalOf}; null for one it does not). */
    public Listing popular(Canonical category, boolean recent) {
        PopularItems[] lists = category == null ? null : category.popular;
        return lists == null ? Listing.EMPTY : lists[recent ? 0 : 1].listing();
    }

    /** True when the entry has an embedding of its model's active version. */
    public boolean hasText(Entry e) {
        int offset = e.textOffset;
        return e.text != null && offset >= 0
                && activeVersionBySlot[offset / layout.dimsPerModel()] == e.modelVersion;
    }

    /**
     * The item's category: the one its features or events gave, else the topic its text is nearest (when
     * {@code features.text.clusters} is on and enough items have text), else null.
     */
    public String category(Entry e) {
        if (e.category != null || textClusters <= 0 || !hasText(e)) {
            return e.category;
        }
        TextClusters c = clustersFor(e.modelId);
        if (c == null) {
            return null;
        }
        if (e.textCategoryVersion != c.version) {
            e.textCategory = canonical(c.category(topicVector(e)));
            e.textCategoryVersion = c.version;
        }
        return e.textCategory;
    }

    /** The model's topics, fitted (again) when it has four items per topic, and again whenever its items doubled. */
    private TextClusters clustersFor(String model) {
        int offset = layout.textOffset(model);
        int items = offset < 0 ? 0 : textCount[offset / layout.dimsPerModel()];
        Integer fitted = fittedItems.get(model);
        boolean due = items >= 4 * textClusters && (fitted == null || items >= 2 * fitted);
        if (due && clustering.tryLock()) {
            try {
                List<float[]> raw = new ArrayList<>();
                List<float[]> projected = new ArrayList<>();
                TextSample sample = textSamples.get(model);
                Map<String, float[]> sampled = Map.of();
                if (sample != null) {
                    synchronized (sample) {
                        sampled = sample.languageCentred();
                    }
                }
                sampled.forEach((id, v) -> {
                    Entry e = byId.get(id);
                    if (e != null && model.equals(e.modelId) && hasText(e)) {
                        raw.add(v);
                        projected.add(topicVector(e));
                    }
                });
                if (!raw.isEmpty()) {
                    long start = System.nanoTime();
                    clusters.put(model, TextClusters.fit(model, raw.toArray(new float[0][]),
                            projected.toArray(new float[0][]), textClusters, ++clusteringVersion));
                    log.info("text topics for {}: {} topics (at most {}) fitted on {} items in {} ms", model,
                            clusters.get(model).size(), textClusters, raw.size(), (System.nanoTime() - start) / 1_000_000);
                }
                fittedItems.put(model, items);
            } finally {
                clustering.unlock();
            }
        }
        return clusters.get(model);
    }

    /**
     * The item's projected text minus the mean of its model's items in its language, scaled to unit length (topics
     * are directions): what text topics are fitted and assigned on. A multilingual catalogue's vectors differ
     * first by language; centred per language, one topic gathers its items in every language (synthetic titles,
     * half Chinese: 16 topics on globally centred vectors were one language each, 8 on vectors centred per
     * language held both and were 88-99% pure).
     */
    private float[] topicVector(Entry e) {
        float[] t = e.text;
        VectorSum sum = languageSums.get(languageKey(e.modelId, e.language));
        float[] mean = sum == null ? new float[t.length] : sum.mean();
        float[] out = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = t[i] - mean[i];
        }
        return TextClusters.unit(out);
    }

    private static String languageKey(String modelId, String language) {
        return modelId + "/" + (language == null ? "" : language);
    }

    /** The catalogue mean of the projected text per slot, which text features are centred on; do not modify. */
    public float[] textMean() {
        return textMean;
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

    /**
     * Influence features are read as of the start of the tick that holds {@code now}: 1/{@value #TICKS_PER_HALF_LIFE}
     * of the decay's half-life (84 s at one day), at least {@value #MIN_TICK_MS} ms. Within a tick a decayed count
     * moves by at most 0.07%, and every user scored within it, and both views of one event, share one computation
     * per item (nine logs, the costliest part of a candidate after its text). A replay's events are seconds apart:
     * with one-second ticks it computed them again for nearly every candidate of every event.
     */
    static final int TICKS_PER_HALF_LIFE = 1024;
    static final long MIN_TICK_MS = 1000;

    /** The length of an influence tick, in ms, under this catalogue's decay. */
    long influenceTickMs() {
        return influenceTickMs;
    }

    /**
     * Writes the item's influence features as of {@code now} (rounded down to its tick, {@link #influenceTickMs})
     * into out at the influence offset: per group the decayed count, then the all-time count, each as log1p scaled
     * by the largest seen (so within 0..1).
     */
    public void influenceFeatures(Entry e, long now, float[] out) {
        influenceFeatures(e, now, out, new int[rows.stride()]);
    }

    /** The same, copying the row through {@code row} ({@link #rankRowLength} ints) rather than a new array. */
    public void influenceFeatures(Entry e, long now, float[] out, int[] row) {
        rankRow(e.index, influenceTick(now), row);
        for (int g = 0; g < RankRows.DECAYED_FEATURES; g++) {
            out[layout.influenceOffset() + g] = RankRows.feature(row, g);
        }
        out[layout.influenceOffset() + RankRows.DECAYED_FEATURES] = allTimePopularity(row);
    }

    /** The influence tick that holds {@code now}: what {@link #rankRow} takes. */
    public long influenceTick(long now) {
        return Math.floorDiv(now, influenceTickMs);
    }

    /**
     * Influence feature g of a row: the group's count decayed by {@code f}, log(1 + x) over the group's scale (0
     * while the scale is). log, not log1p: the JIT makes log an intrinsic, and x >= 0 here needs no log1p precision.
     */
    private float influenceFeature(float[] counts, int g, double f) {
        float scale = influenceScale[g];
        return scale <= 0f ? 0f : (float) (Math.log(1 + counts[g] * f) / scale);
    }

    /**
     * The item's all-time count against its category's most popular item's, both log1p: 0..1. Read afresh, not
     * kept with the influence features: the category's leader changes within a tick, and a value kept from the first
     * read of the tick made a ranking depend on which rankings came before it.
     */
    public float categoryPopularity(Entry e) {
        String category = category(e);
        return category == null ? 0f : categoryPopularity(e, categoryLeader(category));
    }

    /** {@link #categoryPopularity(Entry)} given {@link #categoryLeader} of the item's category. */
    public float categoryPopularity(Entry e, double leader) {
        return categoryPopularity(e.influence != null, e.logTotal, leader);
    }

    /** The same, given whether the item has influence and its log1p all-time count ({@link RankRows#logTotal}). */
    public static float categoryPopularity(boolean influenced, double logTotal, double leader) {
        return !influenced || leader <= 0 ? 0f : (float) Math.min(1.0, logTotal / leader);
    }

    /**
     * The log1p all-time count of the category's most popular item, 0 when it has none: what an item's popularity
     * within the category is measured against. A ranking finds it once per category of the user.
     */
    public double categoryLeader(String category) {
        return categoryLeader(canonicalOf(category));
    }

    /** The same for a category the catalogue holds ({@link #canonicalOf}; null for one it does not). */
    public double categoryLeader(Canonical category) {
        PopularItems[] lists = category == null ? null : category.popular;
        if (lists == null) {
            return 0;
        }
        Entry[] top = lists[1].top();
        return top.length == 0 || top[0].influence == null ? 0 : top[0].logTotal;
    }

    /** {@link #allTimePopularity(Entry)} of a copied row ({@link #rankRow}). */
    public float allTimePopularity(int[] row) {
        float scale = totalScale;
        return !RankRows.hasInfluence(row) || scale <= 0f ? 0f : (float) (RankRows.logTotal(row) / scale);
    }

    /** The number of a model version as a row holds it. */
    private int versionNumber(String version) {
        return version == null ? 0 : versionNumbers.computeIfAbsent(version, v -> nextVersionNumber.getAndIncrement());
    }

    /** The item's all-time count as log1p scaled by the largest seen: 0..1. */
    public float allTimePopularity(Entry e) {
        Influence inf = e.influence;
        float scale = totalScale;
        return inf == null || scale <= 0f ? 0f : (float) (e.logTotal / scale);
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
