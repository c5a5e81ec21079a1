package ripple.testing;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/** Properties for a {@code TopologyTestDriver}, which every topology test writes out the same way. */
public final class TestDrivers {
    private TestDrivers() {
    }

    /** An application id, a broker the driver never dials, and the state directory. */
    public static Properties props(String applicationId, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }
}
