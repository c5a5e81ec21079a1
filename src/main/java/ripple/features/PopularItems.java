package ripple.features;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The {@code capacity} items with the largest popularity key, kept exactly as items are updated one at a time.
 * Exact because an item's key only ever grows: an all-time count does, and so does a decayed count kept as
 * log(count at t) + lambda t, whose order never changes as time passes (every item's decayed count shrinks by the
 * same factor). So an item that falls out of the list can only come back through an update of its own, which
 * re-offers it. Thread-safe: the global thread offers, stream threads read a snapshot.
 */
final class PopularItems {
    private record Keyed(ItemCatalog.Entry entry, double key) {
    }

    /** Ascending by key, then by descending index, so that the first element is the one to evict under the tie rule. */
    private final TreeSet<Keyed> order = new TreeSet<>((a, b) -> a.key != b.key ? Double.compare(a.key, b.key)
            : Integer.compare(b.entry.index, a.entry.index));
    private final Map<ItemCatalog.Entry, Keyed> keys = new HashMap<>();
    private final int capacity;
    private volatile ItemCatalog.Entry[] snapshot = new ItemCatalog.Entry[0];
    private boolean dirty;

    PopularItems(int capacity) {
        this.capacity = capacity;
    }

    synchronized void offer(ItemCatalog.Entry e, double key) {
        Keyed old = keys.get(e);
        if (old != null) {
            if (old.key == key) {
                return;
            }
            order.remove(old);
        } else if (order.size() >= capacity && key <= order.first().key) {
            return;
        }
        Keyed k = new Keyed(e, key);
        order.add(k);
        keys.put(e, k);
        if (order.size() > capacity) {
            keys.remove(order.pollFirst().entry);
        }
        dirty = true;
    }

    /** Best first; equal keys go to the earlier catalogue item. */
    ItemCatalog.Entry[] top() {
        if (dirty) {
            synchronized (this) {
                if (dirty) {
                    snapshot = order.descendingSet().stream().map(Keyed::entry).toArray(ItemCatalog.Entry[]::new);
                    dirty = false;
                }
            }
        }
        return snapshot;
    }
}
