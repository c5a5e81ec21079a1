package ripple.runtime;

import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import ripple.config.RippleConfig;

/**
 * Kafka client and Kafka Streams properties built from Ripple's settings, then the {@code kafka.*} pass-through (every
 * client), then, for Kafka Streams, the {@code streams.*} pass-through (any {@link StreamsConfig} key). The settings
 * come as records read and checked once at start: {@link KafkaClientSettings} for every client,
 * {@link KafkaStreamsSettings} for Kafka Streams applications. Two records rather than one, so that a command that
 * only produces or reads (import, tail) checks the brokers and the pass-through, as before, and not the Kafka Streams
 * settings it never uses.
 */
public final class KafkaSettings {
    /** fetch.max.wait.ms of the global and restore consumers, see {@link #streams}. */
    static final int RESTORE_FETCH_MAX_WAIT_MS = 50;

    private KafkaSettings() {
    }

    /** For admin clients, producers and consumers: the brokers plus the pass-through (security) settings. */
    public static Properties client(KafkaClientSettings s) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        p.putAll(s.overrides());
        return p;
    }

    /** For a Kafka Streams application; {@code suffix} separates roles that run as their own applications. */
    public static Properties streams(KafkaStreamsSettings s, String suffix) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, s.applicationId() + suffix);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, s.client().bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir());
        String guarantee = s.processingGuarantee();
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        if (guarantee.equals(StreamsConfig.EXACTLY_ONCE_V2)) {
            // Under exactly-once a store may hold writes of a transaction that never committed, so after a crash
            // (kill -9, OOM) Kafka Streams finds every task's state corrupt twice: when KafkaStreams starts, then
            // again at assignment, where it fails the task, closes it, rebalances, wipes the state and restores it
            // from the changelogs. Transactional state stores (KIP-892) apply writes only when their transaction
            // commits; with them a crashed task's state is wiped once, at start. After kill -9 of `./ripple dev`
            // the scorer went from start to RUNNING in 7.7 to 11.3 s instead of 12.7 to 15.8 s (README,
            // Production). Interactive queries keep reading uncommitted writes, as before.
            p.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true);
        }
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.streamThreads());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, s.commitInterval().toMillis());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) s.replication());
        // Under exactly-once a produce can reach the broker while the previous transaction is still committing
        // (CONCURRENT_TRANSACTIONS) and is retried after the producer's backoff, which Kafka grows towards 1 s:
        // that backoff became the p99 latency. Capped at 100 ms, a retry lands soon after the commit does. The
        // broker side is tuned too (EmbeddedKafka; README for other brokers).
        p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 10);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG), 100);
        // Start-up restores the global stores one partition after another, and each partition ends with the
        // consumer's next fetch parked at the log end for fetch.max.wait.ms (500 ms by default): the broker answers
        // the next partition's offset request only after it. With 3 global stores of 6 partitions that was about
        // half a second for each of 18 partitions at every start. These two consumers read up to a known end
        // offset, so a short wait costs only more frequent empty fetches while idle (at most 1000 /
        // RESTORE_FETCH_MAX_WAIT_MS a second); the main consumer keeps Kafka's default.
        p.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), RESTORE_FETCH_MAX_WAIT_MS);
        p.put(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), RESTORE_FETCH_MAX_WAIT_MS);
        // Kafka 4.4 warns at every start until this is set, and 5.0 makes it the default: errors in global store
        // processing go to the processing exception handler too (Kafka's default one still fails, as before).
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        String instance = s.instanceId();
        if (!instance.isEmpty()) {
            // Static membership: Kafka Streams gives each stream thread's consumer "<id>-<thread>", so a restarted
            // instance rejoins as itself and gets its tasks back at once; a dead one without a successor still
            // loses them after session.timeout.ms. Group ids differ per role, so both roles can share the name.
            p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instance);
        }
        // One bound for every store in the process: the setter's cache is shared, so it is sized here, once.
        BoundedRocksDbConfig.configure(s.rocksDbMemoryBytes());
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class);
        p.putAll(s.client().overrides());
        // Kafka Streams' own keys last: streams.commit.interval.ms, streams.num.standby.replicas, ...
        p.putAll(s.overrides());
        return p;
    }

    /**
     * {@link #client(KafkaClientSettings)} for a caller that holds only a configuration and uses it at once: the
     * end-to-end benchmark and integration tests. The runtime, the dev stack and the commands build the record at
     * start and pass that.
     */
    public static Properties client(RippleConfig c) {
        return client(KafkaClientSettings.from(c));
    }

    /** {@link #streams(KafkaStreamsSettings, String)} for a caller that holds only a configuration, as above. */
    public static Properties streams(RippleConfig c, String suffix) {
        return streams(KafkaStreamsSettings.from(c), suffix);
    }
}
