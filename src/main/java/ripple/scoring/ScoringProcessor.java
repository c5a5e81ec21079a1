package ripple.scoring;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.avro.BehaviorEvent;
import ripple.avro.Recommendations;
import ripple.avro.RecommendedItem;
import ripple.avro.ScoreUpdate;
import ripple.avro.WeightUpdate;
import ripple.events.DeadLetters;
import ripple.metrics.Rejection;
import ripple.features.CoVisit;
import ripple.features.Decay;
import ripple.features.FeatureLayout;
import ripple.features.ItemCatalog;
import ripple.features.ItemSignal;
import ripple.features.UserState;
import ripple.features.UserWeights;
import ripple.metrics.RippleMetrics;
import ripple.serde.FloatList;

/**
 * The per-user step: retrieve the user's candidates and score the event's item among them, learn from the event
 * against negatives drawn mostly from those candidates (test, then train: "train on what is served"), fold the
 * event into the user's feature state, and emit the score before and after, the fresh top-K, the weight update,
 * and the item's co-visits with the user's recent items (keyed by item, for the co-occurrence aggregator).
 * An event that fails here goes to dead-letters; the stream goes on.
 */
public final class ScoringProcessor extends ContextualProcessor<String, BehaviorEvent, String, Object> {
    public static final String USER_STORE = "user-state";
    public static final String PRIOR_STORE = "global-prior";
    /** Users whose top-K recomputation was coalesced, with the event that asked for it. */
    public static final String PENDING_STORE = "pending-recommendations";
    /** The prior's key in {@link #PRIOR_STORE}; every task keeps its own prior, under this one key. */
    static final String PRIOR_KEY = "w0";
    private static final Logger log = LoggerFactory.getLogger(ScoringProcessor.class);

    private final ScoringSettings settings;
    private final ItemCatalog catalog;
    private final Serializer<BehaviorEvent> eventSerializer;
    private final FeatureLayout layout;
    private final Decay decay;
    private final Ranker ranker;
    private final OnlineLearner learner;
    private final OnlineLearner priorLearner;
    private final UserModels models;
    private final RippleMetrics metrics;
    private final ScoringObserver observer;
    /** Whether the top-K is ranked and published after each event ({@link ScoringTopology.Wiring#recommends}). */
    private final boolean recommends;
    private final ServedScope served;
    private KeyValueStore<String, byte[]> users;
    private KeyValueStore<String, byte[]> priors;
    private KeyValueStore<String, String> pending;
    /** Every task's prior as last shared, or null: this task then ranks with its own prior alone. */
    private final TaskPriors shared;
    /**
     * This task's own prior and the sum of every task's, which users are ranked with; null without {@link #shared}.
     * Keyed by the task's partition (the scoring steps are one sub-topology, one task per partition).
     */
    private TaskPriors.Ranked ranked;
    /** This task's own prior, learned from its users' events, read once: only this processor writes it. */
    private UserState ownPrior;
    /** The prior users are ranked with: {@link #ownPrior}, plus the other tasks' when they share. */
    private UserState prior;
    /** Whether {@link #ownPrior} learned since it was last written to its store. */
    private boolean priorUnwritten;

    public ScoringProcessor(ScoringSettings settings, ItemCatalog catalog, Serializer<BehaviorEvent> eventSerializer) {
        this(settings, catalog, eventSerializer, RippleMetrics.noop());
    }

    public ScoringProcessor(ScoringSettings settings, ItemCatalog catalog, Serializer<BehaviorEvent> eventSerializer,
                            RippleMetrics metrics) {
        this(settings, catalog, eventSerializer, metrics, ScoringObserver.NONE);
    }

    public ScoringProcessor(ScoringSettings settings, ItemCatalog catalog, Serializer<BehaviorEvent> eventSerializer,
                            RippleMetrics metrics, ScoringObserver observer) {
        this(settings, catalog, eventSerializer, metrics, observer, true);
    }

    public ScoringProcessor(ScoringSettings settings, ItemCatalog catalog, Serializer<BehaviorEvent> eventSerializer,
                            RippleMetrics metrics, ScoringObserver observer, boolean recommends) {
        this(settings, catalog, eventSerializer, metrics, observer, recommends, null);
    }

    /**
     * @param shared every task's prior as last shared ({@link TaskPriors}), to rank with all tasks' priors and to
     *               share this one's in; null: this task ranks with its own prior alone
     */
    public ScoringProcessor(ScoringSettings settings, ItemCatalog catalog, Serializer<BehaviorEvent> eventSerializer,
                            RippleMetrics metrics, ScoringObserver observer, boolean recommends, TaskPriors shared) {
        this.shared = shared;
        this.observer = observer;
        this.recommends = recommends;
        this.metrics = metrics;
        this.settings = settings;
        this.catalog = catalog;
        this.eventSerializer = eventSerializer;
        this.layout = catalog.layout();
        this.decay = settings.decay();
        this.ranker = new Ranker(catalog, decay);
        this.models = new UserModels(catalog);
        boolean[] ablated = layout.mask(settings.ablate());
        this.learner = new OnlineLearner(settings.optimizer(), settings.learningRate(), settings.l2(), ablated);
        this.priorLearner = new OnlineLearner(settings.optimizer(), settings.priorRate(), settings.l2(), ablated);
        this.served = new ServedScope(settings.excludeSeen());
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        super.init(context);
        users = context.getStateStore(USER_STORE);
        priors = context.getStateStore(PRIOR_STORE);
        pending = context.getStateStore(PENDING_STORE);
        if (!settings.coalesceInterval().isZero()) {
            context.schedule(settings.coalesceInterval(), PunctuationType.WALL_CLOCK_TIME, this::publishPending);
        }
        ownPrior = models.prior(priors.get(PRIOR_KEY));
        if (!settings.checkpointsPriorEveryEvent()) {
            context.schedule(settings.priorCheckpointInterval(), PunctuationType.WALL_CLOCK_TIME,
                    t -> checkpointPrior());
        }
        if (shared == null) {
            prior = ownPrior;
        } else {
            ranked = shared.ranked(context.taskId().partition(), ownPrior, layout.textDims());
            prior = ranked.sum();
            sharePrior();
            context.schedule(settings.priorShareInterval(), PunctuationType.WALL_CLOCK_TIME, this::publishPrior);
        }
    }

    /**
     * Shares this task's own prior with the other tasks of this instance ({@link #shared}). A replay, whose clock
     * never moves, calls it after every event; a live task on a schedule ({@link #publishPrior}).
     */
    public void sharePrior() {
        if (ranked != null) {
            ranked.share();
        }
    }

    /**
     * Shares this task's own prior, and forwards it (keyed by this task) to the prior topic, whose global store
     * brings it to every instance's tasks.
     */
    private void publishPrior(long wallClock) {
        sharePrior();
        context().forward(new Record<>(ranked.task(), (Object) new PriorShare(ownPrior.encode()), wallClock));
    }

    /**
     * Writes this task's prior to its store if it learned since the last write. The store is not cached, so its
     * changelog record goes out with the task's other output: cached, each task's cache flush at commit sent it
     * after the previous task's producer flush had waited for its acks, under exactly-once one more produce round
     * trip per task and commit (bench e2e). A replay, whose clock never moves, writes it after every event
     * instead (Replay sets the interval to 0ms).
     */
    private void checkpointPrior() {
        if (priorUnwritten) {
            priors.put(PRIOR_KEY, ownPrior.encode());
            priorUnwritten = false;
        }
    }

    /** Brings {@link #prior} up to date with this task's own and the other tasks' last shares, when they share. */
    private void refreshPrior() {
        if (ranked != null) {
            ranked.refresh(layout.textDims(), catalog.textFingerprint());
        }
    }

    @Override
    public void process(Record<String, BehaviorEvent> record) {
        try {
            score(record);
        } catch (RuntimeException e) {
            BehaviorEvent ev = record.value();
            log.error("event {} of user {} failed in scoring; sent to dead-letters", ev.getEventId(), record.key(), e);
            // still counted in the item's influence, as every valid event is: the item signal is score's last output
            context().forward(record.withKey(ev.getItemId()).withValue(ItemSignal.of(ev)));
            metrics.deadLetter(RippleMetrics.Stage.SCORING, Rejection.PROCESSING_ERROR);
            context().forward(record.withKey((String) null).withValue(DeadLetters.of(Rejection.PROCESSING_ERROR,
                    e.toString(), e, context().recordMetadata().orElse(null),
                    record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    eventSerializer.serialize(context().recordMetadata().map(m -> m.topic()).orElse(""), ev),
                    context().currentSystemTimeMs())));
        }
    }

    /**
     * One event: the user's view before it (the test of test-then-train), learning, the view after it and the
     * top-K, then the outputs. Learning, the top-K and the weight update are methods of their own, not only for
     * reading: the Taobao replay's JIT compiled this as one unit of about 100 KB of machine code, three times per
     * run (0.57-0.88 s each on a 2-core machine), as data new to the profile (the first users past the cold
     * threshold) invalidated any part of it.
     */
    private void score(Record<String, BehaviorEvent> record) {
        BehaviorEvent ev = record.value();
        String userId = record.key();
        String itemId = ev.getItemId();
        long now = ev.getTimestamp().toEpochMilli();
        String category = ev.getContext().get("category");

        refreshPrior();
        UserModels.Model model = models.load(userId, users.get(userId), prior);
        UserState user = model.user();
        float[] w = model.weights();
        Ranker.View view = ranker.view(userId, user, prior, w, now);
        observer.beforeLearning(userId, ev, view);
        float[] positive = new float[layout.size()];
        boolean hasText = view.features(itemId, category, positive);
        double before = OnlineLearner.dot(w, positive);

        float strength = (float) settings.strength(ev.getScenario(), ev.getType());
        Learning learning = learn(view, user, w, itemId, positive, strength, ev.getEventId());
        user.weights().step++;
        float[] old = w;
        w = model.recomposed().weights();
        double deltaNorm = distance(old, w);

        List<String> pairedWith = user.history().recent(itemId) == null ? covisitPartners(user) : List.of();
        Float dwell = ev.getDwellMs() == null ? null : ev.getDwellMs().floatValue();
        user.history().observe(itemId, categoryOf(itemId, category), ev.getType(), now, dwell, strength,
                hasText ? positive : null, decay, settings.maxRecentItems(), settings.maxCategories());
        Ranker.View afterView = ranker.view(user, w, now, view);
        observer.afterLearning(userId, ev, afterView);
        float[] after = new float[layout.size()];
        afterView.features(itemId, category, after);
        double scoreAfter = OnlineLearner.dot(w, after);
        TopKUpdate top = recommend(userId, user, afterView, now, ev.getEventId());

        users.put(userId, user.encode());
        if (settings.checkpointsPriorEveryEvent()) {
            // written through (the store is not cached): its record leaves with the event's other output
            priors.put(PRIOR_KEY, ownPrior.encode());
            priorUnwritten = false;
        }

        String version = catalog.modelVersion();
        Instant eventTime = ev.getTimestamp();
        // Outputs are built with their constructors: each builder setter checks its value against the schema, and
        // those checks were most of this method's compiled code. Every field is set, none is null.
        context().forward(record.withValue(new ScoreUpdate(userId, itemId, ev.getEventId(), ev.getType(), before,
                scoreAfter, hasText, version, eventTime)));
        if (top.items != null) {
            context().forward(record.withValue(recommendations(userId, ev.getEventId(), eventTime, top.items)));
        }
        if (learning.taught || !settings.weightUpdatesWhenLearnedOnly()) {
            forwardWeights(record, ev, user, w, learning.loss, deltaNorm, top.churn, version);
        }
        // Both directions, so each item's neighbours include the other: one co-visit keyed by each recent item,
        // and the item's own with the event, in one signal keyed by the item, sent last (see process).
        List<CoVisit> coVisits = new ArrayList<>(pairedWith.size());
        for (String other : pairedWith) {
            context().forward(record.withKey(other).withValue(ItemSignal.of(new CoVisit(itemId, now))));
            coVisits.add(new CoVisit(other, now));
        }
        context().forward(record.withKey(itemId).withValue(new ItemSignal(ev, coVisits)));
        // counted last: an event whose outputs fail goes to dead-letters instead
        metrics.eventProcessed(ev.getType());
        metrics.learningLoss(learning.loss);
    }

    /** What learning from one event did: its loss (0 when it did not try), and whether the weights moved. */
    private record Learning(double loss, boolean taught) {
        static final Learning NONE = new Learning(0, false);
    }

    /**
     * Learns from the event, the user's weights and the prior's (a non-finite gradient or loss moves neither).
     * Only about items the catalogue knew: an item nobody touched before has no influence and no sources, and
     * learning from it would teach that "unknown is good". By default, only about items a source retrieved: the
     * ranker orders candidates, and items it never saw would pull it towards telling popular items from random
     * ones (measured on the Taobao slice: ndcg@10 0.0179 with them, 0.0182 without). Under exclude-seen, not about
     * the user's recent items either: they are never served (ServedScope).
     */
    private Learning learn(Ranker.View view, UserState user, float[] w, String itemId, float[] positive,
                           float strength, String eventId) {
        ItemCatalog.Entry known = catalog.get(itemId);
        boolean teaches = known != null && (settings.learnUnretrieved() || view.proposed(known))
                && served.serves(view, known);
        if (!teaches || strength <= 0) {
            return Learning.NONE;
        }
        double[] grad = new double[w.length];
        float[][] examples = examples(view, known, positive, eventId);
        double loss = OnlineLearner.gradient(settings.loss(), w, examples, strength, grad);
        if (!allFinite(grad, loss)) {
            return new Learning(loss, false);
        }
        UserWeights learned = user.weights();
        learner.apply(learned.weights, learned.moment1, learned.moment2, learned.step, grad, settings.userShrink());
        UserWeights priorLearned = ownPrior.weights();
        priorLearner.apply(priorLearned.weights, priorLearned.moment1, priorLearned.moment2,
                ranked == null ? null : ranked.othersMoment2(), priorLearned.step, grad, 0);
        priorLearned.step++;
        priorUnwritten = true;
        refreshPrior();
        return new Learning(loss, true);
    }

    /** The top-K the event publishes (null while coalesced, or when this scorer ranks none) and its churn. */
    private record TopKUpdate(List<Ranker.Scored> items, double churn) {
        static final TopKUpdate NONE = new TopKUpdate(null, 0);
    }

    /**
     * Ranks the user's top-K after the event, unless coalescing holds it back: within the interval the user's list
     * is left as it is and marked pending, and the punctuator publishes it once the interval has passed.
     */
    private TopKUpdate recommend(String userId, UserState user, Ranker.View afterView, long now, String eventId) {
        if (!recommends) {
            return TopKUpdate.NONE;
        }
        long interval = settings.coalesceInterval().toMillis();
        if (interval != 0 && !user.lastTopK().ids.isEmpty() && now - user.lastTopK().time < interval) {
            pending.put(userId, eventId);
            return TopKUpdate.NONE;
        }
        List<Ranker.Scored> top = rank(afterView);
        List<String> ids = ids(top);
        double churn = churn(user.lastTopK().ids, ids);
        user.lastTopK().replace(ids, now);
        if (interval > 0) {
            pending.delete(userId);
        }
        return new TopKUpdate(top, churn);
    }

    private void forwardWeights(Record<String, BehaviorEvent> record, BehaviorEvent ev, UserState user, float[] w,
                                double loss, double deltaNorm, double churn, String version) {
        context().forward(record.withValue(new WeightUpdate(record.key(), ev.getEventId(), ev.getType(),
                user.weights().step, loss, FloatList.copyOf(w), deltaNorm, churn, version, ev.getTimestamp())));
    }

    /** A non-finite feature must never reach the weights: one NaN would spread to every score of every user. */
    private static boolean allFinite(double[] grad, double loss) {
        boolean finite = Double.isFinite(loss);
        for (int i = 0; finite && i < grad.length; i++) {
            finite = Double.isFinite(grad[i]);
        }
        if (!finite) {
            log.warn("non-finite gradient or loss ({}): the update is skipped", loss);
        }
        return finite;
    }

    /** The user's most recent items that a newly touched item co-occurs with. */
    private List<String> covisitPartners(UserState user) {
        int n = Math.min(catalog.retrieval().covisitHistory(), user.history().recentItems.size());
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(user.history().recentItems.get(i).itemId);
        }
        return out;
    }

    private List<Ranker.Scored> rank(Ranker.View view) {
        long rankStart = System.nanoTime();
        List<Ranker.Scored> top = view.topK(settings.topK(), settings.excludeSeen());
        metrics.topK(System.nanoTime() - rankStart);
        return top;
    }

    /** The item ids of a ranked list, in its order. */
    public static List<String> ids(List<Ranker.Scored> top) {
        List<String> ids = new ArrayList<>(top.size());
        top.forEach(s -> ids.add(s.itemId()));
        return ids;
    }

    private Recommendations recommendations(String userId, String eventId, Instant eventTime, List<Ranker.Scored> top) {
        List<RecommendedItem> items = new ArrayList<>(top.size());
        for (Ranker.Scored s : top) {
            items.add(new RecommendedItem(s.itemId(), s.score(), s.text(), s.influence(), s.context(), s.hasText()));
        }
        return new Recommendations(userId, eventId, catalog.modelVersion(), eventTime, items);
    }

    /** Publishes the lists of users whose recomputation was coalesced, as of their latest event. */
    private void publishPending(long wallClock) {
        refreshPrior();
        List<String> done = new ArrayList<>();
        try (KeyValueIterator<String, String> it = pending.all()) {
            while (it.hasNext()) {
                KeyValue<String, String> p = it.next();
                done.add(p.key);
                byte[] bytes = users.get(p.key);
                if (bytes == null) {
                    continue;
                }
                UserModels.Model model = models.load(p.key, bytes, prior);
                UserState user = model.user();
                long asOf = user.history().lastTime;
                List<Ranker.Scored> top = rank(ranker.view(p.key, user, prior, model.weights(), asOf));
                user.lastTopK().replace(ids(top), asOf);
                users.put(p.key, user.encode());
                context().forward(new Record<>(p.key, (Object) recommendations(p.key, p.value,
                        Instant.ofEpochMilli(asOf), top), wallClock));
            }
        }
        done.forEach(pending::delete);
    }

    private String categoryOf(String itemId, String fallback) {
        ItemCatalog.Entry e = catalog.get(itemId);
        String known = e == null ? null : catalog.category(e);
        return known != null ? known : fallback;
    }

    /**
     * The positive example first, then negatives: when the item was among the candidates the ranker saw for this
     * event, most are drawn from those candidates and the rest uniformly from the catalogue; otherwise all come
     * from the catalogue. Each has its features as a candidate (sources included). Seeded by the event id, so a
     * replay draws the same ones.
     */
    private float[][] examples(Ranker.View view, ItemCatalog.Entry positive, float[] positiveFeatures, String eventId) {
        List<float[]> out = new ArrayList<>(settings.negatives() + 1);
        out.add(positiveFeatures);
        SplittableRandom rnd = new SplittableRandom(eventId.hashCode() * 0x9E3779B97F4A7C15L);
        Set<ItemCatalog.Entry> chosen = new HashSet<>();
        chosen.add(positive);
        Candidates candidates = view.candidates();
        // An item no source retrieved competed with the catalogue, not with the candidates: contrasting it with
        // them would teach that being retrieved is bad.
        int fromServed = candidates.contains(positive) ? settings.negatives() - settings.uniformNegatives() : 0;
        draw(out, chosen, view, fromServed, candidates.size(), candidates::entry, rnd);
        draw(out, chosen, view, settings.negatives() - (out.size() - 1), catalog.size(), catalog::entry, rnd);
        return out.toArray(new float[0][]);
    }

    private void draw(List<float[]> out, Set<ItemCatalog.Entry> chosen, Ranker.View view, int wanted, int size,
                      java.util.function.IntFunction<ItemCatalog.Entry> pool, SplittableRandom rnd) {
        int added = 0;
        for (int tries = 0; added < wanted && size > 0 && tries < wanted * 4; tries++) {
            ItemCatalog.Entry e = pool.apply(rnd.nextInt(size));
            if (served.serves(view, e) && chosen.add(e)) {
                out.add(view.candidateFeatures(e));
                added++;
            }
        }
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /** Fraction of the previous top-K that is no longer in it. */
    public static double churn(List<String> previous, List<String> current) {
        if (previous.isEmpty()) {
            return 0;
        }
        // A top-K is usually a few ids (20 at the defaults): compared pairwise, no hash set is built per event. Each
        // id's hash (cached by String) is compared first: the previous ids were decoded afresh, and an equals of
        // two distinct strings reads both, a cache miss each.
        if (current.size() > 64) {
            Collection<String> now = new HashSet<>(current);
            return 1.0 - (double) previous.stream().filter(now::contains).count() / previous.size();
        }
        int[] hashes = new int[current.size()];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = current.get(i).hashCode();
        }
        int kept = 0;
        for (String id : previous) {
            int hash = id.hashCode();
            for (int i = 0; i < hashes.length; i++) {
                if (hashes[i] == hash && current.get(i).equals(id)) {
                    kept++;
                    break;
                }
            }
        }
        return 1.0 - (double) kept / previous.size();
    }
}
