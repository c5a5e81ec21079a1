package ripple.scoring;

import java.util.List;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import ripple.features.FeatureLayout;
import ripple.features.ItemCatalog;
import ripple.features.UserState;

/**
 * Looks at a user's model as {@link ScoringProcessor} will see it when the user's next event arrives, without
 * changing anything: the same stored state, the same prior, the same {@link Ranker}. A backtest asks it, just
 * before piping an event, how the event's item ranks (test), and only then lets the scorer learn (train); the
 * score it gives for the event's item is the scorer's {@code scoreBefore}, which a test checks.
 */
public final class PrequentialProbe {
    private final ReadOnlyKeyValueStore<String, byte[]> users;
    private final ReadOnlyKeyValueStore<String, byte[]> priors;
    private final ItemCatalog catalog;
    private final ScoringSettings settings;
    private final Ranker ranker;

    public PrequentialProbe(ReadOnlyKeyValueStore<String, byte[]> users, ReadOnlyKeyValueStore<String, byte[]> priors,
                            ItemCatalog catalog, ScoringSettings settings) {
        this.users = users;
        this.priors = priors;
        this.catalog = catalog;
        this.settings = settings;
        this.ranker = new Ranker(catalog, settings.decay());
    }

    /** The user's model as of {@code now} (event time), before the event at {@code now} is learned. */
    public View view(String userId, long now) {
        FeatureLayout layout = catalog.layout();
        int fingerprint = catalog.textFingerprint();
        UserState user = ScoringProcessor.decodeUser(userId, users.get(userId), layout, fingerprint);
        UserState prior = ScoringProcessor.decodePrior(priors.get(ScoringProcessor.PRIOR_KEY), layout);
        if (prior.textFingerprint != fingerprint) {
            prior.resetText(layout.textDims(), fingerprint);
        }
        return new View(user, ScoringProcessor.effectiveWeights(prior, user), now);
    }

    /** One user's model at one instant. */
    public final class View {
        private final UserState user;
        private final float[] weights;
        private final long now;
        private final float[] scratch;

        private View(UserState user, float[] weights, long now) {
            this.user = user;
            this.weights = weights;
            this.now = now;
            this.scratch = new float[weights.length];
        }

        /** R(u,i) as the scorer computes it for an event's item; {@code category} is the event's, if any. */
        public double score(String itemId, String category) {
            ranker.features(user, itemId, category, now, scratch);
            return OnlineLearner.dot(weights, scratch);
        }

        /**
         * Every candidate the scorer would rank for this user now, scored, best first; equal scores go to the
         * earlier catalogue item (lower index). An item that is not in this list was not retrieved: a miss.
         */
        public List<Ranker.Scored> rankCandidates() {
            return ranker.topK(user, weights, now, Integer.MAX_VALUE / 2, settings.excludeSeen());
        }

        /** The user's top-k over the whole catalogue, as the scorer ranks it. */
        public List<Ranker.Scored> topK(int k) {
            return ranker.topK(user, weights, now, k, settings.excludeSeen());
        }
    }
}
