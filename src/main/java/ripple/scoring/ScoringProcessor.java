package ripple.scoring;

import java.time.Instant;
import java.util.ArrayList;
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
import ripple.events.Rejection;
import ripple.features.Decay;
import ripple.features.FeatureLayout;
import ripple.features.ItemCatalog;
import ripple.features.UserState;
import ripple.ops.RippleMetrics;

/**
 * The per-user step: score the event's item, learn from the event (test, then train), fold the event into the
 * user's feature state, and emit the score before and after, the fresh top-K and the weight update.
 * An event that fails here goes to dead-letters; the stream goes on.
 */
public final class ScoringProcessor extends ContextualProcessor<String, BehaviorEvent, String, SpecificRecord> {
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
    private final RippleMetrics metrics;
    private KeyValueStore<String, byte[]> users;
    private KeyValueStore<String, byte[]> priors;
    private KeyValueStore<String, String> pending;
    /** This task's copy of the prior, read once: only this processor writes it. */
    private UserState prior;

    public ScoringProcessor(ScoringSettings settings, ItemCatalog catalog, Serializer<BehaviorEvent> eventSerializer) {
        this(settings, catalog, eventSerializer, RippleMetrics.noop());
    }

    public ScoringProcessor(ScoringSettings settings, ItemCatalog catalog, Serializer<BehaviorEvent> eventSerializer,
                            RippleMetrics metrics) {
        this.metrics = metrics;
        this.settings = settings;
        this.catalog = catalog;
        this.eventSerializer = eventSerializer;
        this.layout = catalog.layout();
        this.decay = settings.decay();
        this.ranker = new Ranker(catalog, decay);
        boolean[] ablated = layout.mask(settings.ablate());
        this.learner = new OnlineLearner(settings.optimizer(), settings.learningRate(), settings.l2(), ablated);
        this.priorLearner = new OnlineLearner(settings.optimizer(), settings.priorRate(), settings.l2(), ablated);
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        super.init(context);
        users = context.getStateStore(USER_STORE);
        priors = context.getStateStore(PRIOR_STORE);
        pending = context.getStateStore(PENDING_STORE);
        if (!settings.coalesceInterval().isZero()) {
            context.schedule(settings.coalesceInterval(), PunctuationType.WALL_CLOCK_TIME, this::publishPending);
        }
        prior = decodePrior(priors.get(PRIOR_KEY), layout);
    }

    /** A stored prior, or a zero one when there is none or the feature layout changed. */
    static UserState decodePrior(byte[] bytes, FeatureLayout layout) {
        UserState prior = bytes == null ? null : UserState.decode(bytes);
        if (prior != null && prior.weights.length != layout.size()) {
            log.warn("stored prior has {} weights, the feature layout {} (settings changed): starting a new prior",
                    prior.weights.length, layout.size());
            prior = null;
        }
        return prior != null ? prior : UserState.startingFrom(new float[layout.size()], layout.textDims(), 0);
    }

    @Override
    public void process(Record<String, BehaviorEvent> record) {
        try {
            score(record);
        } catch (RuntimeException e) {
            BehaviorEvent ev = record.value();
            log.error("event {} of user {} failed in scoring; sent to dead-letters", ev.getEventId(), record.key(), e);
            metrics.deadLetter(RippleMetrics.Stage.SCORING, Rejection.PROCESSING_ERROR);
            context().forward(record.withKey((String) null).withValue(DeadLetters.of(Rejection.PROCESSING_ERROR,
                    e.toString(), e, context().recordMetadata().orElse(null),
                    record.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    eventSerializer.serialize(context().recordMetadata().map(m -> m.topic()).orElse(""), ev),
                    context().currentSystemTimeMs())));
        }
    }

    private void score(Record<String, BehaviorEvent> record) {
        BehaviorEvent ev = record.value();
        String userId = record.key();
        String itemId = ev.getItemId();
        long now = ev.getTimestamp().toEpochMilli();
        String category = ev.getContext().get("category");
        int k = layout.size();

        int fingerprint = catalog.textFingerprint();
        UserState user = decodeUser(userId, users.get(userId), layout, fingerprint);
        if (prior.textFingerprint != fingerprint) {
            prior.resetText(layout.textDims(), fingerprint);
        }
        // The user's model is the shared prior plus the user's own part: what all users taught applies at once.
        float[] w = effectiveWeights(prior, user);

        float[] positive = new float[k];
        boolean hasText = ranker.features(user, itemId, category, now, positive);
        double before = OnlineLearner.dot(w, positive);

        float strength = (float) settings.strength(ev.getScenario(), ev.getType());
        float[][] examples = examples(user, itemId, positive, now, ev.getEventId());
        float[] labels = new float[examples.length];
        float[] weights = new float[examples.length];
        labels[0] = 1f;
        // The negatives share the positive's weight, so an event moves the bias neither up nor down on average.
        java.util.Arrays.fill(weights, examples.length > 1 ? strength / (examples.length - 1) : 0f);
        weights[0] = strength;

        double[] grad = new double[k];
        double loss = OnlineLearner.gradient(w, examples, labels, weights, grad);
        learner.apply(user.weights, user.moment1, user.moment2, user.step, grad);
        priorLearner.apply(prior.weights, prior.moment1, prior.moment2, prior.step, grad);
        user.step++;
        prior.step++;
        float[] old = w;
        w = effectiveWeights(prior, user);
        double deltaNorm = distance(old, w);

        Float dwell = ev.getDwellMs() == null ? null : ev.getDwellMs().floatValue();
        user.observe(itemId, categoryOf(itemId, category), ev.getType(), now, dwell, strength,
                hasText ? positive : null, decay, settings.maxRecentItems(), settings.maxCategories());
        float[] after = new float[k];
        ranker.features(user, itemId, category, now, after);
        double scoreAfter = OnlineLearner.dot(w, after);

        // Coalescing: within the interval the user's list is left as it is and marked pending; the punctuator
        // publishes it once the interval has passed.
        long interval = settings.coalesceInterval().toMillis();
        boolean recompute = interval == 0 || user.lastTopK.isEmpty() || now - user.lastTopKTime >= interval;
        double churn = 0;
        List<Ranker.Scored> top = null;
        if (recompute) {
            top = rank(user, w, now);
            List<String> ids = ids(top);
            churn = churn(user.lastTopK, ids);
            user.lastTopK = ids;
            user.lastTopKTime = now;
            if (interval > 0) {
                pending.delete(userId);
            }
        } else {
            pending.put(userId, ev.getEventId());
        }

        users.put(userId, user.encode());
        // The prior store is cached: repeated puts of this one key reach the changelog once per commit.
        priors.put(PRIOR_KEY, prior.encode());

        String version = catalog.modelVersion();
        Instant eventTime = ev.getTimestamp();
        context().forward(record.withValue(ScoreUpdate.newBuilder()
                .setUserId(userId).setItemId(itemId).setEventId(ev.getEventId()).setType(ev.getType())
                .setScoreBefore(before).setScoreAfter(scoreAfter).setHasTextFeatures(hasText)
                .setModelVersion(version).setEventTime(eventTime).build()));
        if (top != null) {
            context().forward(record.withValue(recommendations(userId, ev.getEventId(), eventTime, top)));
        }
        List<Float> weightList = new ArrayList<>(k);
        for (float x : w) {
            weightList.add(x);
        }
        context().forward(record.withValue(WeightUpdate.newBuilder()
                .setUserId(userId).setEventId(ev.getEventId()).setType(ev.getType()).setStep(user.step)
                .setLoss(loss).setWeights(weightList).setDeltaNorm(deltaNorm).setTopKChurn(churn)
                .setModelVersion(version).setEventTime(eventTime).build()));
        // counted last: an event whose outputs fail goes to dead-letters instead
        metrics.eventProcessed(ev.getType());
        metrics.learningLoss(loss);
    }

    private List<Ranker.Scored> rank(UserState user, float[] w, long now) {
        long rankStart = System.nanoTime();
        List<Ranker.Scored> top = ranker.topK(user, w, now, settings.topK(), settings.excludeSeen());
        metrics.topK(System.nanoTime() - rankStart);
        return top;
    }

    private static List<String> ids(List<Ranker.Scored> top) {
        List<String> ids = new ArrayList<>(top.size());
        top.forEach(s -> ids.add(s.itemId()));
        return ids;
    }

    private Recommendations recommendations(String userId, String eventId, Instant eventTime, List<Ranker.Scored> top) {
        List<RecommendedItem> items = new ArrayList<>(top.size());
        for (Ranker.Scored s : top) {
            items.add(new RecommendedItem(s.itemId(), s.score(), s.text(), s.influence(), s.context(), s.hasText()));
        }
        return Recommendations.newBuilder().setUserId(userId).setEventId(eventId).setModelVersion(catalog.modelVersion())
                .setEventTime(eventTime).setItems(items).build();
    }

    /** Publishes the lists of users whose recomputation was coalesced, as of their latest event. */
    private void publishPending(long wallClock) {
        List<String> done = new ArrayList<>();
        try (KeyValueIterator<String, String> it = pending.all()) {
            while (it.hasNext()) {
                KeyValue<String, String> p = it.next();
                done.add(p.key);
                byte[] bytes = users.get(p.key);
                if (bytes == null) {
                    continue;
                }
                UserState user = decodeUser(p.key, bytes, layout, catalog.textFingerprint());
                List<Ranker.Scored> top = rank(user, effectiveWeights(prior, user), user.lastTime);
                user.lastTopK = ids(top);
                user.lastTopKTime = user.lastTime;
                users.put(p.key, user.encode());
                context().forward(new Record<>(p.key, (SpecificRecord) recommendations(p.key, p.value,
                        Instant.ofEpochMilli(user.lastTime), top), wallClock));
            }
        }
        done.forEach(pending::delete);
    }

    private String categoryOf(String itemId, String fallback) {
        ItemCatalog.Entry e = catalog.get(itemId);
        return e != null && e.category() != null ? e.category() : fallback;
    }

    /** The weights a user is ranked with: the shared prior plus the user's own part. */
    static float[] effectiveWeights(UserState prior, UserState user) {
        float[] w = new float[prior.weights.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = prior.weights[i] + user.weights[i];
        }
        return w;
    }

    /**
     * The user's stored state, made to fit the current layout and text models; a new user's own weights start at
     * zero, so their model starts as the prior.
     */
    static UserState decodeUser(String userId, byte[] bytes, FeatureLayout layout, int fingerprint) {
        if (bytes == null) {
            return UserState.startingFrom(new float[layout.size()], layout.textDims(), fingerprint);
        }
        UserState user = UserState.decode(bytes);
        if (user.weights.length != layout.size()) {
            log.warn("user {} has {} weights but the feature layout has {} (settings changed): starting from the prior",
                    userId, user.weights.length, layout.size());
            return UserState.startingFrom(new float[layout.size()], layout.textDims(), fingerprint);
        }
        if (user.textFingerprint != fingerprint) {
            user.resetText(layout.textDims(), fingerprint);
        }
        return user;
    }

    /**
     * The positive example first, then negatives: items the user has not touched recently, drawn with a seed
     * from the event id so that a replay draws the same ones.
     */
    private float[][] examples(UserState user, String positiveItem, float[] positive, long now, String eventId) {
        int n = catalog.size();
        List<float[]> out = new ArrayList<>(settings.negatives() + 1);
        out.add(positive);
        if (n > 1) {
            SplittableRandom rnd = new SplittableRandom(eventId.hashCode() * 0x9E3779B97F4A7C15L);
            Set<String> chosen = new HashSet<>();
            for (int tries = 0; out.size() <= settings.negatives() && tries < settings.negatives() * 4; tries++) {
                ItemCatalog.Entry e = catalog.entry(rnd.nextInt(n));
                if (e.itemId.equals(positiveItem) || user.recent(e.itemId) != null || !chosen.add(e.itemId)) {
                    continue;
                }
                float[] f = new float[layout.size()];
                ranker.features(user, e.itemId, null, now, f);
                out.add(f);
            }
        }
        return out.toArray(new float[0][]);
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
    static double churn(List<String> previous, List<String> current) {
        if (previous.isEmpty()) {
            return 0;
        }
        Set<String> now = new HashSet<>(current);
        long kept = previous.stream().filter(now::contains).count();
        return 1.0 - (double) kept / previous.size();
    }
}
