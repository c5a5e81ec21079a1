package ripple.backtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import ripple.avro.BehaviorType;

/**
 * Session-kNN: the user's last {@link #WINDOW} distinct items are the session. Neighbours are other users whose
 * current windows share items with it, found through an index item -> the last {@link #POSTINGS} users who put the
 * item in their window; similarity is the cosine of the two item sets, and the {@link #NEIGHBOURS} most similar
 * count. An item scores the summed similarity of the neighbours holding it (the user's own items included:
 * repeats are allowed); the rest by popularity.
 */
final class SessionKnnBaseline extends PersonalBaseline {
    static final int WINDOW = 10;
    static final int POSTINGS = 100;
    static final int NEIGHBOURS = 50;

    private final RecentWindows recent = new RecentWindows(WINDOW);
    /** By catalogue index, the users who last put the item in their window, most recent first (null: none yet). */
    private int[][] postings = new int[1024][];
    private int[] postingCounts = new int[1024];
    /** By user, the evaluation that last found the user as a candidate neighbour: a set cleared by a new epoch. */
    private int[] found = new int[64];
    private int epoch;
    private int[] candidates = new int[64];

    SessionKnnBaseline(PopularityBaseline popularity) {
        super("sknn", popularity);
    }

    private record Neighbour(int[] items, double similarity) {
    }

    @Override
    protected void personalise(int user) {
        int[] session = recent.get(user);
        if (session.length == 0) {
            return;
        }
        // discovery order (most recent item, most recent poster first) breaks similarity ties deterministically
        epoch++;
        int count = 0;
        for (int item : session) {
            for (int k = 0, n = item < postings.length ? postingCounts[item] : 0; k < n; k++) {
                int v = postings[item][k];
                if (v != user && found[v] != epoch) {
                    found[v] = epoch;
                    if (count == candidates.length) {
                        candidates = Arrays.copyOf(candidates, count * 2);
                    }
                    candidates[count++] = v;
                }
            }
        }
        List<Neighbour> neighbours = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            int[] other = recent.get(candidates[c]);
            int overlap = 0;
            for (int a : session) {
                for (int b : other) {
                    if (a == b) {
                        overlap++;
                        break;
                    }
                }
            }
            if (overlap > 0) {
                neighbours.add(new Neighbour(other, overlap / Math.sqrt((double) session.length * other.length)));
            }
        }
        neighbours.sort(Comparator.comparingDouble(Neighbour::similarity).reversed());
        for (Neighbour n : neighbours.subList(0, Math.min(NEIGHBOURS, neighbours.size()))) {
            for (int j : n.items()) {
                add(j, n.similarity());
            }
        }
    }

    @Override
    public void learn(int user, int item, long time, String category, BehaviorType type) {
        if (user >= found.length) {
            found = Arrays.copyOf(found, Math.max(user + 1, found.length * 2));
        }
        if (recent.touch(user, item)) {
            post(item, user);
        }
    }

    /**
     * Puts the user first among the item's posters, once; the oldest falls out beyond {@link #POSTINGS}. Stale
     * postings (the item has left that user's window) are harmless: overlap is computed afresh. The move to the
     * front is {@link RecentWindows#touch}'s, but each item's list grows as posters come: most items have one or
     * two, and RecentWindows' one slice of {@code POSTINGS} per item would be about 30 MB on the Taobao slice.
     */
    private void post(int item, int user) {
        if (item >= postings.length) {
            int n = Math.max(item + 1, postings.length * 2);
            postings = Arrays.copyOf(postings, n);
            postingCounts = Arrays.copyOf(postingCounts, n);
        }
        int[] users = postings[item];
        int count = postingCounts[item];
        int at = 0;
        while (at < count && users[at] != user) {
            at++;
        }
        if (at == count) {
            // absent: it joins, and the oldest leaves a full list
            if (users == null || count == users.length && count < POSTINGS) {
                users = postings[item] = users == null ? new int[4] : Arrays.copyOf(users, Math.min(POSTINGS, count * 2));
            }
            at = count < POSTINGS ? count++ : count - 1;
        }
        System.arraycopy(users, 0, users, 1, at);
        users[0] = user;
        postingCounts[item] = count;
    }
}
