package ripple.backtest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import ripple.avro.BehaviorEvent;

/**
 * Reads a behaviour topic for a backtest with a plain consumer that assigns itself every partition: no consumer
 * group, no committed offsets, nothing written. The replay then runs in a TopologyTestDriver with its own
 * application id and topics, so a backtest of a live topic cannot touch the live application's state, its
 * consumer group or its output topics.
 */
public final class TopicSource {
    private static final Duration POLL = Duration.ofMillis(500);

    /** Records that could not be replayed, with where they are. */
    public record Skipped(int partition, long offset, String reason) {
    }

    public record Read(List<BehaviorEvent> events, List<Skipped> skipped) {
    }

    private TopicSource() {
    }

    /**
     * Every event of the topic up to its end as of now whose event time is in [from, to) (either may be null).
     *
     * @param consumerProperties bootstrap servers and client settings; group and commit settings are ignored
     */
    public static Read read(Properties consumerProperties, String topic, Deserializer<BehaviorEvent> values,
                            Instant from, Instant to, Duration timeout) {
        return read(consumerProperties, topic, values, from, to, timeout, null);
    }

    /** @param step told the records read so far of those the topic holds; null for none */
    public static Read read(Properties consumerProperties, String topic, Deserializer<BehaviorEvent> values,
                            Instant from, Instant to, Duration timeout, BacktestProgress.Step step) {
        Properties p = new Properties();
        p.putAll(consumerProperties);
        p.remove("group.id");
        p.put("enable.auto.commit", "false");
        List<BehaviorEvent> events = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("topic '" + topic + "' does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
            end.entrySet().removeIf(e -> e.getValue() <= consumer.position(e.getKey(), timeout));
            long total = 0;
            for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                total += e.getValue() - consumer.position(e.getKey(), timeout);
            }
            long read = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!end.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading '" + topic + "' took longer than " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    read++;
                    BehaviorEvent e;
                    try {
                        e = values.deserialize(topic, r.value());
                    } catch (RuntimeException ex) {
                        skipped.add(new Skipped(r.partition(), r.offset(), ex.getMessage()));
                        continue;
                    }
                    if (e == null || e.getTimestamp() == null) {
                        skipped.add(new Skipped(r.partition(), r.offset(), "no event or no timestamp"));
                    } else if ((from == null || !e.getTimestamp().isBefore(from)) && (to == null || e.getTimestamp().isBefore(to))) {
                        events.add(e);
                    }
                }
                end.entrySet().removeIf(e -> consumer.position(e.getKey(), timeout) >= e.getValue());
                if (step != null) {
                    step.update(read, total);
                }
            }
        }
        return new Read(events, skipped);
    }
}
