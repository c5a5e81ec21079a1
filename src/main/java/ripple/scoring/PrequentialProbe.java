package ripple.scoring;

import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import ripple.features.ItemCatalog;

/**
 * Looks at a user's model as {@link ScoringProcessor} will see it when the user's next event arrives, without
 * changing anything: the same stored state, the same prior, the same {@link Ranker}. A backtest asks it, just
 * before piping an event, how the event's item ranks (test), and only then lets the scorer learn (train); the
 * score it gives for the event's item is the scorer's {@code scoreBefore}, which a test checks.
 */
public final class PrequentialProbe {
    private final ReadOnlyKeyValueStore<String, byte[]> users;
    /** The prior store of a user's scorer task. */
    private final Function<String, ? extends ReadOnlyKeyValueStore<String, byte[]>> priorsOf;
    private final Ranker ranker;
    private final UserModels models;

    public PrequentialProbe(ReadOnlyKeyValueStore<String, byte[]> users, ReadOnlyKeyValueStore<String, byte[]> priors,
                            ItemCatalog catalog, ScoringSettings settings) {
        this(users, userId -> priors, catalog, settings);
    }

    /** The same for several scorer tasks: {@code priorsOf} gives the prior store of a user's task. */
    public PrequentialProbe(ReadOnlyKeyValueStore<String, byte[]> users,
                            Function<String, ? extends ReadOnlyKeyValueStore<String, byte[]>> priorsOf,
                            ItemCatalog catalog, ScoringSettings settings) {
        this.users = users;
        this.priorsOf = priorsOf;
        this.ranker = new Ranker(catalog, settings.decay());
        this.models = new UserModels(catalog);
    }

    /** The user's model as of {@code now} (event time), before the event at {@code now} is learned. */
    public View view(String userId, long now) {
        UserModels.Model m = models.load(userId, users.get(userId), models.prior(priorsOf.apply(userId).get(ScoringProcessor.PRIOR_KEY)));
        return new View(ranker.view(m.user(), m.prior(), m.weights(), now));
    }

    /** One user's model at one instant. */
    public final class View {
        private final Ranker.View view;

        private View(Ranker.View view) {
            this.view = view;
        }

        /** R(u,i) as the scorer computes it for an event's item; {@code category} is the event's, if any. */
        public double score(String itemId, String category) {
            return view.score(itemId, category).score();
        }

        /**
         * Every candidate the scorer would rank for this user now, scored, best first; equal scores go to the
         * earlier catalogue item (lower index). An item that is not in this list was not retrieved: a miss.
         */
        public List<Ranker.Scored> rankCandidates() {
            return view.rankCandidates();
        }
    }
}
