package ripple.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** One broker for the class; the last test restarts it on the same data directory. */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedKafkaIntegrationTest {

    private static final Duration POLL_LIMIT = Duration.ofSeconds(30);

    @TempDir
    static Path dataDir;

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().dataDir(dataDir).port(0).build().start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    @Order(1)
    void producedRecordIsConsumed() throws Exception {
        createTopic("plain");
        try (var producer = producer(Map.of())) {
            producer.send(new ProducerRecord<>("plain", "k", "hello")).get();
        }
        assertThat(readAll("plain", "read_committed")).containsExactly("k=hello");
    }

    @Test
    @Order(2)
    void transactionalProducerCommitsAndAbortsAtomically() throws Exception {
        createTopic("tx");
        try (var producer = producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-test"))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx", "k", "aborted")).get(); // in the log before the abort
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx", "k", "committed-1"));
            producer.send(new ProducerRecord<>("tx", "k", "committed-2"));
            producer.commitTransaction();
        }
        assertThat(readAll("tx", "read_committed")).containsExactly("k=committed-1", "k=committed-2");
        // The aborted record is in the log; only an isolation level that skips aborted data hides it.
        assertThat(readAll("tx", "read_uncommitted")).contains("k=aborted");
    }

    @Test
    @Order(3)
    void restartOnSameDirectoryKeepsClusterTopicsAndData() throws Exception {
        String clusterId = kafka.clusterId();
        kafka.close();
        kafka = EmbeddedKafka.builder().dataDir(dataDir).port(0).build().start();

        assertThat(kafka.clusterId()).isEqualTo(clusterId);
        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get()).contains("plain", "tx");
        }
        assertThat(readAll("plain", "read_committed")).containsExactly("k=hello");
    }

    private static void createTopic(String name) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        var props = new HashMap<String, Object>(extra);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Every record of the topic's single partition, as {@code key=value}, read from the beginning to its end. */
    private static List<String> readAll(String topic, String isolation) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            var partition = new TopicPartition(topic, 0);
            consumer.assign(Set.of(partition));
            long end = consumer.endOffsets(Set.of(partition)).get(partition);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + POLL_LIMIT.toNanos();
            while (consumer.position(partition) < end) {
                assertThat(System.nanoTime()).as("reading %s to offset %d", topic, end).isLessThan(deadline);
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.key() + "=" + r.value());
                }
            }
            return values;
        }
    }
}
