package ripple.features;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;

/**
 * How candidates are gathered before ranking. Every source is bounded, so an event's cost does not grow with the
 * catalogue: {@code candidates} per source, {@code popularItems} per popularity list (overall and per category,
 * recent and all-time), {@code neighbours} co-occurrence neighbours kept per item, and the user's
 * {@code covisitHistory} most recent items whose neighbours are looked up (and which a new item is paired with).
 * The text index makes changes searchable at most every {@code indexRefresh}; {@code indexMaxConn} and
 * {@code indexBeamWidth} are the HNSW graph's M and construction beam width. A user's text query is searched
 * again every {@code textQueryRefresh} of the user's events, and the last hits of at most
 * {@code textQueryUsers} users are kept per scoring task. A user with fewer than {@code textQueryColdEvents} events
 * shares the prior's text query instead of searching their own.
 */
public record RetrievalSettings(int candidates, int popularItems, int neighbours, int covisitHistory,
                                Set<Source> sources, Duration indexRefresh, int indexMaxConn, int indexBeamWidth,
                                int textQueryRefresh, int textQueryUsers, int textQueryColdEvents) {

    /** The candidate sources, as named by {@code scoring.sources}. */
    public enum Source {
        /** The user's own recent items: repeats and re-buys. */
        RECENT,
        /** Item-to-item co-occurrence neighbours of the user's recent items. */
        COVISIT,
        /** Popular items overall, recently and all-time. */
        POPULAR,
        /** Popular items within the user's strongest categories, recently and all-time. */
        CATEGORY,
        /** Text neighbours (HNSW over the item text) of the user's text weights and of the user's recent items. */
        TEXT;

        public static final int COUNT = values().length;

        public int bit() {
            return 1 << ordinal();
        }

        public boolean in(int sources) {
            return (sources & bit()) != 0;
        }
    }

    public RetrievalSettings {
        // a private EnumSet, handed out read-only: uses() is asked several times per event, and an enum set's lookup
        // is a bit test (through the read-only wrapper, a call the JIT saw on every kind of set in the process)
        sources = sources.isEmpty() ? EnumSet.noneOf(Source.class) : EnumSet.copyOf(sources);
    }

    @Override
    public Set<Source> sources() {
        return Collections.unmodifiableSet(sources);
    }

    public static RetrievalSettings from(RippleConfig c) {
        Duration refresh = c.duration("scoring.index.refresh");
        if (refresh.isNegative()) {
            throw new ConfigException("scoring.index.refresh", "must not be negative");
        }
        return new RetrievalSettings(
                c.intValue("scoring.candidates"),
                c.intValue("scoring.popular-items"),
                c.intValue("scoring.neighbours"),
                c.intValue("scoring.covisit-history"),
                sources(c),
                refresh,
                c.intValue("scoring.index.max-conn"),
                c.intValue("scoring.index.beam-width"),
                c.intValue("scoring.text-query.refresh-events"),
                c.intValue("scoring.text-query.cached-users"),
                c.intValue("scoring.text-query.cold-events"));
    }

    private static Set<Source> sources(RippleConfig c) {
        Set<Source> out = EnumSet.noneOf(Source.class);
        String list = c.string("scoring.sources");
        for (String part : list.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                out.add(Source.valueOf(part.trim().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("scoring.sources", "expected any of recent, covisit, popular, category, "
                        + "text, got '" + part.trim() + "'");
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException("scoring.sources", "name at least one candidate source");
        }
        return out;
    }

    /** The shipped defaults (config/application.properties). */
    public static RetrievalSettings defaults() {
        return from(RippleConfig.defaultConfig());
    }

    public boolean uses(Source s) {
        return sources.contains(s);
    }
}
