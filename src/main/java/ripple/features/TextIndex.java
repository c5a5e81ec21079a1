package ripple.features;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.hnsw.HnswGraphProvider;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.CodecReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.hnsw.HnswGraph;

/**
 * Approximate maximum-inner-product search over the items' projected text: an in-memory Lucene index with one
 * HNSW graph per text model (each model's vectors live in their own weight slots, so they are searched apart).
 * One document per item, replaced by item id on every change. Written by the global-store thread, searched by
 * stream threads: IndexWriter and SearcherManager are thread-safe, and a search sees the index as of the last
 * refresh, which happens at most every {@code scoring.index.refresh} and only when something changed.
 *
 * <p>Similarity is Lucene's MAXIMUM_INNER_PRODUCT, whose score is a monotone function of the raw dot product, so
 * the graph ranks items exactly as the text part of R(u,i) does. DOT_PRODUCT would need unit vectors (and the
 * usual MIPS-to-cosine transform, an extra dimension) while projected text is only roughly unit length, and the
 * query (a user's weights) never is.
 *
 * <p>Lucene builds and keeps the graphs. Given the catalogue's copy of the vectors ({@link Vectors}), an unfiltered
 * search (every search ranking makes) walks them itself ({@link GraphWalk}) and scores from that copy; a search
 * filtered by category goes through Lucene's query.
 */
public final class TextIndex implements AutoCloseable {
    private static final String ID = "id";
    /**
     * The item's position in the catalogue, so a hit maps back to its entry without a lookup by id. A doc value,
     * not a stored field: reading a stored field decompresses a block per hit, which cost more than the search.
     */
    private static final String ENTRY = "entry";
    private static final String CATEGORY = "category";

    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final long refreshNanos;
    private final AtomicBoolean changed = new AtomicBoolean();
    private volatile long lastRefresh;
    /** Counts the refreshes that may have changed what a search finds: results cached under an older one are stale. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Ripple's own copy of the indexed vectors, or null: with it an unfiltered search walks each segment's HNSW graph
     * itself and scores the items it visits from that copy ({@link #searchGraphs}).
     */
    private final Vectors vectors;
    /**
     * Per segment (its core, shared by every reader of it) and field, what {@link #searchGraphs} needs of it; removed
     * when the segment is closed.
     */
    private final Map<Object, Map<String, SegmentGraph>> graphs = new ConcurrentHashMap<>();

    /** The vectors of the indexed items, read by catalogue position. */
    public interface Vectors {
        /**
         * Scores the items of {@code modelId} against {@code query}: the inner product of the query with the item's
         * vector, as indexed; null when there is no copy of that model's vectors.
         */
        Scorer scorer(String modelId, float[] query);
    }

    /** One query's inner product with each item, by catalogue position. */
    public interface Scorer {
        /**
         * The inner product with the item at catalogue position {@code entry}; {@code -Float.MAX_VALUE} for one that
         * no longer has a vector of the model (the index is refreshed later than the catalogue changes).
         */
        float dot(int entry);

        /**
         * Reads what {@link #dot} of the item will read, so that the misses of several items overlap; returns
         * something read (the caller keeps it, so that the reads stay). Nothing by default.
         */
        default int touch(int entry) {
            return 0;
        }
    }

    /** An index whose searches score with Lucene's own copy of the vectors. */
    public TextIndex(RetrievalSettings settings) {
        this(settings, null);
    }

    /** An index whose unfiltered searches score the items they visit with {@code vectors} (null: Lucene's copy). */
    public TextIndex(RetrievalSettings settings, Vectors vectors) {
        this.vectors = vectors;
        KnnVectorsFormat hnsw = new Lucene99HnswVectorsFormat(settings.indexMaxConn(), settings.indexBeamWidth());
        IndexWriterConfig config = new IndexWriterConfig()
                .setCodec(new Lucene912Codec() {
                    @Override
                    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                        return hnsw;
                    }
                })
                // Flushing builds nothing new (the graph grows as documents are added) but every flushed segment
                // is searched separately and later merged, which rebuilds graphs: fewer, larger segments are cheaper.
                // At 64 MB a million items (64-dim text) made 12 segments and a search cost 2.9 ms, a third of a
                // scoring step there; at 256 MB, 3 segments and 0.60 ms; at 1 GB, one segment and 0.17 ms (about
                // what 100k items cost), though building that one graph took longer (21 against 12 minutes
                // on 2 cores), once, when a catalogue is loaded whole. The buffer only fills as items come, and a
                // search flushes it (within scoring.index.refresh), so live updates make small segments anyway.
                .setRAMBufferSizeMB(1024);
        try {
            writer = new IndexWriter(new ByteBuffersDirectory(), config);
            searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the in-memory text index", e);
        }
        refreshNanos = settings.indexRefresh().toNanos();
        lastRefresh = System.nanoTime() - refreshNanos;
    }

    private static String field(String modelId) {
        return "text." + modelId;
    }

    /** Adds or replaces an item's vector (raw projected text of {@code modelId}) and category. */
    public void put(String itemId, int entry, String modelId, float[] vector, String category) {
        Document doc = new Document();
        doc.add(new StringField(ID, itemId, Field.Store.NO));
        doc.add(new NumericDocValuesField(ENTRY, entry));
        doc.add(new KnnFloatVectorField(field(modelId), vector, VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT));
        if (category != null) {
            doc.add(new StringField(CATEGORY, category, Field.Store.NO));
        }
        try {
            writer.updateDocument(new Term(ID, itemId), doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        changed.set(true);
    }

    public void remove(String itemId) {
        try {
            writer.deleteDocuments(new Term(ID, itemId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        changed.set(true);
    }

    /**
     * The catalogue positions of (about) the {@code k} items of model {@code modelId} with the largest inner
     * product with {@code query}, best first; only items of {@code category} when it is not null.
     */
    public int[] search(String modelId, float[] query, int k, String category) {
        refreshIfDue();
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                if (category == null && vectors != null) {
                    int[] found = searchGraphs(searcher.getIndexReader(), modelId, query, k);
                    if (found != null) {
                        return found;
                    }
                }
                Query filter = category == null ? null : new TermQuery(new Term(CATEGORY, category));
                TopDocs top = searcher.search(new KnnFloatVectorQuery(field(modelId), query, k, filter), k);
                return entries(searcher, top.scoreDocs);
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An unfiltered search that walks each segment's HNSW graph ({@link GraphWalk}) and scores the items it visits
     * from Ripple's copy of their vectors. Lucene's own search copies each visited vector out of its byte buffers (a
     * buffer duplicated per read) and takes the product in scalar code on Java 17; and it scores one visit after
     * another, each waiting on its own cache misses. One search of the benchmark's query at 100k items, vectors in
     * cache ({@code StepCpuTime}, one run each): 320 µs through Lucene, 153 µs scoring from the rows, 57 µs with the walk
     * reading a node's neighbours together and SIMD products. The hits of all segments are merged by score, equal
     * scores to the lower catalogue position. Returns null when a segment's graph cannot be reached this way
     * (another codec), so that Lucene searches instead.
     */
    private int[] searchGraphs(IndexReader reader, String modelId, float[] query, int k) throws IOException {
        Scorer scorer = vectors.scorer(modelId, query);
        if (scorer == null) {
            return null;
        }
        String field = field(modelId);
        List<LeafReaderContext> leaves = reader.leaves();
        long[] found = new long[0];
        int size = 0;
        GraphWalk walk = new GraphWalk();
        for (LeafReaderContext leaf : leaves) {
            SegmentGraph segment = segmentGraph(leaf.reader(), field);
            if (segment == null) {
                return null;
            }
            if (segment.entries.length == 0) {
                continue;
            }
            float[] scores = new float[k];
            int[] hits = walk.search(segment.graph(), segment.nodes(scorer), k, segment.live(leaf.reader()), scores);
            found = Arrays.copyOf(found, size + hits.length);
            for (int i = 0; i < hits.length; i++) {
                found[size++] = rankKey(scores[i], segment.entries[hits[i]]);
            }
        }
        Arrays.sort(found, 0, size);
        int[] entries = new int[Math.min(k, size)];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = (int) found[i];
        }
        return entries;
    }

    /**
     * A hit as a long whose ascending order is best first: the score's bits, flipped to order descending, above the
     * catalogue position. Scores are positive (Lucene's MAXIMUM_INNER_PRODUCT scores), so their bits order as
     * they do.
     */
    private static long rankKey(float score, int entry) {
        return (long) (Integer.MAX_VALUE - Float.floatToIntBits(score)) << 32 | entry;
    }

    /** The segment's graph and ordinals for {@code field}; null when its graph cannot be reached. */
    private SegmentGraph segmentGraph(LeafReader reader, String field) throws IOException {
        IndexReader.CacheHelper core = reader.getCoreCacheHelper();
        if (!(reader instanceof CodecReader codec) || core == null) {
            return null;
        }
        Map<String, SegmentGraph> byField = graphs.get(core.getKey());
        if (byField == null) {
            byField = new ConcurrentHashMap<>();
            Map<String, SegmentGraph> raced = graphs.putIfAbsent(core.getKey(), byField);
            if (raced != null) {
                byField = raced;
            } else {
                core.addClosedListener(graphs::remove);
            }
        }
        SegmentGraph segment = byField.get(field);
        if (segment == null) {
            segment = SegmentGraph.of(codec, field);
            if (segment == null) {
                return null;
            }
            byField.put(field, segment);
        }
        return segment;
    }

    /**
     * What a search needs of one segment's field, fixed for the segment's life: its graph's reader, and per graph
     * ordinal the document and the catalogue position.
     */
    private record SegmentGraph(HnswGraphProvider provider, String field, int[] docs, int[] entries) {
        private static final SegmentGraph NONE = new SegmentGraph(null, null, new int[0], new int[0]);

        /** Read from the segment; null when the field's vector reader is not an HNSW graph's. */
        static SegmentGraph of(CodecReader reader, String field) throws IOException {
            FloatVectorValues values = reader.getFloatVectorValues(field);
            if (values == null) {
                return NONE;
            }
            KnnVectorsReader vectors = reader.getVectorReader();
            if (vectors instanceof PerFieldKnnVectorsFormat.FieldsReader perField) {
                vectors = perField.getFieldReader(field);
            }
            if (!(vectors instanceof HnswGraphProvider provider)) {
                return null;
            }
            NumericDocValues positions = reader.getNumericDocValues(ENTRY);
            int[] docs = new int[values.size()];
            int[] entries = new int[docs.length];
            int ord = 0;
            // ordinals number a field's documents in doc order
            for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
                if (positions == null || !positions.advanceExact(doc)) {
                    throw new IllegalStateException("indexed item without its catalogue position");
                }
                docs[ord] = doc;
                entries[ord++] = (int) positions.longValue();
            }
            return new SegmentGraph(provider, field, docs, entries);
        }

        /** A reader of the graph of its own: one reads from a position of its own, so it serves one search. */
        HnswGraph graph() throws IOException {
            return provider.getGraph(field);
        }

        /** The ordinals whose documents are live, or null for all. */
        Bits live(LeafReader reader) {
            Bits liveDocs = reader.getLiveDocs();
            if (liveDocs == null) {
                return null;
            }
            return new Bits() {
                @Override
                public boolean get(int ord) {
                    return liveDocs.get(docs[ord]);
                }

                @Override
                public int length() {
                    return docs.length;
                }
            };
        }

        /** The graph's nodes (ordinals) scored as their items by {@code scorer}. */
        GraphWalk.Nodes nodes(Scorer scorer) {
            int[] positions = entries;
            return new GraphWalk.Nodes() {
                @Override
                public int touch(int ord) {
                    return scorer.touch(positions[ord]);
                }

                @Override
                public float score(int ord) {
                    return VectorUtil.scaleMaxInnerProductScore(scorer.dot(positions[ord]));
                }

                @Override
                public int size() {
                    return positions.length;
                }
            };
        }
    }

    /** The hits' catalogue positions, in the hits' order. Doc values are read in doc order, segment by segment. */
    private static int[] entries(IndexSearcher searcher, ScoreDoc[] hits) throws IOException {
        Integer[] byDoc = new Integer[hits.length];
        Arrays.setAll(byDoc, i -> i);
        Arrays.sort(byDoc, (a, b) -> Integer.compare(hits[a].doc, hits[b].doc));
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        int[] entries = new int[hits.length];
        LeafReaderContext leaf = null;
        NumericDocValues values = null;
        for (int rank : byDoc) {
            int doc = hits[rank].doc;
            if (leaf == null || doc >= leaf.docBase + leaf.reader().maxDoc()) {
                leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                values = leaf.reader().getNumericDocValues(ENTRY);
            }
            if (!values.advanceExact(doc - leaf.docBase)) {
                throw new IllegalStateException("indexed item without its catalogue position");
            }
            entries[rank] = (int) values.longValue();
        }
        return entries;
    }

    /** Index segments searched one after another by every query: what a search costs grows with their number. */
    public int segments() {
        refreshIfDue();
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                return searcher.getIndexReader().leaves().size();
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The index's generation, as of a refresh that is due now: cached search results of an older one are stale. */
    public long generation() {
        refreshIfDue();
        return generation.get();
    }

    /**
     * Opens a new searcher when something changed and the last refresh is old enough. Done by searching threads:
     * a refresh flushes what was buffered, and doing it on demand costs nothing while nobody searches.
     */
    private void refreshIfDue() {
        long now = System.nanoTime();
        if (!changed.get() || now - lastRefresh < refreshNanos) {
            return;
        }
        lastRefresh = now;
        // Cleared before refreshing: a change made while the new searcher opens sets it again.
        changed.set(false);
        try {
            if (!searchers.maybeRefresh()) {
                changed.set(true); // another thread was refreshing, perhaps from before our change
            }
            generation.incrementAndGet();
        } catch (IOException e) {
            changed.set(true);
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            searchers.close();
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
