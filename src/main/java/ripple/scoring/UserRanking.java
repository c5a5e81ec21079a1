package ripple.scoring;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import ripple.features.FeatureLayout;
import ripple.features.ItemCatalog;
import ripple.features.UserState;

/**
 * A user's current top-K, ranked from the stored state exactly as {@link ScoringProcessor} ranks: the same
 * {@link Ranker}, the same weights (the task's prior plus the user's own part) and settings. For interactive
 * queries, which must not give an answer the scorer would not.
 *
 * @param asOf the user's latest event time: the scorer's clock is event time, and ranking at the wall clock would
 *             decay a replayed history's recency and influence to nothing
 */
public record UserRanking(String userId, long step, Instant asOf, String modelVersion, List<Ranker.Scored> items) {

    /**
     * Ranks a user from the stores of the task that owns the user (each task keeps its own prior), or empty when
     * the user has no state there.
     */
    public static Optional<UserRanking> of(String userId, ReadOnlyKeyValueStore<String, byte[]> users,
                                           ReadOnlyKeyValueStore<String, byte[]> priors, ItemCatalog catalog,
                                           ScoringSettings settings) {
        byte[] stored = users.get(userId);
        if (stored == null) {
            return Optional.empty();
        }
        FeatureLayout layout = catalog.layout();
        int fingerprint = catalog.textFingerprint();
        UserState user = ScoringProcessor.decodeUser(userId, stored, layout, fingerprint);
        UserState prior = ScoringProcessor.decodePrior(priors.get(ScoringProcessor.PRIOR_KEY), layout);
        if (prior.textFingerprint != fingerprint) {
            prior.resetText(layout.textDims(), fingerprint);
        }
        float[] w = ScoringProcessor.effectiveWeights(prior, user);
        List<Ranker.Scored> top = new Ranker(catalog, settings.decay())
                .topK(user, w, user.lastTime, settings.topK(), settings.excludeSeen());
        return Optional.of(new UserRanking(userId, user.step, Instant.ofEpochMilli(user.lastTime),
                catalog.modelVersion(), top));
    }
}
