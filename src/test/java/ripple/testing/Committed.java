package ripple.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what an exactly-once application committed to a topic: read_committed, from the beginning, with assigned
 * partitions (no consumer group, so nothing waits on a rebalance and no offsets are left behind).
 */
public final class Committed {
    private Committed() {
    }

    /** Values until {@code expected} have arrived (at most a minute), then a second longer for any extras. */
    public static <V> List<V> await(Properties client, String topic, Deserializer<V> values, int expected) {
        return await(client, topic, values, expected, Duration.ofSeconds(60), Duration.ofSeconds(1));
    }

    /**
     * Values until {@code expected} have arrived or {@code max} has passed, then {@code linger} longer, so that
     * records beyond the expected ones (duplicates) show too.
     */
    public static <V> List<V> await(Properties client, String topic, Deserializer<V> values, int expected,
                                    Duration max, Duration linger) {
        List<V> out = new ArrayList<>();
        try (KafkaConsumer<String, V> c = consumer(client, topic, values, "read_committed")) {
            long deadline = System.nanoTime() + max.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
            long end = System.nanoTime() + linger.toNanos();
            while (System.nanoTime() < end) {
                c.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
        }
        return out;
    }

    /**
     * Values once {@code expected} distinct ids have been committed, then read again a second later, so that
     * duplicates committed late show too. Fails naming {@code what} when no new id comes for {@code stall}: a
     * loaded machine is slow but moves, so no deadline has to guess how slow.
     */
    public static <V> List<V> awaitDistinct(Properties client, String topic, Deserializer<V> values,
                                            Function<V, String> id, int expected, Duration stall, String what)
            throws InterruptedException {
        Await.whileProgressing(stall, what, expected, () -> snapshot(client, topic, values, Duration.ofSeconds(3))
                .stream().map(id).distinct().count());
        Thread.sleep(1000);
        return snapshot(client, topic, values, Duration.ofSeconds(3));
    }

    /** Values committed so far: up to the end the topic had when reading started, or {@code max}. */
    public static <V> List<V> snapshot(Properties client, String topic, Deserializer<V> values, Duration max) {
        return snapshot(client, topic, values, max, "read_committed");
    }

    /**
     * Every value written so far, committed or not (read_uncommitted): with {@link #snapshot}, how much was
     * written in transactions that were aborted (or are still open).
     */
    public static <V> List<V> uncommitted(Properties client, String topic, Deserializer<V> values, Duration max) {
        return snapshot(client, topic, values, max, "read_uncommitted");
    }

    private static <V> List<V> snapshot(Properties client, String topic, Deserializer<V> values, Duration max,
                                        String isolation) {
        List<V> out = new ArrayList<>();
        try (KafkaConsumer<String, V> c = consumer(client, topic, values, isolation)) {
            Map<TopicPartition, Long> end = c.endOffsets(c.assignment());
            long deadline = System.nanoTime() + max.toNanos();
            while (System.nanoTime() < deadline
                    && !end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                for (ConsumerRecord<String, V> r : c.poll(Duration.ofMillis(100))) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }

    private static <V> KafkaConsumer<String, V> consumer(Properties client, String topic, Deserializer<V> values,
                                                         String isolation) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        KafkaConsumer<String, V> c = new KafkaConsumer<>(p, new StringDeserializer(), values);
        List<TopicPartition> parts = c.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }
}
