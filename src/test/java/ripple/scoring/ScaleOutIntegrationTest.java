package ripple.scoring;

import ripple.testing.Await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.ItemFeatures;
import ripple.config.RippleConfig;
import ripple.testing.Committed;
import ripple.testing.KafkaStack;
import ripple.registry.KafkaSchemaStore;
import ripple.runtime.KafkaSettings;
import ripple.topics.TopicAdmin;
import ripple.topics.Topics;

/**
 * Scale-out and fail-over on a real broker: two scorer instances share six partitions under one application id;
 * one dies mid-stream without leaving the group, the other takes all partitions over once the dead member's
 * session times out, restores its users from the changelogs, and under exactly-once every event yields exactly
 * one weight update.
 */
@Tag("integration")
class ScaleOutIntegrationTest {
    private static final Logger log = LoggerFactory.getLogger(ScaleOutIntegrationTest.class);
    private static final int PARTITIONS = 6;
    private static final int USERS = 200;
    private static final int ITEMS = 40;
    private static final int EVENTS = 3000;
    /** The broker's smallest allowed session timeout (group.min.session.timeout.ms) */
    private static final int SESSION_TIMEOUT_MS = 6000;

    @TempDir
    static Path dir;
    private static KafkaStack kafka;
    private static KafkaSchemaStore registry;

    @BeforeAll
    static void startBroker() {
        kafka = KafkaStack.start(dir.resolve("kafka"));
        registry = kafka.schemaStore();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void theSurvivorTakesOverEveryPartitionAndEveryEventYieldsExactlyOneWeightUpdate() throws Exception {
        RippleConfig config = ScorerFixture.testConfig()
                .with("bootstrap.servers", kafka.bootstrapServers())
                .with("application.id", "ripple-scale-" + UUID.randomUUID())
                .with("processing.guarantee", StreamsConfig.EXACTLY_ONCE_V2)
                .with("commit.interval", "100ms")
                .with("topics.partitions", Integer.toString(PARTITIONS));
        Topics topics = Topics.create(config, registry);
        try (Admin admin = Admin.create(KafkaSettings.client(config))) {
            TopicAdmin.ensure(admin, topics, PARTITIONS, (short) 1);
        }
        Properties client = KafkaSettings.client(config);
        try (KafkaProducer<String, ItemFeatures> features = new KafkaProducer<>(client, new StringSerializer(),
                topics.itemFeatures.valueSerde().serializer())) {
            for (int i = 0; i < ITEMS; i++) {
                features.send(new ProducerRecord<>(topics.itemFeatures.name(), "i" + i,
                        ScorerFixture.features("i" + i, i % 8, "v1")));
            }
        }

        KafkaStreams doomed = start(config, topics, "a");
        KafkaStreams survivor = start(config, topics, "b");
        try {
            Await.until(Duration.ofSeconds(30), "both instances running with partitions of their own", () ->
                    running(doomed) && running(survivor)
                            && !eventPartitions(doomed, topics).isEmpty() && !eventPartitions(survivor, topics).isEmpty());
            Set<Integer> doomedPartitions = eventPartitions(doomed, topics);
            log.info("before the crash: doomed owns {}, survivor owns {}", doomedPartitions, eventPartitions(survivor, topics));

            AtomicInteger sent = new AtomicInteger();
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(topics, client, sent));
            Await.until(Duration.ofSeconds(30), "a third of the events sent", () -> sent.get() >= EVENTS / 3);

            // A crash, as near as one JVM gets: no leave-group request and no waiting, so the group only learns
            // of it when the member's session times out. (Its threads still commit what they were doing as they
            // stop; a killed process would leave an open transaction for the broker to abort.)
            long crashedAt = System.nanoTime();
            doomed.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                    .withTimeout(Duration.ZERO));
            Set<Integer> all = Set.of(0, 1, 2, 3, 4, 5);
            Await.until(Duration.ofSeconds(40), "the survivor running all " + PARTITIONS + " partitions", () ->
                    running(survivor) && eventPartitions(survivor, topics).equals(all));
            long takeoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt);
            log.info("the survivor took over partitions {} {} ms after the crash (session timeout {} ms)",
                    doomedPartitions, takeoverMs, SESSION_TIMEOUT_MS);

            producing.get(60, TimeUnit.SECONDS);
            Map<String, Integer> updates = weightUpdatesPerEvent(client, topics);
            Map<Integer, Long> histogram = new TreeMap<>(updates.values().stream()
                    .collect(Collectors.groupingBy(n -> n, Collectors.counting())));
            log.info("weight updates per event id: {} (count -> event ids)", histogram);

            Set<String> missing = new TreeSet<>();
            for (int n = 0; n < EVENTS; n++) {
                if (!updates.containsKey(eventId(n))) {
                    missing.add(eventId(n));
                }
            }
            assertThat(missing).as("events without a weight update").isEmpty();
            assertThat(updates).as("weight updates for events never produced").hasSize(EVENTS);
            assertThat(updates.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                    .as("events with more than one weight update").isEmpty();
        } finally {
            survivor.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            doomed.close(Duration.ofSeconds(30));
        }
    }

    /** An instance with its own state directory, and a session timeout short enough for the test to wait out. */
    private static KafkaStreams start(RippleConfig config, Topics topics, String name) {
        Properties props = KafkaSettings.streams(config, "");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state-" + name).toString());
        props.put(StreamsConfig.CLIENT_ID_CONFIG, "scorer-" + name);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION_TIMEOUT_MS);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), SESSION_TIMEOUT_MS / 3);
        KafkaStreams streams = new KafkaStreams(ScoringTopology.build(ScoringSettings.from(config), topics), props);
        // the state changes, timestamped in the log, show where the fail-over's time goes
        streams.setStateListener((now, before) -> log.info("scorer {}: {} -> {}", name, before, now));
        streams.start();
        return streams;
    }

    /** EVENTS events for USERS users, each with its own id, paced over about three seconds so the crash lands mid-stream. */
    private static void produce(Topics topics, Properties client, AtomicInteger sent) {
        Instant t0 = Instant.now().minusSeconds(600);
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<String, BehaviorEvent> p = new KafkaProducer<>(client, new StringSerializer(),
                topics.behaviorEvents.valueSerde().serializer())) {
            BehaviorType[] types = {BehaviorType.BROWSE, BehaviorType.CLICK, BehaviorType.CART, BehaviorType.PURCHASE};
            for (int n = 0; n < EVENTS; n++) {
                String user = "u" + n % USERS;
                BehaviorEvent e = ScorerFixture.event(eventId(n), user, "i" + (n * 7) % ITEMS, types[n % types.length],
                        t0.plusMillis(n));
                p.send(new ProducerRecord<>(topics.behaviorEvents.name(), user, e), (meta, error) -> {
                    if (error != null) {
                        failed.compareAndSet(null, error);
                    }
                });
                sent.incrementAndGet();
                if (n % 100 == 99) {
                    Thread.sleep(100);
                }
            }
            p.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing events", e);
        }
        if (failed.get() != null) {
            throw new IllegalStateException("producing events failed", failed.get());
        }
    }

    private static String eventId(int n) {
        return "ev-" + n;
    }

    /** Weight updates per event id: reads until one per event or 40 s, then 3 s more to see duplicates. */
    private static Map<String, Integer> weightUpdatesPerEvent(Properties client, Topics topics) {
        Map<String, Integer> counts = new HashMap<>();
        Committed.await(client, topics.weightUpdates.name(), topics.weightUpdates.valueSerde().deserializer(), EVENTS,
                Duration.ofSeconds(40), Duration.ofSeconds(3)).forEach(w -> counts.merge(w.getEventId(), 1, Integer::sum));
        return counts;
    }

    private static boolean running(KafkaStreams streams) {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** The behavior-events partitions whose tasks run on this instance now. */
    private static Set<Integer> eventPartitions(KafkaStreams streams, Topics topics) {
        return streams.metadataForLocalThreads().stream()
                .map(ThreadMetadata::activeTasks).flatMap(Set::stream)
                .map(TaskMetadata::topicPartitions).flatMap(Set::stream)
                .filter(tp -> tp.topic().equals(topics.behaviorEvents.name()))
                .map(TopicPartition::partition)
                .collect(Collectors.toSet());
    }

}
