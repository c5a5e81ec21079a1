package ripple.scoring;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
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
        return of(userId, users, priors, null, 0, catalog, settings);
    }

    /**
     * The same where tasks share their priors: {@code shares} is the prior topic's global store (null: none), and
     * the user's task (of {@code partition}) ranks with its own prior plus every other task's in it.
     */
    public static Optional<UserRanking> of(String userId, ReadOnlyKeyValueStore<String, byte[]> users,
                                           ReadOnlyKeyValueStore<String, byte[]> priors,
                                           ReadOnlyKeyValueStore<String, byte[]> shares, int partition,
                                           ItemCatalog catalog, ScoringSettings settings) {
        byte[] stored = users.get(userId);
        if (stored == null) {
            return Optional.empty();
        }
        UserModels models = new UserModels(catalog);
        UserState prior = models.prior(priors.get(ScoringProcessor.PRIOR_KEY));
        if (shares != null) {
            TaskPriors.Ranked ranked = TaskPriors.of(shares).ranked(partition, prior, catalog.layout().textDims());
            ranked.refresh(catalog.layout().textDims(), catalog.textFingerprint());
            prior = ranked.sum();
        }
        UserModels.Model m = models.load(userId, stored, prior);
        UserState user = m.user();
        List<Ranker.Scored> top = new Ranker(catalog, settings.decay()).view(user, m.prior(), m.weights(), user.history().lastTime)
                .topK(settings.topK(), settings.excludeSeen());
        return Optional.of(new UserRanking(userId, user.weights().step, Instant.ofEpochMilli(user.history().lastTime),
                catalog.modelVersion(), top));
    }
}
