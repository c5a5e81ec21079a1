package ripple.scoring;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where a candidate came from in the first stage. Each source is bounded, so an event's cost does not grow with
 * the catalogue; a candidate remembers every source that proposed it (a bit per source), and the ranker sees those
 * bits as features.
 */
public enum CandidateSource {
    /** The user's own recent items: repeats and re-buys. */
    RECENT,
    /** Item-to-item co-occurrence neighbours of the user's recent items. */
    COVISIT,
    /** Popular items overall, recently and all-time. */
    POPULAR,
    /** Popular items within the user's strongest categories, recently and all-time. */
    CATEGORY,
    /** Text neighbours (HNSW over the BERT vectors) of the user's text weights and of the user's recent items. */
    TEXT;

    public static final int COUNT = values().length;

    public int bit() {
        return 1 << ordinal();
    }

    public boolean in(int sources) {
        return (sources & bit()) != 0;
    }

    /** Parses {@code recent,covisit} (any case; empty for none). */
    public static Set<CandidateSource> parseAll(String list) {
        Set<CandidateSource> out = EnumSet.noneOf(CandidateSource.class);
        for (String part : list.split(",")) {
            if (!part.isBlank()) {
                out.add(valueOf(part.trim().toUpperCase(Locale.ROOT)));
            }
        }
        return out;
    }
}
