package ripple.features;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

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

    public TextIndex(RetrievalSettings settings) {
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
