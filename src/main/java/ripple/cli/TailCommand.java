package ripple.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;
import ripple.privacy.Pseudonyms;
import ripple.registry.SchemaRegistryException;
import ripple.serde.Utf8;
import ripple.topics.Topic;
import ripple.topics.Topics;

/**
 * {@code ripple tail}: prints the records of one of Ripple's topics as JSON, one line each:
 * {@code {"key":..., "partition":..., "offset":..., "timestamp":..., "value":{...}}}. The record's fields stay
 * inside {@code value} because some of them (an event's {@code timestamp}) would collide with the record's own.
 * A record that cannot be decoded is printed with {@code error} and its bytes in {@code valueBase64} instead, and
 * tailing goes on. Keys that are not valid UTF-8 (dead letters keep the original key bytes) are printed as
 * {@code keyBase64}. Standard output carries only the JSON lines, so it can be piped to {@code jq}.
 */
@Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the records of a Ripple topic as JSON lines, decoded through the schema registry.",
        footer = {"", "Examples:",
                "  ripple tail --topic recommendations --user 42",
                "  ripple tail --topic dead-letters --from-beginning --timeout 5s | jq .value.reason"})
public final class TailCommand implements Callable<Integer> {

    /** The topics by the names of their {@code topics.*} settings; the actual names come from the configuration. */
    static final Map<String, Function<Topics, Topic<?, ?>>> TOPICS = topics();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration MAX_POLL = Duration.ofMillis(200);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC",
            description = "recommendations, scores, weight-updates, dead-letters, behavior-events, items or item-features.")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the oldest record (default: only new records).")
    boolean fromBeginning;

    @Option(names = "--max", paramLabel = "N", description = "Exit after printing N records.")
    Long max;

    @Option(names = "--user", paramLabel = "ID", description = "Only records whose key is this user (or item) id.")
    String user;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Exit after this long at the end of the topic without a record to print: 10 (seconds), 10s, 5m, 1d "
                    + "(default: run until Ctrl-C).")
    Duration timeout;

    private static Map<String, Function<Topics, Topic<?, ?>>> topics() {
        Map<String, Function<Topics, Topic<?, ?>>> m = new LinkedHashMap<>();
        m.put("recommendations", t -> t.recommendations);
        m.put("scores", t -> t.scores);
        m.put("weight-updates", t -> t.weightUpdates);
        m.put("dead-letters", t -> t.deadLetters);
        m.put("behavior-events", t -> t.behaviorEvents);
        m.put("items", t -> t.items);
        m.put("item-features", t -> t.itemFeatures);
        return m;
    }

    @Override
    public Integer call() {
        if (!TOPICS.containsKey(topic)) {
            throw usage("unknown --topic '" + topic + "': expected one of " + String.join(", ", TOPICS.keySet()));
        }
        if (max != null && max < 1) {
            throw usage("--max must be at least 1");
        }
        Duration idleLimit = timeout;
        PrintWriter err = spec.commandLine().getErr();
        try {
            RippleConfig config = configOptions.load();
            String unreachable = CliSupport.checkKafka(config);
            if (unreachable != null) {
                return CliSupport.fail(err, "tail", unreachable);
            }
            Topic<?, ?> selected = TOPICS.get(topic).apply(Topics.create(config, CliSupport.registry(config)));
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                    CliSupport.assignedConsumerProperties(config, "ripple-tail"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                // with privacy.pseudonymise, user-keyed topics hold pseudonyms: --user takes the raw id or the pseudonym
                String pseudonym = user == null ? null : Pseudonyms.from(config).of(user);
                return tail(consumer, selected.name(), selected.valueSerde().deserializer(), idleLimit, pseudonym);
            }
        } catch (ConfigException e) {
            return CliSupport.configError(err, "tail", e);
        } catch (KafkaException e) {
            return CliSupport.fail(err, "tail", e.getMessage());
        }
    }

    /** Whether every partition has been read to its end, as of the last fetch (unknown before one: no). */
    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
        for (TopicPartition p : partitions) {
            OptionalLong lag = consumer.currentLag(p);
            if (lag.isEmpty() || lag.getAsLong() > 0) {
                return false;
            }
        }
        return true;
    }

    private int tail(KafkaConsumer<byte[], byte[]> consumer, String name, Deserializer<?> values, Duration idleLimit,
                     String pseudonym) {
        List<TopicPartition> partitions = consumer.partitionsFor(name, METADATA_TIMEOUT).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
            return CliSupport.fail(spec.commandLine().getErr(), "tail", "topic '" + name + "' does not exist");
        }
        consumer.assign(partitions);
        if (fromBeginning) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        // Seeks are lazy; resolving them now fixes the starting point at startup rather than at the first poll,
        // so a record produced right after the command starts is not skipped.
        partitions.forEach(consumer::position);

        CountDownLatch stopped = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            consumer.wakeup();
            try {
                // Let the loop close the consumer before the JVM exits.
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ripple-tail-shutdown");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        PrintWriter out = spec.commandLine().getOut();
        long printed = 0;
        long lastPrinted = System.nanoTime();
        try {
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(MAX_POLL)) {
                    String key = utf8(record.key());
                    if (user != null && !user.equals(key) && !pseudonym.equals(key)) {
                        continue;
                    }
                    out.println(line(record, key, values));
                    printed++;
                    lastPrinted = System.nanoTime();
                    if (max != null && printed >= max) {
                        return 0;
                    }
                }
                out.flush();
                // idle only counts at the end of the topic: a slow first fetch, or a long history filtered by
                // --user, is not "nothing to print"
                if (idleLimit != null && !caughtUp(consumer, partitions)) {
                    lastPrinted = System.nanoTime();
                }
                if (idleLimit != null && System.nanoTime() - lastPrinted >= idleLimit.toNanos()) {
                    return 0;
                }
            }
        } catch (WakeupException e) {
            return 0; // Ctrl-C
        } finally {
            out.flush();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down, running the hook: nothing to remove
            }
        }
    }

    private static String line(ConsumerRecord<byte[], byte[]> record, String key, Deserializer<?> values) {
        ObjectNode line = JSON.createObjectNode();
        if (record.key() != null && key == null) {
            line.put("keyBase64", Base64.getEncoder().encodeToString(record.key()));
        } else {
            line.put("key", key);
        }
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        try {
            line.set("value", AvroJson.toJson(values.deserialize(record.topic(), record.value())));
        } catch (KafkaException | SchemaRegistryException e) {
            // SerdeException (bad bytes, unknown schema id) is a KafkaException; a registry that is down is not
            line.put("error", e.getMessage());
            line.put("valueBase64", Base64.getEncoder().encodeToString(record.value()));
        }
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree as text", e);
        }
    }

    /** The bytes as text if they are valid UTF-8, else null. */
    private static String utf8(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        return Utf8.decodeOrNull(bytes);
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
