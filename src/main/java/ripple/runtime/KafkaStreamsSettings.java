package ripple.runtime;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;
import ripple.topics.TopicSettings;

/**
 * What Ripple's Kafka Streams applications are given, read and checked once at start: the clients' settings, Ripple's
 * own Kafka Streams settings, then the {@code streams.*} pass-through (any {@link StreamsConfig} key), which wins.
 *
 * @param processingGuarantee {@code exactly_once_v2} or {@code at_least_once}
 * @param replication         of the changelogs; -1 for the broker's default (shared with {@link TopicSettings})
 * @param instanceId          {@code instance.id}, trimmed; empty for no static membership
 * @param rocksDbMemoryBytes  {@code state.rocksdb.memory-mb}, in bytes: one bound for every store in the process
 * @param overrides           the {@code streams.*} settings, without the prefix
 */
public record KafkaStreamsSettings(KafkaClientSettings client, String applicationId, String stateDir,
                                   String processingGuarantee, int streamThreads, Duration commitInterval,
                                   short replication, String instanceId, long rocksDbMemoryBytes,
                                   Map<String, String> overrides) {

    public KafkaStreamsSettings {
        overrides = Map.copyOf(overrides);
    }

    /** Reads the settings in the order Kafka Streams' properties were built from them, so the first error is the same. */
    public static KafkaStreamsSettings from(RippleConfig c) {
        String applicationId = c.nonEmpty("application.id");
        KafkaClientSettings client = KafkaClientSettings.from(c);
        String stateDir = c.nonEmpty("state.dir");
        String guarantee = c.nonEmpty("processing.guarantee");
        if (!guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2) && !guarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
            throw new ConfigException("processing.guarantee",
                    "invalid value '" + guarantee + "': expected exactly_once_v2 or at_least_once");
        }
        int threads = c.intValue("num.stream.threads");
        Duration commitInterval = c.duration("commit.interval");
        short replication = TopicSettings.replicationFactor(c);
        String instance = c.string("instance.id").trim();
        long rocksDbMemoryBytes = c.intValue("state.rocksdb.memory-mb") * 1024L * 1024L;
        return new KafkaStreamsSettings(client, applicationId, stateDir, guarantee, threads, commitInterval,
                replication, instance, rocksDbMemoryBytes, c.withPrefix(RippleConfig.STREAMS_PREFIX));
    }
}
