package ripple.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import ripple.avro.BehaviorEvent;
import ripple.config.RippleConfig;
import ripple.dev.SyntheticGenerator;
import ripple.serde.InMemorySchemaRegistry;
import ripple.testing.LocalStackExtension;
import ripple.topics.Topics;

/**
 * A backtest of a live topic on a real broker: it reads every event, and the live consumer group's committed
 * offsets, the set of groups and the set of topics are exactly as before.
 */
@Tag("integration")
class TopicReplayIntegrationTest {
    private static final String TOPIC = "behavior-events";
    private static final String LIVE_GROUP = "ripple";

    @RegisterExtension
    static final LocalStackExtension kafka = new LocalStackExtension();

    @Test
    void aBacktestOfALiveTopicLeavesTheLiveGroupAndTopicsAlone() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
            Topics topics = Topics.create(RippleConfig.defaultConfig(), new InMemorySchemaRegistry());
            List<BehaviorEvent> events = new SyntheticGenerator(SyntheticGenerator.Settings.defaults()
                    .withUsers(20).withItems(30).withSeed(5)).events(200);
            try (KafkaProducer<String, BehaviorEvent> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new StringSerializer(), topics.behaviorEvents.valueSerde().serializer())) {
                for (BehaviorEvent e : events) {
                    producer.send(new ProducerRecord<>(TOPIC, e.getUserId(), e));
                }
                producer.flush();
            }
            // the live scorer's group has consumed part of the topic
            try (KafkaConsumer<byte[], byte[]> live = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, LIVE_GROUP), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                live.commitSync(Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(3),
                        new TopicPartition(TOPIC, 1), new OffsetAndMetadata(1)));
            }
            Map<TopicPartition, OffsetAndMetadata> offsetsBefore = offsets(admin);
            Set<String> groupsBefore = groups(admin);
            Set<String> topicsBefore = admin.listTopics().names().get();

            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            TopicSource.Read read = TopicSource.read(p, TOPIC, topics.behaviorEvents.valueSerde().deserializer(),
                    null, null, Duration.ofSeconds(60));
            assertThat(read.events()).hasSize(200);
            assertThat(read.skipped()).isEmpty();
            BacktestReport report = new Backtest(RippleConfig.defaultConfig(),
                    ReplayInput.of("topic", read.events(), List.of()), ReplayOptions.defaults(), false, 1)
                    .run(Backtest.settings(Map.of(), Map.of()), BacktestProgress.silent());
            assertThat(report.evaluated()).isEqualTo(200L);

            assertThat(offsets(admin)).isEqualTo(offsetsBefore);
            assertThat(groups(admin)).isEqualTo(groupsBefore);
            assertThat(admin.listTopics().names().get()).isEqualTo(topicsBefore);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(Admin admin) throws Exception {
        return admin.listConsumerGroupOffsets(LIVE_GROUP).partitionsToOffsetAndMetadata().get();
    }

    private static Set<String> groups(Admin admin) throws Exception {
        return Set.copyOf(admin.listGroups().all().get().stream().map(g -> g.groupId()).toList());
    }
}
