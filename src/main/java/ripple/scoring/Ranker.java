package ripple.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ripple.features.Decay;
import ripple.features.FeatureLayout;
import ripple.features.ItemCatalog;
import ripple.features.RankRows;
import ripple.features.RetrievalSettings;
import ripple.features.RetrievalSettings.Source;
import ripple.features.UserHistory;
import ripple.features.UserState;

/**
 * The two stages for one user at one instant. First, retrieval gathers a bounded set of candidates from several
 * sources (the user's recent items, their co-occurrence neighbours, popular items overall and in the user's
 * categories, text neighbours); then R(u,i) = w_u . f_i ranks only those. Every source is bounded, so the cost of
 * an event does not grow with the catalogue. Some features only exist for a candidate: the sources that proposed
 * it, its co-occurrence with the user's recent items, its text cosine to them.
 */
public final class Ranker {
    /** The user's strongest categories, each with popularity lists of its own. */
    private static final int CATEGORY_LISTS = 3;
    /**
     * Recent items whose text is searched for neighbours and compared with each candidate's. Three exactly:
     * {@link TextDots} makes its pass over them.
     */
    private static final int TEXT_HISTORY = 3;
    /**
     * Text neighbours taken per recent item (cached per item), and hits of the per-user text query: an HNSW search
     * costs about its k, and this one search per event is the part of retrieval that is not cached.
     */
    public static final int TEXT_NEIGHBOURS = 20;
    private static final int TEXT_QUERY_HITS = 40;
    /** Best first; equal scores go to the earlier catalogue item. The one tie rule, here and in the backtest. */
    public static final Comparator<Scored> ORDER = (a, b) -> {
        int byScore = Double.compare(b.score(), a.score());
        return byScore != 0 ? byScore : Integer.compare(a.index(), b.index());
    };

    private static final Source[] SOURCES = Source.values();

    private final ItemCatalog catalog;
    private final Decay decay;
    private final TextQueryCache textQueries;
    /**
     * Per text model, the last search of the prior's text query, shared by every cold user (fewer events than
     * {@link RetrievalSettings#textQueryColdEvents()}); searched again every {@code textQueryRefresh} of the
     * prior's steps.
     */
    private final Map<String, TextQueryCache.Hits> priorHits = new HashMap<>();
    /**
     * Candidate tables, reused from view to view ({@link Candidates#clear}): two per view (its co-occurrence
     * neighbours, its candidates), for each of the last two views. A scoring step makes a view before the event and
     * one after it, and reads the first while it has the second; a view's tables are taken over by the second view
     * made after it, and reading them then fails ({@link View#checkTables}).
     */
    private final Candidates[] tables = new Candidates[4];
    /** Per pair of {@link #tables}, the serial number of the view that holds it. */
    private final long[] tableHolders = new long[2];
    private long views;
    /*
     * Shared by this ranker's views, not allocated per view (two per event): a ranker serves one thread, as its
     * tables do, and these hold nothing from one candidate's scoring to the next.
     */
    /** Zeros as long as a text vector: stands in for a recent item's text the user does not have. */
    private final float[] noText;
    /** The context features of the candidate {@link View#rank} scores. */
    private final float[] scratch;
    /** {@link TextDots}' products for the candidate {@link View#rank} scores. */
    private final float[] dots = TextDots.newOutput();
    /** The {@link ItemCatalog#rankRow} of the candidate {@link View#rank} scores. */
    private final int[] row;
    /** The best candidates of {@link View#topK}, emptied for each. */
    private final TopK topK = new TopK(0);

    /**
     * One ranked item: its catalogue index, its score, what each feature group contributed, and the candidate
     * sources that proposed it ({@link Source} bits; 0 for an item no source proposed).
     */
    public record Scored(String itemId, int index, double score, double text, double influence, double context,
                         boolean hasText, int sources) {
    }

    public Ranker(ItemCatalog catalog, Decay decay) {
        this.catalog = catalog;
        this.decay = decay;
        this.noText = new float[catalog.layout().textDims()];
        this.scratch = new float[catalog.layout().size()];
        this.row = new int[catalog.rankRowLength()];
        RetrievalSettings retrieval = catalog.retrieval();
        this.textQueries = new TextQueryCache(retrieval.textQueryRefresh(), retrieval.textQueryUsers());
    }

    /**
     * The user's view as of {@code now} (event time), with weights {@code w}; the user's own text query is searched
     * afresh, however cold the user.
     */
    public View view(UserState user, float[] w, long now) {
        return view(user, null, w, now);
    }

    /**
     * The user's view as of {@code now} (event time), with weights {@code w} composed over {@code prior}; its text
     * query (the prior's, for a cold user; the user's own without a prior) is searched afresh.
     */
    public View view(UserState user, UserState prior, float[] w, long now) {
        return new View(user, w, now, new HashMap<>(), false, coldQuery(user, prior), null);
    }

    /**
     * The same for a user known by id, whose text query hits are reused from an earlier event while they are fresh
     * ({@link TextQueryCache}); a cold user's are the prior's, shared.
     */
    public View view(String userId, UserState user, UserState prior, float[] w, long now) {
        UserState cold = coldQuery(user, prior);
        return new View(user, w, now, cold != null ? priorHits : textQueries.of(userId), false, cold, null);
    }

    /** The prior, when there is one and the user is cold, so searches with its text query; otherwise null. */
    private UserState coldQuery(UserState user, UserState prior) {
        return prior != null && user.weights().step < catalog.retrieval().textQueryColdEvents() ? prior : null;
    }

    /**
     * The same, taking the hits of the text query from {@code earlier}, a view of the same user moments before
     * (before the event was learned): one learning step barely moves the query, and its HNSW search costs about
     * as much as the rest of retrieval together (at 100k items). The recent items and categories it knows are not
     * looked up again.
     */
    public View view(UserState user, float[] w, long now, View earlier) {
        return new View(user, w, now, earlier.textHits(), true, earlier.queryPrior, earlier);
    }

    /** Candidates, features and scores of one user at one instant. What does not depend on the item is done once. */
    public final class View {
        /** The part of the user's state that ranking reads. */
        private final UserHistory history;
        /** Per text model, the user's last text query search, searched again here unless it is fresh. */
        private final Map<String, TextQueryCache.Hits> textHits;
        /** Whether {@link #textHits} serve whatever the query now is: they were searched moments before. */
        private final boolean reuseHits;
        /** The prior whose text query stands for a cold user's (null: the user's own query). */
        private final UserState queryPrior;
        /** The step of whoever's query is searched: the user's, or the prior's. */
        private final long step;
        private final float[] w;
        private final long now;
        /** {@link ItemCatalog#influenceTick} of {@link #now}, found once rather than per candidate. */
        private final long influenceTick;
        private final FeatureLayout layout = catalog.layout();
        private final RetrievalSettings retrieval = catalog.retrieval();
        private final int ctx = layout.contextOffset();
        /**
         * Co-occurrence score with the user's recent items, for every neighbour of one of them; sized for the
         * neighbours it is given, so that it never grows and rehashes. Sized for as many as any user can have
         * (150 at the defaults), its allocation was 6% of the Taobao replay's thread (91 candidates an event).
         * Built when first asked ({@link #covisit()}): a view of a user whose event's item the catalogue does not
         * know yet (most of the Taobao slice's events) is never asked.
         */
        private Candidates covisit;
        /**
         * Whether the candidates hold every co-occurrence neighbour with its score ({@link #candidates}), so that
         * {@link #covisit} is not built.
         */
        private boolean neighboursInCandidates;
        /** {@link #recentCovisits()}, once found. */
        private ItemCatalog.Covisits[] recentCovisits;
        /**
         * The last entry {@link #sourcesOf} found in no source's list: the event's item is asked about twice before
         * the event (its features, then whether it teaches), and the lists are read once.
         */
        private ItemCatalog.Entry inNoList;
        /**
         * Centred text of the user's most recent items that have text, and one over the norm of each (0 for a zero
         * vector or one the user does not have): a candidate's cosines to them cost one square root, its own.
         */
        private final List<float[]> recentText = new ArrayList<>();
        private final double[] recentInverseNorm = new double[TEXT_HISTORY];
        /**
         * The recent items' catalogue indexes (-1 for one the catalogue does not know, or seen earlier in the list):
         * a candidate's recent rank is found without hashing or touching its id (a cache miss per candidate).
         */
        private final int[] recentIndexes;
        /** The user's recent items' entries, most recent first (null for one the catalogue does not know). */
        private final ItemCatalog.Entry[] recentEntries;
        /** The history's records of the recent items, as they stood (observing an event reorders the list). */
        private final UserHistory.RecentItem[] recentRecords;
        /** The history's records of the categories, as they stood; {@link #categoryKeys} by position. */
        private final UserHistory.CategoryAffinity[] categoryRecords;
        /** Whether the recent source is on: asked per candidate, and a set lookup through a wrapper is not free. */
        private final boolean recentSource = retrieval.uses(Source.RECENT);
        /**
         * The user's categories, most recent first, as the catalogue's own strings (the history's where the
         * catalogue has none): an item's category is found among them by identity, without reading the string.
         */
        private final String[] categoryKeys;
        /**
         * The catalogue's records of {@link #categoryKeys} (null for one it lacks): their ids, which a candidate's
         * row names its category by, and their popularity lists, found without another lookup.
         */
        private final ItemCatalog.Canonical[] categoryRecordsOfCatalog;
        /** {@link #categoryKeys} as the catalogue's ids ({@link ItemCatalog#canonicalId}), -1 for one it lacks. */
        private final int[] categoryIds;
        /** Per user category, its {@link #categoryLeader}; NaN until asked. */
        private final double[] categoryLeaders;
        private final float categoryTotal;
        private final float[] textMean = catalog.textMean();
        /** One over the norm of the user's text profile; 0 while it is zero. */
        private final double profileInverseNorm;
        private Candidates candidates;
        /** This view's serial number, and which pair of the ranker's {@link #tables} it holds. */
        private final long serial = ++views;
        private final int pair = (int) (serial & 1);
        /** Whether {@link #searchTextQuery} ran. */
        private boolean textSearched;
        private int touched;
        /**
         * The context part of R(u,i) by what it depends on, for candidates the user has not touched recently (all but
         * a few dozen): indexed by category position + 1 (0: none of the user's categories), the weighted category
         * features, and the weights of the two category popularity features; indexed by source bits, the weighted
         * source indicators plus the bias. Built at the first such candidate ({@link #contextParts}): writing the
         * context features of each candidate and taking their product with w was a tenth of ranking.
         */
        private double[] categoryContext;
        private double[] categoryPopularityWeight;
        private double[] categoryRecentPopularityWeight;
        private double[] sourcesContext;
        /** The parts of the candidate {@link #rank} scored last. */
        private double lastText;
        private double lastInfluence;
        private double lastContext;
        private boolean lastHasText;

        /**
         * {@code earlier}: a view of the same user moments before, whose catalogue lookups of the recent items and
         * categories still in the history are taken (by identity of their records) rather than made again; or null.
         * Where the history's hints were taken in this catalogue, they stand in for lookups by id; either way, the
         * view writes this catalogue's into the history ({@link UserHistory#hintedCatalogue}), for the next view
         * of the state stored after it.
         */
        private View(UserState user, float[] w, long now, Map<String, TextQueryCache.Hits> textHits,
                     boolean reuseHits, UserState queryPrior, View earlier) {
            tableHolders[pair] = serial;
            this.textHits = textHits;
            this.reuseHits = reuseHits;
            this.queryPrior = queryPrior;
            this.step = (queryPrior != null ? queryPrior : user).weights().step;
            this.history = user.history();
            this.w = w;
            this.now = now;
            this.influenceTick = catalog.influenceTick(now);
            // The history's hints were taken in this catalogue (by an earlier view), or are rewritten here.
            boolean hinted = history.hintedCatalogue == catalog.instance();
            history.hintedCatalogue = catalog.instance();
            recentRecords = history.recentItems.toArray(new UserHistory.RecentItem[0]);
            recentEntries = new ItemCatalog.Entry[recentRecords.length];
            for (int i = 0; i < recentEntries.length; i++) {
                UserHistory.RecentItem record = recentRecords[i];
                ItemCatalog.Entry known = earlier == null ? null : earlier.entryOf(record);
                if (known == null && hinted) {
                    known = catalog.entryOrNull(record.catalogueIndex);
                }
                recentEntries[i] = known != null ? known : catalog.get(record.itemId);
                record.catalogueIndex = recentEntries[i] == null ? -1 : recentEntries[i].index;
            }
            for (ItemCatalog.Entry e : recentEntries) {
                if (recentText.size() >= TEXT_HISTORY) {
                    break;
                }
                if (e != null && catalog.hasText(e)) {
                    float[] t = new float[layout.textDims()];
                    catalog.textFeatures(e, t);
                    recentText.add(t);
                }
            }
            for (int r = 0; r < recentText.size(); r++) {
                recentInverseNorm[r] = inverseNorm(normSq(recentText.get(r)));
            }
            recentIndexes = new int[recentEntries.length];
            for (int i = 0; i < recentIndexes.length; i++) {
                ItemCatalog.Entry e = recentEntries[i];
                recentIndexes[i] = e == null || rankAmongFirst(e.index, i) >= 0 ? -1 : e.index;
            }
            categoryRecords = history.categories.toArray(new UserHistory.CategoryAffinity[0]);
            categoryKeys = new String[categoryRecords.length];
            categoryRecordsOfCatalog = new ItemCatalog.Canonical[categoryRecords.length];
            categoryIds = new int[categoryKeys.length];
            for (int i = 0; i < categoryKeys.length; i++) {
                UserHistory.CategoryAffinity record = categoryRecords[i];
                int known = earlier == null ? -1 : earlier.positionOf(record);
                ItemCatalog.Canonical c;
                if (known >= 0) {
                    c = earlier.categoryRecordsOfCatalog[known];
                } else {
                    c = hinted ? catalog.canonical(record.canonicalId) : null;
                    if (c == null) {
                        c = catalog.canonicalOf(record.category);
                    }
                }
                record.canonicalId = c == null ? -1 : c.id;
                categoryRecordsOfCatalog[i] = c;
                categoryKeys[i] = c == null ? categoryRecords[i].category : c.value;
                categoryIds[i] = c == null ? -1 : c.id;
            }
            categoryLeaders = new double[categoryKeys.length];
            Arrays.fill(categoryLeaders, Double.NaN);
            categoryTotal = history.categoryTotal();
            profileInverseNorm = inverseNorm(normSq(history.textProfile));
        }

        /** The entry this view found for a recent item's record, or null (not among them, or not in the catalogue). */
        private ItemCatalog.Entry entryOf(UserHistory.RecentItem record) {
            for (int i = 0; i < recentRecords.length; i++) {
                if (recentRecords[i] == record) {
                    return recentEntries[i];
                }
            }
            return null;
        }

        /** The position of a category's record among this view's, or -1 when it had no such record. */
        private int positionOf(UserHistory.CategoryAffinity record) {
            for (int i = 0; i < categoryRecords.length; i++) {
                if (categoryRecords[i] == record) {
                    return i;
                }
            }
            return -1;
        }

        /** One of this view's two tables (0: co-occurrence neighbours, 1: candidates), emptied. */
        private Candidates table(int which) {
            checkTables();
            int i = 2 * pair + which;
            Candidates t = tables[i];
            if (t == null) {
                t = new Candidates(catalog, 256);
                tables[i] = t;
            } else {
                t.clear();
            }
            return t;
        }

        /** Fails once a later view has taken over this view's tables: its candidates are gone. */
        private void checkTables() {
            if (tableHolders[pair] != serial) {
                throw new IllegalStateException("a ranker view was read after two later views of the same ranker");
            }
        }

        /**
         * The co-occurrence lists of the user's first {@code scoring.covisit-history} recent items (null for one
         * without), found once per view.
         */
        private ItemCatalog.Covisits[] recentCovisits() {
            if (recentCovisits == null) {
                recentCovisits = new ItemCatalog.Covisits[Math.min(retrieval.covisitHistory(), recentEntries.length)];
                for (int pos = 0; pos < recentCovisits.length; pos++) {
                    recentCovisits[pos] = recentEntries[pos] == null ? null : catalog.covisits(recentEntries[pos], now);
                }
            }
            return recentCovisits;
        }

        /** {@link #covisit}, built now if it was not yet. */
        private Candidates covisit() {
            if (covisit != null) {
                checkTables();
                return covisit;
            }
            covisit = table(0);
            addNeighbours(covisit, 0);
            return covisit;
        }

        /**
         * Normalised co-occurrence, c_ij / sqrt(n_i n_j) as of now's tick ({@link ItemCatalog#covisits}), each
         * recent item's weighted by its recency, summed into a table's scores with {@code bits}.
         */
        private void addNeighbours(Candidates into, int bits) {
            ItemCatalog.Covisits[] lists = recentCovisits();
            for (int pos = 0; pos < lists.length; pos++) {
                if (lists[pos] == null) {
                    continue;
                }
                double weight = 1.0 / (1 + pos);
                ItemCatalog.Entry[] others = lists[pos].entries();
                int[] indexes = lists[pos].indexes();
                double[] scores = lists[pos].scores();
                for (int i = 0; i < others.length; i++) {
                    if (scores[i] > 0) {
                        into.addScore(others[i], indexes[i], weight * scores[i], bits);
                    }
                }
            }
        }

        /**
         * How many neighbours {@link #addNeighbours} adds, counting an item once per list that holds it: at most
         * the number of distinct ones.
         */
        private int neighbourEntries() {
            int n = 0;
            for (ItemCatalog.Covisits c : recentCovisits()) {
                for (int i = 0; c != null && i < c.scores().length; i++) {
                    if (c.scores()[i] > 0) {
                        n++;
                    }
                }
            }
            return n;
        }

        /** The text query hits per model, searched now if they were not yet. */
        private Map<String, TextQueryCache.Hits> textHits() {
            searchTextQuery();
            return textHits;
        }

        /**
         * Per text model, the items nearest the user's text query, searched unless fresh hits are at hand; once per
         * view, at the first need of retrieval or of the hits, so that a later view taking them from this one
         * reuses a search made before the event was learned.
         */
        private void searchTextQuery() {
            if (textSearched) {
                return;
            }
            textSearched = true;
            if (!retrieval.uses(Source.TEXT)) {
                return;
            }
            int c = retrieval.candidates();
            for (String model : layout.textModels()) {
                TextQueryCache.Hits hits = textHits.get(model);
                if (hits == null || !reuseHits && !textQueries.fresh(hits, step)) {
                    float[] query = textQuery(layout.textOffset(model));
                    hits = new TextQueryCache.Hits(step, query == null ? new int[0]
                            : catalog.textIndex().search(model, query, Math.min(c, TEXT_QUERY_HITS), null));
                    textHits.put(model, hits);
                }
            }
        }

        /**
         * The item's source bits: 0 when no source proposes it. Found without gathering every candidate when the
         * item is in none of the sources' lists: at the view before an event, whose item is often not retrieved,
         * that is the only question asked of retrieval unless the event teaches, and gathering every candidate was
         * about an eighth of a scoring step. Where a list holds the item, whether its bounded source takes it
         * depends on the others proposed before it, so every candidate is gathered.
         */
        private int sourcesOf(ItemCatalog.Entry e) {
            if (e == null) {
                return 0;
            }
            if (candidates == null && (e == inNoList || !inAnySourceList(e))) {
                inNoList = e;
                return 0;
            }
            return candidates().sources(e);
        }

        /**
         * Whether any source's list holds the entry: the lists {@link #candidates} takes candidates from, read as it
         * reads them (so what it reads later is in cache), cheapest first. False means no source proposes it.
         */
        private boolean inAnySourceList(ItemCatalog.Entry e) {
            int index = e.index;
            if (retrieval.uses(Source.RECENT) && rankAmongFirst(index, recentIndexes.length) >= 0) {
                return true;
            }
            if (retrieval.uses(Source.TEXT) && inTextSource(index)) {
                return true;
            }
            if (retrieval.uses(Source.POPULAR)
                    && (holds(catalog.popular(true).indexes(), index) || holds(catalog.popular(false).indexes(), index))) {
                return true;
            }
            if (retrieval.uses(Source.COVISIT)) {
                for (ItemCatalog.Covisits c : recentCovisits()) {
                    if (c != null && proposesNeighbour(c, index)) {
                        return true;
                    }
                }
            }
            if (retrieval.uses(Source.CATEGORY)) {
                for (ItemCatalog.Listing list : categoryLists()) {
                    if (holds(list.indexes(), index)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Whether the text source's lists hold the index. */
        private boolean inTextSource(int index) {
            for (int[] list : textLists()) {
                if (holds(list, index)) {
                    return true;
                }
            }
            return false;
        }

        /** The category source's lists: per strongest category of the user, its recent and all-time popularity. */
        private List<ItemCatalog.Listing> categoryLists() {
            List<ItemCatalog.Listing> lists = new ArrayList<>();
            for (int position : strongestCategories()) {
                lists.add(catalog.popular(categoryRecordsOfCatalog[position], true));
                lists.add(catalog.popular(categoryRecordsOfCatalog[position], false));
            }
            return lists;
        }

        /**
         * The text source's lists of catalogue indexes: per text model, the items nearest the user's text query
         * (searched now if they were not yet); then those nearest each of the user's most recent items with text.
         */
        private List<int[]> textLists() {
            searchTextQuery();
            List<int[]> lists = new ArrayList<>();
            for (String model : layout.textModels()) {
                lists.add(textHits.get(model).items());
            }
            int searched = 0;
            for (ItemCatalog.Entry e : recentEntries) {
                if (searched >= TEXT_HISTORY) {
                    break;
                }
                if (e != null && catalog.hasText(e)) {
                    searched++;
                    lists.add(catalog.textNeighbours(e, TEXT_NEIGHBOURS));
                }
            }
            return lists;
        }

        /** Whether this view gathered every candidate ({@link #candidates}) so far. */
        boolean gathered() {
            return candidates != null;
        }

        /** Every candidate with its source bits, in the order first proposed. Computed once per view. */
        public Candidates candidates() {
            if (candidates != null) {
                checkTables();
                return candidates;
            }
            int c = retrieval.candidates();
            // When the source takes every neighbour, their scores are summed straight into the candidates, in the
            // order and to the bits the co-occurrence table would hold them: no table, and no copying scores over.
            neighboursInCandidates = retrieval.uses(Source.COVISIT) && neighbourEntries() <= c;
            Candidates neighbours = neighboursInCandidates ? null : covisit();
            candidates = table(1);
            if (retrieval.uses(Source.RECENT)) {
                for (ItemCatalog.Entry e : recentEntries) {
                    add(e, Source.RECENT);
                }
            }
            if (neighboursInCandidates) {
                addNeighbours(candidates, Source.COVISIT.bit());
            } else if (retrieval.uses(Source.COVISIT)) {
                addCovisits(neighbours, c);
            }
            if (retrieval.uses(Source.POPULAR)) {
                // one bound for both lists: recent first, then all-time within what is left
                int proposed = addAll(catalog.popular(true), c, Source.POPULAR);
                addAll(catalog.popular(false), c - proposed, Source.POPULAR);
            }
            if (retrieval.uses(Source.CATEGORY)) {
                addInterleaved(categoryLists(), c, Source.CATEGORY);
            }
            if (retrieval.uses(Source.TEXT)) {
                addTextNeighbours(c);
            }
            if (!neighboursInCandidates) {
                // every candidate's co-occurrence feature, found once here rather than looked up while ranking
                candidates.takeScores(neighbours);
            }
            return candidates;
        }

        /**
         * The best {@code c} co-occurrence neighbours by score; all of them, in the order first proposed, when they
         * fit. Sorted only to cut: ranking breaks ties by catalogue index, and negatives are drawn by position with
         * a seeded draw, which any fixed order keeps reproducible (sorting them for every view was 2.6% of a step).
         */
        private void addCovisits(Candidates neighbours, int c) {
            if (neighbours.size() <= c) {
                for (int i = 0; i < neighbours.size(); i++) {
                    add(neighbours.entry(i), neighbours.indexAt(i), Source.COVISIT);
                }
                return;
            }
            int[] byScore = neighbours.positionsByScore();
            for (int i = 0; i < Math.min(c, byScore.length); i++) {
                add(neighbours.entry(byScore[i]), neighbours.indexAt(byScore[i]), Source.COVISIT);
            }
        }

        private void add(ItemCatalog.Entry e, Source source) {
            candidates.add(e, source.bit());
        }

        /** The same, given the entry's catalogue index: the entry itself is not read (a cache miss each). */
        private void add(ItemCatalog.Entry e, int index, Source source) {
            candidates.add(e, index, source.bit());
        }

        /**
         * Up to {@code limit} items the source has not proposed yet, in the list's order; returns how many. An
         * item the source already proposed does not count again.
         */
        private int addAll(ItemCatalog.Listing list, int limit, Source source) {
            int proposed = 0;
            for (int i = 0; i < list.size() && proposed < limit; i++) {
                if (proposeOnce(list, i, source)) {
                    proposed++;
                }
            }
            return proposed;
        }

        /**
         * Adds a list's i-th entry with the source's bit unless the source already proposed it; returns whether it
         * did. Probes by the list's index of it: the entry itself is not read (a cache miss each).
         */
        private boolean proposeOnce(ItemCatalog.Listing list, int i, Source source) {
            return candidates.addBit(list.entries()[i], list.indexes()[i], source.bit());
        }

        /**
         * Up to {@code limit} distinct items from several best-first lists, taken rank by rank across the lists
         * (every list's first, then every list's second, ...): a source with many lists (two per category) keeps
         * the head of each within its bound, rather than the whole of the first few.
         */
        private void addInterleaved(List<ItemCatalog.Listing> lists, int limit, Source source) {
            int proposed = 0;
            for (int rank = 0; proposed < limit; rank++) {
                boolean any = false;
                for (int l = 0; l < lists.size() && proposed < limit; l++) {
                    ItemCatalog.Listing list = lists.get(l);
                    if (rank >= list.size()) {
                        continue;
                    }
                    any = true;
                    if (proposeOnce(list, rank, source)) {
                        proposed++;
                    }
                }
                if (!any) {
                    return;
                }
            }
        }

        /** Per text model: the items nearest the user's text query, and those nearest the user's recent items. */
        private void addTextNeighbours(int c) {
            for (int[] list : textLists()) {
                // by index alone: the candidates' entries are looked up only where read (Candidates#entry)
                for (int idx : list) {
                    add(null, idx, Source.TEXT);
                }
            }
        }

        /**
         * The vector whose inner product with an item's text (of the model at {@code offset}) approximates the
         * item's text part plus its text-affinity part: the user's text weights, plus the affinity weight times
         * the user's unit-length text profile. For a cold user, the prior's text weights alone: what the user's
         * few items add reaches the candidates through their text neighbours. Null when it is zero: no text
         * preference to search by.
         */
        private float[] textQuery(int offset) {
            int dims = layout.dimsPerModel();
            if (queryPrior != null) {
                float[] w0 = queryPrior.weights().weights;
                float[] q = Arrays.copyOfRange(w0, offset, offset + dims);
                for (float x : q) {
                    if (x != 0f) {
                        return q;
                    }
                }
                return null;
            }
            double profileNorm = 0;
            for (float p : history.textProfile) {
                profileNorm += p * p;
            }
            double affinityWeight = w[ctx + FeatureLayout.CTX_TEXT_AFFINITY];
            double profileScale = profileNorm == 0 ? 0 : affinityWeight / Math.sqrt(profileNorm);
            float[] q = new float[dims];
            boolean any = false;
            for (int i = 0; i < dims; i++) {
                q[i] = (float) (w[offset + i] + profileScale * history.textProfile[offset + i]);
                any |= q[i] != 0f;
            }
            return any ? q : null;
        }

        /**
         * The positions of the user's {@link #CATEGORY_LISTS} most recent categories (the list is kept most recent
         * first), then of up to as many of the rest with the largest decayed counts.
         */
        private List<Integer> strongestCategories() {
            List<UserHistory.CategoryAffinity> all = Arrays.asList(categoryRecords);
            int recent = Math.min(CATEGORY_LISTS, all.size());
            List<Integer> out = new ArrayList<>(2 * CATEGORY_LISTS);
            for (int i = 0; i < recent; i++) {
                out.add(i);
            }
            // the strongest of the rest by selection, equal scores in list order (a stream's stable sort did the
            // same, and was a source of JIT deoptimisations in the replay)
            boolean[] taken = new boolean[all.size()];
            for (int pick = 0; pick < CATEGORY_LISTS; pick++) {
                int best = -1;
                for (int i = recent; i < all.size(); i++) {
                    if (!taken[i] && (best < 0 || Double.compare(all.get(i).score, all.get(best).score) > 0)) {
                        best = i;
                    }
                }
                if (best < 0) {
                    break;
                }
                taken[best] = true;
                out.add(best);
            }
            return out;
        }

        /**
         * Fills f_i for an item, whether or not it is a candidate (its source bits are then 0); returns whether
         * it had text features. {@code fallbackCategory} is used when the catalogue knows no category for it.
         */
        public boolean features(String itemId, String fallbackCategory, float[] out) {
            ItemCatalog.Entry e = catalog.get(itemId);
            if (e == null) {
                // no source can have proposed an item the catalogue does not know: no retrieval for it (most
                // events of a catalogue that grows as it is browsed); the text query is searched as retrieval would
                searchTextQuery();
                return features(null, itemId, fallbackCategory, out);
            }
            return features(e, itemId, fallbackCategory, out);
        }

        /**
         * f_i of an entry (null: an item the catalogue does not know). Its sources are found first: where that
         * leaves the candidates ungathered, no list holds the item, so it has no co-occurrence score either.
         */
        private boolean features(ItemCatalog.Entry e, String itemId, String fallbackCategory, float[] out) {
            int sources = sourcesOf(e);
            double covisitScore = e == null || !gathered() ? 0
                    : neighboursInCandidates ? candidates().score(e) : covisit().score(e);
            boolean hasText = false;
            String category = fallbackCategory;
            if (e != null) {
                hasText = catalog.textFeatures(e, out);
                catalog.influenceFeatures(e, now, out, row);
                String known = catalog.category(e);
                if (known != null) {
                    category = known;
                }
            } else {
                Arrays.fill(out, 0, ctx, 0f);
            }
            float nearest = 0f;
            if (hasText) {
                for (float[] t : recentText) {
                    nearest = Math.max(nearest, UserHistory.cosine(t, out));
                }
            }
            // The fallback category comes from the event, not the catalogue: found by value. An item the catalogue
            // does not know co-occurs with nothing, and the neighbours of the recent items are not gathered for it.
            int categoryRank = history.categoryRank(category);
            float categoryPopularity = e == null || categoryRank < 0 ? 0f
                    : catalog.categoryPopularity(e, leaderOf(e, categoryRank));
            contextFeatures(history.recentRank(itemId), categoryRank, e == null ? 0f : catalog.allTimePopularity(e),
                    categoryPopularity, sources, covisitScore, hasText,
                    hasText ? history.textAffinity(out) : 0f, nearest, out);
            return hasText;
        }

        /**
         * The context group, given the item's all-time popularity, its popularity within its category (counted
         * only when that is one of the user's: {@code categoryRank} >= 0) and what the text pass found (the cosines
         * to the profile and the recent items).
         */
        private void contextFeatures(int recentRank, int categoryRank, float popularity, float categoryPopularity,
                                     int sources, double covisitScore, boolean hasText, float affinity, float nearest,
                                     float[] out) {
            history.historyFeatures(recentRank, categoryRank, categoryTotal, now, decay, out, ctx);
            out[ctx + FeatureLayout.CTX_CATEGORY_POPULARITY] = out[ctx + FeatureLayout.CTX_CATEGORY_AFFINITY] * popularity;
            float categoryRecentRank = out[ctx + FeatureLayout.CTX_CATEGORY_RECENT_RANK];
            out[ctx + FeatureLayout.CTX_CATEGORY_RECENT_POPULARITY] = categoryRecentRank == 0f ? 0f
                    : categoryRecentRank * categoryPopularity;
            out[ctx + FeatureLayout.CTX_TEXT_AFFINITY] = hasText ? affinity : 0f;
            out[ctx + FeatureLayout.CTX_TEXT_RECENT] = nearest;
            out[ctx + FeatureLayout.CTX_COVISIT] = (float) covisitScore;
            for (Source s : SOURCES) {
                out[ctx + FeatureLayout.CTX_SOURCES + s.ordinal()] = s.in(sources) ? 1f : 0f;
            }
            out[ctx + FeatureLayout.CTX_BIAS] = 1f;
        }

        /**
         * {@link ItemCatalog#categoryLeader} of the entry's category (0 without one). When that is the user's
         * category at {@code position} (as for every candidate ranked), it is found once per view: every candidate
         * of the category is measured against it, and the catalogue does not change within a ranking.
         */
        private double leaderOf(ItemCatalog.Entry e, int position) {
            String category = catalog.category(e);
            if (category == null) {
                return 0;
            }
            if (position < 0 || categoryKeys[position] != category) {
                return catalog.categoryLeader(category);
            }
            return leaderAt(position);
        }

        /** {@link ItemCatalog#categoryLeader} of the user's category at {@code position}, found once per view. */
        private double leaderAt(int position) {
            double leader = categoryLeaders[position];
            if (Double.isNaN(leader)) {
                leader = catalog.categoryLeader(categoryRecordsOfCatalog[position]);
                categoryLeaders[position] = leader;
            }
            return leader;
        }

        /** The place of a category ({@link ItemCatalog#canonicalId}, -1 for none) among the user's, or -1. */
        private int categoryRank(int category) {
            for (int i = 0; category >= 0 && i < categoryIds.length; i++) {
                if (categoryIds[i] == category) {
                    return i;
                }
            }
            return -1;
        }

        /** Whether the entry is among the user's recent items: those {@link #topK} skips under exclude-seen. */
        public boolean isRecent(ItemCatalog.Entry e) {
            return rankAmongFirst(e.index, recentIndexes.length) >= 0;
        }

        /** {@link #isRecent} of the candidate at a catalogue index, given its sources. */
        private boolean isRecent(int index, int sources) {
            return recentRank(index, sources) >= 0;
        }

        /**
         * A candidate's place among the user's recent items, or -1. When the recent source is on, every recent item
         * the catalogue knows carries its bit, so the others need no search.
         */
        private int recentRank(int index, int sources) {
            return recentSource && !Source.RECENT.in(sources) ? -1
                    : rankAmongFirst(index, recentIndexes.length);
        }

        private int rankAmongFirst(int index, int n) {
            for (int i = 0; i < n; i++) {
                if (recentIndexes[i] == index) {
                    return i;
                }
            }
            return -1;
        }

        private float[] recentTextOrZero(int r) {
            return r < recentText.size() ? recentText.get(r) : noText;
        }

        /** R(u,i) of an item as things stand, with its per-group parts. */
        public Scored score(String itemId, String fallbackCategory) {
            float[] f = new float[layout.size()];
            boolean hasText = features(itemId, fallbackCategory, f);
            ItemCatalog.Entry e = catalog.get(itemId);
            return scored(itemId, e == null ? -1 : e.index, f, hasText, sourcesOf(e));
        }

        private Scored scored(String itemId, int index, float[] f, boolean hasText, int sources) {
            double text = partial(w, f, 0, layout.textDims());
            double influence = partial(w, f, layout.influenceOffset(), ctx);
            double context = partial(w, f, ctx, layout.size());
            return new Scored(itemId, index, text + influence + context, text, influence, context, hasText, sources);
        }

        /** Whether a source proposed the item. */
        public boolean proposed(String itemId) {
            return proposed(catalog.get(itemId));
        }

        /** Whether a source proposed the entry (false for null). */
        public boolean proposed(ItemCatalog.Entry e) {
            return sourcesOf(e) != 0;
        }

        /** Every candidate, scored, best first ({@link #ORDER}). */
        public List<Scored> rankCandidates() {
            Candidates all = candidates();
            touch(all);
            List<Scored> out = new ArrayList<>(all.size());
            for (int i = 0; i < all.size(); i++) {
                out.add(scoreCandidate(all, i));
            }
            out.sort(ORDER);
            return out;
        }

        /**
         * Reads a little of every candidate's row before any is scored. Scoring is bound by cache misses (each
         * candidate's row lies somewhere in a catalogue of many MB), and in a loop that does nothing else the CPU has
         * many misses in flight at once; the scoring loop then finds the lines in cache. Reading each row again a
         * few places ahead of the one being scored helped (0.94 of a step's time) while this pass read each row's
         * length before its other lines; since it reads them all at once it does not (two builds in one JVM, the
         * build without it set up second: 0.947 of the time, where one build against itself read 0.961).
         */
        private void touch(Candidates all) {
            int sum = 0;
            for (int i = 0; i < all.size(); i++) {
                sum += catalog.touchRow(all.indexAt(i));
            }
            touched = sum; // kept, so the JIT cannot drop the reads
        }

        /**
         * R(u,i) of the candidate at a position by parts, equal to w . f with f from {@link #features}, without
         * building f's text part: the text score, the centring, the cosine to the profile and to the recent items
         * all come from one pass over the item's projected text. This is the per-candidate cost of an event.
         */
        Scored scoreCandidate(Candidates all, int i) {
            double score = rank(all, i);
            ItemCatalog.Entry e = all.entry(i);
            return new Scored(e.itemId, e.index, score, lastText, lastInfluence, lastContext, lastHasText,
                    all.sourcesAt(i));
        }

        /**
         * {@link #scoreCandidate}'s score of the candidate at {@code position}, leaving its parts in the last*
         * fields: no object per candidate. Reads the item's {@link ItemCatalog#rankRow}; the entry only for a text
         * topic, when text topics are on.
         */
        private double rank(Candidates all, int position) {
            int index = all.indexAt(position);
            int sources = all.sourcesAt(position);
            double covisitScore = all.scoreAt(position);
            int[] r = row;
            catalog.rankRow(index, influenceTick, r);
            float[] f = scratch;
            boolean hasText = catalog.hasText(r);
            double text = 0;
            float affinity = 0f;
            float nearest = 0f;
            if (hasText) {
                int dims = layout.dimsPerModel();
                TextDots.compute(r, RankRows.TEXT, dims, RankRows.textScale(r), RankRows.textSlot(r) * dims, textMean,
                        w, history.textProfile, recentTextOrZero(0), recentTextOrZero(1), recentTextOrZero(2), dots);
                text = dots[TextDots.W];
                // cosines as products with one over each norm: one square root per candidate instead of four
                double inverse = inverseNorm(dots[TextDots.NORM_SQ]);
                affinity = (float) (dots[TextDots.PROFILE] * profileInverseNorm * inverse);
                double best = 0;
                for (int k = 0; k < TEXT_HISTORY; k++) {
                    best = Math.max(best, dots[TextDots.RECENT0 + k] * recentInverseNorm[k]);
                }
                nearest = (float) (best * inverse);
            }
            boolean influenced = RankRows.hasInfluence(r);
            float popularity = catalog.allTimePopularity(r);
            double influence = influenced ? RankRows.influenceDot(r, popularity, w, layout.influenceOffset()) : 0;
            int categoryRank = categoryRank(catalog.categoryId(r, index));
            float categoryPopularity = categoryRank < 0 ? 0f
                    : ItemCatalog.categoryPopularity(influenced, RankRows.logTotal(r), leaderAt(categoryRank));
            int recentRank = recentRank(index, sources);
            double context;
            if (recentRank < 0) {
                contextParts();
                int c = categoryRank + 1;
                context = categoryContext[c] + categoryPopularityWeight[c] * popularity
                        + categoryRecentPopularityWeight[c] * categoryPopularity
                        + w[ctx + FeatureLayout.CTX_TEXT_AFFINITY] * affinity
                        + w[ctx + FeatureLayout.CTX_TEXT_RECENT] * nearest
                        + w[ctx + FeatureLayout.CTX_COVISIT] * (double) (float) covisitScore
                        + sourcesContext[sources];
            } else {
                contextFeatures(recentRank, categoryRank, popularity, categoryPopularity, sources,
                        covisitScore, hasText, affinity, nearest, f);
                context = dot(w, ctx, f, ctx, FeatureLayout.CONTEXT);
            }
            lastText = text;
            lastInfluence = influence;
            lastContext = context;
            lastHasText = hasText;
            return text + influence + context;
        }

        /**
         * Builds {@link #categoryContext} and the other parts once per view. The category features come from the
         * history as {@link #features} finds them, so both paths score alike (to float rounding).
         */
        private void contextParts() {
            if (sourcesContext != null) {
                return;
            }
            float[] f = scratch; // rank fills what it reads of it afresh for each candidate
            int n = categoryKeys.length + 1;
            categoryContext = new double[n];
            categoryPopularityWeight = new double[n];
            categoryRecentPopularityWeight = new double[n];
            for (int c = 0; c < categoryKeys.length; c++) {
                history.historyFeatures(-1, c, categoryTotal, now, decay, f, ctx);
                float affinity = f[ctx + FeatureLayout.CTX_CATEGORY_AFFINITY];
                float recentRank = f[ctx + FeatureLayout.CTX_CATEGORY_RECENT_RANK];
                categoryContext[c + 1] = w[ctx + FeatureLayout.CTX_CATEGORY_AFFINITY] * (double) affinity
                        + w[ctx + FeatureLayout.CTX_CATEGORY_DWELL] * (double) f[ctx + FeatureLayout.CTX_CATEGORY_DWELL]
                        + w[ctx + FeatureLayout.CTX_CATEGORY_RECENT_RANK] * (double) recentRank;
                categoryPopularityWeight[c + 1] = w[ctx + FeatureLayout.CTX_CATEGORY_POPULARITY] * (double) affinity;
                categoryRecentPopularityWeight[c + 1] =
                        w[ctx + FeatureLayout.CTX_CATEGORY_RECENT_POPULARITY] * (double) recentRank;
            }
            sourcesContext = new double[1 << Source.COUNT];
            for (int bits = 0; bits < sourcesContext.length; bits++) {
                double sum = w[ctx + FeatureLayout.CTX_BIAS];
                for (Source source : SOURCES) {
                    if (source.in(bits)) {
                        sum += w[ctx + FeatureLayout.CTX_SOURCES + source.ordinal()];
                    }
                }
                sourcesContext[bits] = sum;
            }
        }

        /**
         * The best k candidates, best first; items the user touched recently are skipped (and not scored) when
         * excludeSeen. A bounded heap rather than a sort of every candidate: {@link #ORDER} is total (ties go to
         * the catalogue index), so this is the head of {@link #rankCandidates()} without the skipped items. The
         * heap holds scores and parts in arrays, and only the k kept become {@link Scored}: a heap of objects
         * under a reversed comparator was 7% of a scoring thread (bench e2e, JFR).
         */
        public List<Scored> topK(int k, boolean excludeSeen) {
            if (k <= 0) {
                return List.of();
            }
            Candidates all = candidates();
            touch(all);
            TopK best = topK;
            best.reset(Math.min(k, all.size()));
            for (int i = 0; i < all.size(); i++) {
                int index = all.indexAt(i);
                int sources = all.sourcesAt(i);
                if (excludeSeen && isRecent(index, sources)) {
                    continue;
                }
                double score = rank(all, i);
                if (best.admits(score, index)) {
                    best.put(i, score, index, lastText, lastInfluence, lastContext, lastHasText);
                }
            }
            return best.ranked(all);
        }

        /** Features of the examples a training step sees, with each candidate's sources. */
        public float[] candidateFeatures(ItemCatalog.Entry e) {
            float[] f = new float[layout.size()];
            features(e, e.itemId, null, f);
            return f;
        }
    }

    /** Whether {@link View#addNeighbours} takes the index from these co-occurrence scores. */
    private static boolean proposesNeighbour(ItemCatalog.Covisits c, int index) {
        int[] indexes = c.indexes();
        double[] scores = c.scores();
        for (int i = 0; i < indexes.length; i++) {
            if (indexes[i] == index && scores[i] > 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean holds(int[] indexes, int index) {
        for (int x : indexes) {
            if (x == index) {
                return true;
            }
        }
        return false;
    }

    /** 1 / sqrt(normSq), or 0 for a zero vector: a cosine with it is then 0. */
    private static double inverseNorm(double normSq) {
        return normSq > 0 ? 1 / Math.sqrt(normSq) : 0;
    }

    private static double normSq(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        return s;
    }

    private static double partial(float[] w, float[] f, int from, int to) {
        return dot(w, from, f, from, to - from);
    }

    /**
     * w[wFrom..] . f[fFrom..] over n slots, in double. Four independent sums, so that each addition need not wait
     * for the one before (called twice per candidate).
     */
    private static double dot(float[] w, int wFrom, float[] f, int fFrom, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += w[wFrom + i] * f[fFrom + i];
            s1 += w[wFrom + i + 1] * f[fFrom + i + 1];
            s2 += w[wFrom + i + 2] * f[fFrom + i + 2];
            s3 += w[wFrom + i + 3] * f[fFrom + i + 3];
        }
        for (; i < n; i++) {
            s0 += w[wFrom + i] * f[fFrom + i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
