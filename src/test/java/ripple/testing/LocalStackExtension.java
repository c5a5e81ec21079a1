package ripple.testing;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import picocli.CommandLine;
import ripple.dev.EmbeddedKafka;
import ripple.dev.LocalStack;
import ripple.registry.HttpSchemaRegistry;
import ripple.dev.registry.KafkaSchemaStore;
import ripple.runtime.TempDirs;

/**
 * The {@link LocalStack} (broker, schema store, registry server on free ports) as a JUnit 5 extension, with ways to
 * run commands against it and read its topics. In a static field it serves the whole class:
 * <pre>{@code @RegisterExtension static final LocalStackExtension kafka = new LocalStackExtension();}</pre>
 * in an instance field, each test gets its own.
 */
public final class LocalStackExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private LocalStack stack;
    private Path dataDir;
    private boolean perTest;

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // an instance field's extension sees no class callbacks: it starts here, for this test alone
        if (stack == null) {
            perTest = true;
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void start() {
        try {
            dataDir = Files.createTempDirectory("ripple-test-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stack = LocalStack.builder(dataDir).registry("127.0.0.1", 0).start();
    }

    private void stop() {
        if (stack == null) {
            return;
        }
        try {
            stack.close();
        } finally {
            stack = null;
            TempDirs.deleteQuietly(dataDir);
        }
    }

    private LocalStack stack() {
        if (stack == null) {
            throw new IllegalStateException("the local stack is not running: register the extension with @RegisterExtension");
        }
        return stack;
    }

    public EmbeddedKafka kafka() {
        return stack().kafka();
    }

    /** The registry's store, for code that takes a SchemaRegistry without going through HTTP. */
    public KafkaSchemaStore schemaStore() {
        return stack().schemaStore();
    }

    public String bootstrapServers() {
        return stack().bootstrapServers();
    }

    public String registryUrl() {
        return stack().registryUrl();
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
}
