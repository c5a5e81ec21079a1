package ripple.backtest;

/**
 * A reference model evaluated on the same events, candidates and negatives as Ripple, test-then-train like Ripple.
 * Candidates are catalogue indexes; they join in catalogue order.
 */
interface Baseline {
    String name();

    /** A new candidate joined the catalogue. */
    void admit(int index);

    /**
     * Ranks the event's item for the user, before learning from the event.
     *
     * @param item      the item's catalogue index, or -1 when it is not a candidate yet
     * @param negatives catalogue indexes of sampled negatives
     * @param maxRank   ranks beyond this count as misses
     */
    Metrics.Outcome evaluate(String user, int item, int[] negatives, int maxRank);

    /** Learns from an event that Ripple accepted; {@code item} is its catalogue index. */
    void learn(String user, int item, long time);
}
