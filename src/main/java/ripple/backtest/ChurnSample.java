package ripple.backtest;

import java.util.List;
import ripple.avro.BehaviorEvent;
import ripple.scoring.Ranker;
import ripple.scoring.ScoringObserver;
import ripple.scoring.ScoringProcessor;

/**
 * How far one event moves the user's recommendations, measured on a sample of events: the user's top-K ranked from
 * the scorer's view just before the event (weights not yet learned) and again from its view just after it (learned,
 * the item folded in), as the scorer ranks the list it publishes; the churn is the share of the first list gone from
 * the second. Unlike the live weight updates' churn (against the list published at the user's previous event), it
 * holds the clock and every other user still, so only the event moves the list.
 *
 * <p>A replay's scorer ranks no top-K after each event: nothing else reads it, and ranking it was about a third of
 * a replay's time. One event in {@code every}, picked by a hash of its id (so every replay of an input picks the
 * same ones, whatever its order or speed), is ranked twice here instead.
 */
final class ChurnSample implements ScoringObserver {
    private final int every;
    private final int k;
    private final boolean excludeSeen;
    /** The sampled event's top-K before it was learned; null between events and for an event not sampled. */
    private List<String> before;
    private double churn = Double.NaN;

    /**
     * @param every       one event in this many is measured; 1: every event
     * @param k           the length of the lists compared (scoring.top-k)
     * @param excludeSeen whether the lists skip the user's recent items (scoring.exclude-seen), as the scorer's do
     */
    ChurnSample(int every, int k, boolean excludeSeen) {
        if (every < 1) {
            throw new IllegalArgumentException("one event in " + every + ": at least 1");
        }
        this.every = every;
        this.k = k;
        this.excludeSeen = excludeSeen;
    }

    /** Whether the event with this id is measured. */
    boolean sampled(String eventId) {
        // mixed, so that ids counting up ("e1", "e2", ...) do not all fall on the same residues
        return Math.floorMod(Long.hashCode(eventId.hashCode() * 0x9E3779B97F4A7C15L), every) == 0;
    }

    @Override
    public void beforeLearning(String userId, BehaviorEvent event, Ranker.View view) {
        churn = Double.NaN;
        before = sampled(event.getEventId()) ? ScoringProcessor.ids(view.topK(k, excludeSeen)) : null;
    }

    @Override
    public void afterLearning(String userId, BehaviorEvent event, Ranker.View view) {
        if (before != null) {
            churn = ScoringProcessor.churn(before, ScoringProcessor.ids(view.topK(k, excludeSeen)));
            before = null;
        }
    }

    /** The churn of the event the scorer just took, and forgets it; NaN when it was not measured. */
    double take() {
        double c = churn;
        churn = Double.NaN;
        return c;
    }
}
