package ripple.scoring;

import ripple.avro.BehaviorEvent;

/**
 * Sees each user's view as the scorer retrieved it for an event, before the event is learned: a backtest takes the
 * event's rank from the scorer's own pass (test, then train) instead of ranking the user a second time. Called on
 * the stream thread; it must not change the view's user.
 */
@FunctionalInterface
public interface ScoringObserver {
    ScoringObserver NONE = (userId, event, view) -> { };

    void beforeLearning(String userId, BehaviorEvent event, Ranker.View view);

    /**
     * The user's view after the event was learned and folded in, before the scorer ranks its top-K from it. The
     * view made before the event ({@link #beforeLearning}) can still be read, until the scorer's next event.
     */
    default void afterLearning(String userId, BehaviorEvent event, Ranker.View view) {
    }

    /** This observer, then {@code next}, at both moments. */
    default ScoringObserver andThen(ScoringObserver next) {
        ScoringObserver first = this;
        return new ScoringObserver() {
            @Override
            public void beforeLearning(String userId, BehaviorEvent event, Ranker.View view) {
                first.beforeLearning(userId, event, view);
                next.beforeLearning(userId, event, view);
            }

            @Override
            public void afterLearning(String userId, BehaviorEvent event, Ranker.View view) {
                first.afterLearning(userId, event, view);
                next.afterLearning(userId, event, view);
            }
        };
    }
}
