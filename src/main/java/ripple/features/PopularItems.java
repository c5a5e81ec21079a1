package ripple.features;

import java.util.Arrays;

/**
 * The {@code capacity} items with the largest popularity key, kept exactly as items are updated one at a time.
 * Exact because an item's key only ever grows: an all-time count does, and so does a decayed count kept as
 * log(count at t) + lambda t, whose order never changes as time passes (every item's decayed count shrinks by the
 * same factor). So an item that falls out of the list can only come back through an update of its own, which
 * re-offers it. Thread-safe: the global thread offers, stream threads read a snapshot.
 *
 * <p>Two sorted arrays rather than a tree and a map: a list holds a few dozen items, an offer comes with every
 * event on a popular item, and a replay reads a fresh snapshot of the busiest lists after nearly every event.
 */
final class PopularItems {
    /** Best first: larger key, then (equal keys) the earlier catalogue item. */
    private final ItemCatalog.Entry[] entries;
    /**
     * Each entry's catalogue index, beside it: a snapshot copies them rather than reading every entry's own, a
     * cache miss each (a replay takes a fresh snapshot of the busiest lists after nearly every event).
     */
    private final int[] indexes;
    private final double[] keys;
    private int size;
    private volatile ItemCatalog.Listing snapshot = ItemCatalog.Listing.EMPTY;
    private volatile boolean dirty;

    PopularItems(int capacity) {
        this.entries = new ItemCatalog.Entry[capacity];
        this.indexes = new int[capacity];
        this.keys = new double[capacity];
    }

    synchronized void offer(ItemCatalog.Entry e, double key) {
        int at = indexOf(e);
        if (at >= 0) {
            if (keys[at] == key) {
                return;
            }
            remove(at);
        } else if (size == entries.length && (size == 0 || key <= keys[size - 1])) {
            return; // not better than the last; an equal key leaves the item already listed, whatever its index
        }
        if (size == entries.length) {
            size--; // the last goes
        }
        int pos = size;
        while (pos > 0 && before(e, key, entries[pos - 1], keys[pos - 1])) {
            entries[pos] = entries[pos - 1];
            indexes[pos] = indexes[pos - 1];
            keys[pos] = keys[pos - 1];
            pos--;
        }
        entries[pos] = e;
        indexes[pos] = e.index;
        keys[pos] = key;
        size++;
        dirty = true;
    }

    private static boolean before(ItemCatalog.Entry a, double keyA, ItemCatalog.Entry b, double keyB) {
        return keyA != keyB ? keyA > keyB : a.index < b.index;
    }

    private int indexOf(ItemCatalog.Entry e) {
        for (int i = 0; i < size; i++) {
            if (entries[i] == e) {
                return i;
            }
        }
        return -1;
    }

    private void remove(int at) {
        System.arraycopy(entries, at + 1, entries, at, size - at - 1);
        System.arraycopy(indexes, at + 1, indexes, at, size - at - 1);
        System.arraycopy(keys, at + 1, keys, at, size - at - 1);
        entries[--size] = null;
    }

    /** Best first; equal keys go to the earlier catalogue item. */
    ItemCatalog.Entry[] top() {
        return listing().entries();
    }

    /** The list best first, with each entry's catalogue index beside it. */
    ItemCatalog.Listing listing() {
        if (dirty) {
            synchronized (this) {
                if (dirty) {
                    snapshot = new ItemCatalog.Listing(Arrays.copyOf(entries, size), Arrays.copyOf(indexes, size));
                    dirty = false;
                }
            }
        }
        return snapshot;
    }
}
