package ripple.backtest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private final Map<Integer, Deque<String>> postings = new HashMap<>();

    SessionKnnBaseline(PopularityBaseline popularity) {
        super("sknn", popularity);
    }

    private record Neighbour(int[] items, double similarity) {
    }

    @Override
    protected void personalise(String user) {
        int[] session = recent.get(user);
        if (session.length == 0) {
            return;
        }
        // discovery order (most recent item, most recent poster first) breaks similarity ties deterministically
        Set<String> candidates = new LinkedHashSet<>();
        for (int item : session) {
            Deque<String> users = postings.get(item);
            if (users != null) {
                for (String v : users) {
                    if (!v.equals(user)) {
                        candidates.add(v);
                    }
                }
            }
        }
        List<Neighbour> neighbours = new ArrayList<>();
        for (String v : candidates) {
            int[] other = recent.get(v);
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
    public void learn(String user, int item, long time, String category, BehaviorType type) {
        if (recent.touch(user, item)) {
            Deque<String> users = postings.computeIfAbsent(item, x -> new ArrayDeque<>());
            // stale postings (the item has left that user's window) are harmless: overlap is computed afresh
            users.remove(user);
            users.addFirst(user);
            if (users.size() > POSTINGS) {
                users.removeLast();
            }
        }
    }
}
