package ripple.dev;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import ripple.avro.Recommendations;
import ripple.avro.RecommendedItem;
import ripple.topics.Topics;

/**
 * Follows the recommendations topic and shows, for a few users, their latest top-5 with titles and per-group
 * contributions: redrawn in place on a terminal; on a pipe or a file, a status line every few seconds and the lists
 * that changed.
 */
public final class ConsoleView implements AutoCloseable {
    private static final int WATCHED = 3;
    private static final int SHOWN = 5;

    private final KafkaConsumer<String, Recommendations> consumer;
    private final SyntheticGenerator generator;
    private final Map<String, Recommendations> latest = new LinkedHashMap<>();
    private final StatusScreen screen;
    private long received;
    private long firstAtNanos;

    public ConsoleView(Properties clientProps, Topics topics, SyntheticGenerator generator, StatusScreen screen) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), topics.recommendations.valueSerde().deserializer());
        // Assigned, not subscribed, and positioned at the end now: a group member would start from "latest" only
        // once it had joined, and miss whatever came before (a short demo's whole output, on a slow machine).
        List<TopicPartition> partitions = consumer.partitionsFor(topics.recommendations.name()).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        this.generator = generator;
        this.screen = screen;
    }

    /** Polls for up to {@code wait}; returns the number of recommendations received so far. */
    public long poll(Duration wait) {
        for (ConsumerRecord<String, Recommendations> r : consumer.poll(wait)) {
            if (received++ == 0) {
                firstAtNanos = System.nanoTime();
            }
            if (latest.containsKey(r.key()) || latest.size() < WATCHED) {
                latest.put(r.key(), r.value());
            }
        }
        return received;
    }

    public long received() {
        return received;
    }

    /** When the first recommendation arrived (System.nanoTime), or 0. */
    public long firstAtNanos() {
        return firstAtNanos;
    }

    /**
     * Shows the status and the watched users' latest lists (see {@link StatusScreen} for how, on a terminal and
     * elsewhere).
     *
     * @param force print now even on a pipe (the last view before exiting)
     */
    public void render(String status, boolean force) {
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        latest.values().forEach(r -> blocks.put(r.getUserId(), userLines(r)));
        screen.draw(status, blocks, force);
    }

    private List<String> userLines(Recommendations r) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "user %s (top topic: %s) after event %s, model %s",
                r.getUserId(), topTopic(r.getUserId()), r.getEventId(), r.getModelVersion()));
        int n = 0;
        for (RecommendedItem i : r.getItems()) {
            if (n++ == SHOWN) {
                break;
            }
            lines.add(String.format(Locale.ROOT, "  %d. %-48s %7.3f = text %6.3f + influence %6.3f + context %6.3f",
                    n, clip(title(i.getItemId()), 48), i.getScore(), i.getText(), i.getInfluence(), i.getContext()));
        }
        return lines;
    }

    private String title(String itemId) {
        try {
            return itemId + " " + generator.item(itemId).getTitle();
        } catch (IllegalArgumentException e) {
            return itemId;
        }
    }

    private String topTopic(String userId) {
        try {
            double[] taste = generator.taste(userId);
            int best = 0;
            for (int t = 1; t < taste.length; t++) {
                if (taste[t] > taste[best]) {
                    best = t;
                }
            }
            return generator.topicName(best);
        } catch (IllegalArgumentException e) {
            return "?";
        }
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }

    @Override
    public void close() {
        consumer.close();
    }
}
