package ripple.scoring;

import ripple.features.ItemCatalog;

/**
 * Which items a training step may use, so that the scorer trains on what it serves. With
 * {@code scoring.exclude-seen} the served top-K never holds the user's recent items ({@link Ranker.View#topK} skips
 * them): an event on one of them is not a first visit that any published list could have hit, and one of them drawn
 * as a negative contrasts the event's item with an item it never competes with. Learning from them fits the shared
 * weights to telling the user's own recent items apart (on synthetic e-commerce data, 70% of events are a view's
 * later funnel steps on the item just browsed) rather than to ranking the unseen items the list is made of. Without
 * exclude-seen every item may be served, and every event teaches as before.
 */
final class ServedScope {
    private final boolean excludeSeen;

    ServedScope(boolean excludeSeen) {
        this.excludeSeen = excludeSeen;
    }

    /**
     * Whether the item could have been served to the user as they were before the event: only then may an event on
     * it teach, or may it be drawn as a negative.
     */
    boolean serves(Ranker.View view, ItemCatalog.Entry item) {
        return !excludeSeen || !view.isRecent(item);
    }
}
