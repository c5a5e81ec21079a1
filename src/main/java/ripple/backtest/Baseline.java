package ripple.backtest;

import ripple.avro.BehaviorType;

/**
 * A reference model evaluated on the same events and candidates as Ripple, test-then-train like Ripple.
 * Candidates are catalogue indexes; they join in catalogue order. Every baseline ranks the whole catalogue as it
 * stands before the event, and equal scores go to the earlier catalogue item (lower index), as in Ripple.
 */
interface Baseline {
    String name();

    /** A new candidate joined the catalogue; {@code category} is the catalogue's, or null. */
    void admit(int index, String category);

    /**
     * Ranks the event's item for the user, before learning from the event.
     *
     * @param user      the user's dense index, given by the replay on the user's first event
     * @param item      the item's catalogue index, or -1 when it is not a candidate yet
     * @param negatives catalogue indexes of the other items Ripple's ranker saw for this event: AUC is over them,
     *                  so every model's AUC is over the same items; empty when undefined (AUC is then NaN)
     * @param excluded  catalogue indexes never recommended for this event (under exclude-seen, the user's last
     *                  N distinct items): ranks are counted as if they were not in the catalogue, and an excluded
     *                  item is a miss; empty when nothing is excluded. Distinct, and not among the negatives.
     * @param maxRank   ranks beyond this count as misses
     */
    Metrics.Outcome evaluate(int user, int item, int[] negatives, int[] excluded, int maxRank);

    /** {@link #evaluate(int, int, int[], int[], int)} with nothing excluded. */
    default Metrics.Outcome evaluate(int user, int item, int[] negatives, int maxRank) {
        return evaluate(user, item, negatives, new int[0], maxRank);
    }

    /**
     * Learns from an event that Ripple accepted.
     *
     * @param user     the user's dense index
     * @param item     its catalogue index
     * @param category the event's category, else the catalogue's; may be null
     */
    void learn(int user, int item, long time, String category, BehaviorType type);
}
