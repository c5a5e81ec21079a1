package ripple.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine;
import ripple.dev.EmbeddedKafka;
import ripple.registry.HttpSchemaRegistry;
import ripple.registry.KafkaSchemaStore;
import ripple.registry.RegistryServer;

/** A broker and a registry on free ports for one test class, and a way to run commands against them. */
public final class KafkaStack implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final KafkaSchemaStore store;
    private final RegistryServer registry;

    private KafkaStack(EmbeddedKafka kafka, KafkaSchemaStore store, RegistryServer registry) {
        this.kafka = kafka;
        this.store = store;
        this.registry = registry;
    }

    public static KafkaStack start(Path dataDir) {
        EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).port(0).build().start();
        KafkaSchemaStore store = KafkaSchemaStore.open(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                KafkaSchemaStore.DEFAULT_TOPIC, Duration.ofSeconds(30));
        return new KafkaStack(kafka, store, RegistryServer.start(store, "127.0.0.1", 0));
    }

    /** The registry's store, for code that takes a SchemaRegistry without going through HTTP. */
    public KafkaSchemaStore schemaStore() {
        return store;
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url().toString();
    }

    public HttpSchemaRegistry registryClient() {
        return HttpSchemaRegistry.builder(registryUrl()).build();
    }

    /** What a command printed, and its exit code. */
    public record Run(int exitCode, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    /** Runs a command as picocli would from the command line, pointed at this stack. */
    public Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", bootstrapServers(), "--registry-url", registryUrl()));
        int code = cli.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    /** Every record of a topic, from the beginning, decoded with the given deserializers. */
    public <K, V> List<ConsumerRecord<K, V>> readAll(String topic, Deserializer<K> keys, Deserializer<V> values, int expected) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keys, values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Every record of a topic as raw bytes, up to its end offsets now, aborted transactions included. */
    public List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 30 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    @Override
    public void close() {
        registry.close();
        kafka.close();
    }
}
