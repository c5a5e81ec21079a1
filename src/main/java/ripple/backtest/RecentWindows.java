package ripple.backtest;

import java.util.Arrays;

/**
 * Per user (a dense index), the last distinct items touched (catalogue indexes), most recent first, at most
 * {@code capacity}. Every user's window is a slice of one array: a replay meets tens of thousands of users, and an
 * object, an array and a hash-map node per user and window were most of what each young collection had to copy.
 */
final class RecentWindows {
    private static final int[] EMPTY = new int[0];

    private final int capacity;
    /** User u's window is items[u * capacity, u * capacity + sizes[u]). */
    private int[] items = new int[0];
    private int[] sizes = new int[0];

    RecentWindows(int capacity) {
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** The user's window, most recent first; a copy, so callers may keep it. */
    int[] get(int user) {
        int size = size(user);
        return size == 0 ? EMPTY : Arrays.copyOfRange(items, user * capacity, user * capacity + size);
    }

    /** How many items the user's window holds. */
    int size(int user) {
        return user < sizes.length ? sizes[user] : 0;
    }

    /** The item at a position of the user's window (0: the most recent); the position must be below its size. */
    int item(int user, int position) {
        return items[user * capacity + position];
    }

    /** The most recent item, or -1. */
    int last(int user) {
        return size(user) == 0 ? -1 : items[user * capacity];
    }

    /** Moves the item to the front, adding it if absent (the oldest falls out when full); true when it was absent. */
    boolean touch(int user, int item) {
        if (user >= sizes.length) {
            int n = Math.max(user + 1, Math.max(64, sizes.length * 2));
            sizes = Arrays.copyOf(sizes, n);
            items = Arrays.copyOf(items, n * capacity);
        }
        int from = user * capacity;
        int at = position(user, item);
        boolean added = at < 0;
        if (added) {
            at = sizes[user] == capacity ? capacity - 1 : sizes[user]++;
        }
        System.arraycopy(items, from, items, from + 1, at);
        items[from] = item;
        return added;
    }

    /** Whether the user's window holds the item. */
    boolean contains(int user, int item) {
        return position(user, item) >= 0;
    }

    /** The item's position in the user's window, or -1. */
    private int position(int user, int item) {
        int from = user * capacity;
        for (int i = 0, n = size(user); i < n; i++) {
            if (items[from + i] == item) {
                return i;
            }
        }
        return -1;
    }
}
