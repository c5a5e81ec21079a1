package ripple.backtest;

import java.util.HashMap;
import java.util.Map;

/** Per user, the last distinct items touched (catalogue indexes), most recent first, at most {@code capacity}. */
final class RecentWindows {
    private static final int[] EMPTY = new int[0];

    private final int capacity;
    private final Map<String, Window> byUser = new HashMap<>();

    private static final class Window {
        final int[] items;
        int size;

        Window(int capacity) {
            items = new int[capacity];
        }
    }

    RecentWindows(int capacity) {
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** The user's window, most recent first; a copy, so callers may keep it. */
    int[] get(String user) {
        Window w = byUser.get(user);
        return w == null ? EMPTY : java.util.Arrays.copyOf(w.items, w.size);
    }

    /** The most recent item, or -1. */
    int last(String user) {
        Window w = byUser.get(user);
        return w == null || w.size == 0 ? -1 : w.items[0];
    }

    /** Moves the item to the front, adding it if absent (the oldest falls out when full); true when it was absent. */
    boolean touch(String user, int item) {
        Window w = byUser.computeIfAbsent(user, u -> new Window(capacity));
        int at = -1;
        for (int i = 0; i < w.size; i++) {
            if (w.items[i] == item) {
                at = i;
                break;
            }
        }
        boolean added = at < 0;
        if (added) {
            at = w.size == capacity ? capacity - 1 : w.size++;
        }
        System.arraycopy(w.items, 0, w.items, 1, at);
        w.items[0] = item;
        return added;
    }

    /** Whether the user's window holds the item. */
    boolean contains(String user, int item) {
        Window w = byUser.get(user);
        if (w != null) {
            for (int i = 0; i < w.size; i++) {
                if (w.items[i] == item) {
                    return true;
                }
            }
        }
        return false;
    }
}
