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
}
