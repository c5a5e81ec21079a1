package ripple.scoring;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hits of each user's text query (an HNSW search with the user's text weights and profile), searched again
 * every {@code refreshEvents} of the user's events and reused in between. The search costs more than the rest of
 * a scoring step together (about 0.4 ms at 100k items). The query stands for the user's lasting text taste: what
 * they touched just now reaches the candidates through the text neighbours of their recent items, searched per
 * item and always current. On the synthetic replay (seed 7), searching every event, every 16th, or whenever the
 * query turned by more than cosine 0.99 (56% of events) moved ndcg@10 on first visits by less than its noise.
 * A cold user is not kept here: they share the prior's hits ({@link Ranker}).
 *
 * <p>Only this cache and the user's events decide, so a replay of the same events searches at the same events every
 * time. What is cached is not state: a user evicted (least recently used beyond {@code maxUsers}) or met again
 * after a restart or a rebalance is searched at once. One instance per scoring processor: it is not thread-safe.
 */
final class TextQueryCache {
    private final int refreshEvents;
    private final Map<String, Map<String, Hits>> byUser;

    /** One text model's search: the user's step then, and what it found. */
    record Hits(long step, int[] items) {
    }

    TextQueryCache(int refreshEvents, int maxUsers) {
        this.refreshEvents = refreshEvents;
        this.byUser = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Map<String, Hits>> eldest) {
                return size() > maxUsers;
            }
        };
    }

    /** The user's last searches, per text model; a view replaces the ones it searches again. */
    Map<String, Hits> of(String userId) {
        return byUser.computeIfAbsent(userId, u -> new HashMap<>());
    }

    /** Whether hits searched earlier still serve at this step of the user. */
    boolean fresh(Hits hits, long step) {
        return hits != null && step >= hits.step && step - hits.step < refreshEvents;
    }

    int users() {
        return byUser.size();
    }
}
