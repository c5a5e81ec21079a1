package ripple.features;

import java.time.Duration;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;

/**
 * How a user's top-K is found. Up to {@code exactScanMax} items the whole catalogue is scored; above, an
 * approximate search proposes candidates (per source at most {@code candidates}) that are then scored exactly.
 * The text index makes changes searchable at most every {@code indexRefresh}; {@code indexMaxConn} and
 * {@code indexBeamWidth} are the HNSW graph's M and construction beam width.
 */
public record RetrievalSettings(int exactScanMax, int candidates, Duration indexRefresh, int indexMaxConn,
                                int indexBeamWidth) {

    public static RetrievalSettings from(RippleConfig c) {
        Duration refresh = c.duration("scoring.index.refresh");
        if (refresh.isNegative()) {
            throw new ConfigException("scoring.index.refresh", "must not be negative");
        }
        return new RetrievalSettings(
                c.intValue("scoring.exact-scan-max", 0, Integer.MAX_VALUE),
                c.intValue("scoring.candidates", 1, 100_000),
                refresh,
                c.intValue("scoring.index.max-conn", 2, Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN),
                c.intValue("scoring.index.beam-width", 2, Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH));
    }

    /** The shipped defaults (config/application.properties). */
    public static RetrievalSettings defaults() {
        return from(RippleConfig.defaultConfig());
    }
}
