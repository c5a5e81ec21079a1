package ripple.scoring;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ripple.avro.BehaviorType;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;
import ripple.events.IntakeSettings;
import ripple.features.Decay;
import ripple.features.FeatureGroup;
import ripple.features.FeatureLayout;
import ripple.features.ItemCatalog;
import ripple.features.RetrievalSettings;
import ripple.privacy.Pseudonyms;

/** The scorer's settings, read and checked once at start. */
public record ScoringSettings(
        IntakeSettings intake,
        List<String> textModels,
        int textDims,
        int textClusters,
        long projectionSeed,
        Duration halfLife,
        int maxRecentItems,
        int maxCategories,
        Optimizer optimizer,
        double learningRate,
        double l2,
        Loss loss,
        int negatives,
        int uniformNegatives,
        boolean learnUnretrieved,
        double userShrink,
        double priorRate,
        Duration priorShareInterval,
        Duration priorCheckpointInterval,
        Map<String, Map<BehaviorType, Double>> strengthsByScenario,
        int topK,
        boolean excludeSeen,
        Duration coalesceInterval,
        RetrievalSettings retrieval,
        Set<FeatureGroup> ablate,
        boolean weightUpdatesWhenLearnedOnly,
        boolean byItemInMemory,
        Duration byItemCommitInterval) {

    public static ScoringSettings from(RippleConfig c) {
        Map<String, Map<BehaviorType, Double>> strengths = new HashMap<>();
        strengths.put("", strengths(c, "learning.strengths", Map.of()));
        c.withPrefix(RippleConfig.STRENGTHS_PREFIX).keySet().forEach(scenario ->
                strengths.put(scenario, strengths(c, RippleConfig.STRENGTHS_PREFIX + scenario, strengths.get(""))));
        List<String> models = c.list("features.text.models");
        if (models.isEmpty()) {
            throw new ConfigException("features.text.models", "name at least one text model");
        }
        int topK = c.intValue("scoring.top-k");
        RetrievalSettings retrieval = RetrievalSettings.from(c);
        if (retrieval.candidates() < topK) {
            throw new ConfigException("scoring.candidates", "must be at least scoring.top-k (" + topK + ")");
        }
        int negatives = c.intValue("learning.negatives");
        int uniformNegatives = c.intValue("learning.uniform-negatives");
        if (uniformNegatives > negatives) {
            throw new ConfigException("learning.uniform-negatives", "must be at most learning.negatives (" + negatives + ")");
        }
        return new ScoringSettings(
                new IntakeSettings(
                        c.duration("events.dedupe-window"),
                        c.nonEmpty("events.default-scenario"),
                        c.instant("events.min-timestamp"),
                        c.duration("events.max-future-skew"),
                        c.intValue("events.max-field-length"),
                        c.duration("events.max-dwell").toMillis(),
                        Pseudonyms.from(c)),
                models,
                // Lucene's HNSW vectors have at most 1024 dims.
                c.intValue("features.text.dims"),
                c.intValue("features.text.clusters"),
                c.intValue("features.text.seed"),
                c.duration("features.half-life"),
                c.intValue("features.recent-items"),
                c.intValue("features.categories"),
                c.enumValue("learning.optimizer", Optimizer.class),
                c.doubleValue("learning.rate"),
                c.doubleValue("learning.l2"),
                c.enumValue("learning.loss", Loss.class),
                negatives,
                uniformNegatives,
                c.bool("learning.unretrieved"),
                c.doubleValue("learning.user-shrink"),
                c.doubleValue("learning.prior-rate"),
                c.duration("learning.prior-share-interval"),
                c.duration("learning.prior-checkpoint-interval"),
                strengths,
                topK,
                c.bool("scoring.exclude-seen"),
                c.duration("scoring.coalesce-interval"),
                retrieval,
                ablate(c),
                weightUpdates(c),
                c.bool("scoring.by-item-in-memory"),
                c.duration("scoring.by-item-commit-interval"));
    }

    /** {@code scoring.weight-updates}: every-event (one per scored event) or learned (only events that taught). */
    private static boolean weightUpdates(RippleConfig c) {
        String v = c.string("scoring.weight-updates").trim();
        return switch (v) {
            case "every-event" -> false;
            case "learned" -> true;
            default -> throw new ConfigException("scoring.weight-updates",
                    "invalid value '" + v + "': expected every-event or learned");
        };
    }

    private static Set<FeatureGroup> ablate(RippleConfig c) {
        try {
            return Set.copyOf(FeatureGroup.parseAll(c.string("features.ablate")));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("features.ablate", "expected empty or any of text, influence, context, got '"
                    + c.string("features.ablate") + "'");
        }
    }

    private static Map<BehaviorType, Double> strengths(RippleConfig c, String key, Map<BehaviorType, Double> base) {
        Map<BehaviorType, Double> out = new EnumMap<>(BehaviorType.class);
        out.putAll(base);
        c.weights(key).forEach((name, value) -> {
            try {
                out.put(BehaviorType.valueOf(name), value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, "unknown behaviour type '" + name + "'");
            }
        });
        return out;
    }

    /** How strongly an event of this type, in this scenario, says the user likes the item. */
    public double strength(String scenario, BehaviorType type) {
        // per event: the default scenario's strengths are looked up only when the event's has none of its own
        Map<BehaviorType, Double> m = strengthsByScenario.get(scenario);
        if (m == null) {
            m = strengthsByScenario.get("");
        }
        Double strength = m.get(type);
        return strength == null ? 0.0 : strength;
    }

    /** Whether each event's prior is written to the store at once (exact), rather than on a schedule. */
    public boolean checkpointsPriorEveryEvent() {
        return priorCheckpointInterval.isZero();
    }

    /** Whether scorer tasks share their priors and rank with all of them ({@link TaskPriors}). */
    public boolean sharesPriors() {
        return !priorShareInterval.isZero();
    }

    public FeatureLayout layout() {
        return new FeatureLayout(textModels, textDims);
    }

    public Decay decay() {
        return new Decay(halfLife);
    }

    /** An empty item catalogue laid out, projected and indexed as these settings say. */
    public ItemCatalog newCatalog() {
        return new ItemCatalog(layout(), projectionSeed, decay(), retrieval, textClusters);
    }
}
