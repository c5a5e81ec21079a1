package ripple.runtime;

import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import ripple.config.RippleConfig;
import ripple.topics.TopicSettings;

/**
 * Kafka client and Kafka Streams properties built from Ripple's settings, then the {@code kafka.*} pass-through (every
 * client), then, for Kafka Streams, the {@code streams.*} pass-through (any {@link StreamsConfig} key).
 */
public final class KafkaSettings {
    private KafkaSettings() {
    }

    /** For admin clients, producers and consumers: the brokers plus the pass-through (security) settings. */
    public static Properties client(RippleConfig c) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, c.nonEmpty("bootstrap.servers"));
        p.putAll(c.kafkaClientOverrides());
        return p;
    }

    /** For a Kafka Streams application; {@code suffix} separates roles that run as their own applications. */
    public static Properties streams(RippleConfig c, String suffix) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, c.nonEmpty("application.id") + suffix);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, c.nonEmpty("bootstrap.servers"));
        p.put(StreamsConfig.STATE_DIR_CONFIG, c.nonEmpty("state.dir"));
        String guarantee = c.nonEmpty("processing.guarantee");
        if (!guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2) && !guarantee.equals(StreamsConfig.AT_LEAST_ONCE)) {
            throw new ripple.config.ConfigException("processing.guarantee",
                    "invalid value '" + guarantee + "': expected exactly_once_v2 or at_least_once");
        }
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, c.intValue("num.stream.threads"));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, c.duration("commit.interval").toMillis());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replicationFactor(c));
        // Under exactly-once a produce can reach the broker while the previous transaction is still committing
        // (CONCURRENT_TRANSACTIONS) and is retried after the producer's backoff, which Kafka grows towards 1 s:
        // that backoff became the p99 latency. Capped at 100 ms, a retry lands soon after the commit does. The
        // broker side is tuned too (EmbeddedKafka; README for other brokers).
        p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 10);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG), 100);
        // Kafka 4.4 warns at every start until this is set, and 5.0 makes it the default: errors in global store
        // processing go to the processing exception handler too (Kafka's default one still fails, as before).
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        String instance = c.string("instance.id").trim();
        if (!instance.isEmpty()) {
            // Static membership: Kafka Streams gives each stream thread's consumer "<id>-<thread>", so a restarted
            // instance rejoins as itself and gets its tasks back at once; a dead one without a successor still
            // loses them after session.timeout.ms. Group ids differ per role, so both roles can share the name.
            p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instance);
        }
        // One bound for every store in the process: the setter's cache is shared, so it is sized here, once.
        BoundedRocksDbConfig.configure(c.intValue("state.rocksdb.memory-mb") * 1024L * 1024L);
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class);
        p.putAll(c.kafkaClientOverrides());
        // Kafka Streams' own keys last: streams.commit.interval.ms, streams.num.standby.replicas, ...
        p.putAll(c.withPrefix(RippleConfig.STREAMS_PREFIX));
        return p;
    }

    /**
     * {@code topics.replication-factor}: -1 (the default) leaves it to the broker's {@code default.replication.factor},
     * so that a production cluster's changelogs and topics get its replication rather than 1.
     */
    public static short replicationFactor(RippleConfig c) {
        return TopicSettings.replicationFactor(c);
    }
}
