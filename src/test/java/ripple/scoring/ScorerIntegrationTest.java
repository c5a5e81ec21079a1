package ripple.scoring;

import ripple.testing.Committed;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.Recommendations;
import ripple.avro.ScoreUpdate;
import ripple.avro.WeightUpdate;
import ripple.config.RippleConfig;
import ripple.testing.LocalStackExtension;
import ripple.runtime.KafkaSettings;
import ripple.topics.TopicAdmin;
import ripple.topics.Topics;

/**
 * The scorer on a real broker, exactly-once: events produced with the Kafka producer come out as scores,
 * recommendations and weight updates; user state survives a restart on the same state directory, and is
 * restored unchanged from the changelogs when the directory is lost.
 */
@Tag("integration")
class ScorerIntegrationTest {
    @TempDir
    static Path dir;
    @RegisterExtension
    static final LocalStackExtension kafka = new LocalStackExtension();

    @Test
    void eventsBecomeScoresRecommendationsAndWeightUpdatesAndStateSurvivesARestart() throws Exception {
        RippleConfig config = ScorerFixture.testConfig()
                .with("bootstrap.servers", kafka.bootstrapServers())
                .with("application.id", "ripple-it-" + UUID.randomUUID())
                .with("state.dir", dir.resolve("state").toString())
                .with("commit.interval", "100ms")
                .with("topics.partitions", "2");
        Topics topics = Topics.create(config, kafka.schemaStore());
        try (Admin admin = Admin.create(KafkaSettings.client(config))) {
            TopicAdmin.ensure(admin, topics, 2, (short) 1);
        }
        Properties client = KafkaSettings.client(config);
        ScorerFixture.produceFeatures(client, topics, 5);
        Instant t = Instant.now().minusSeconds(60);
        produce(topics, client, List.of(
                ScorerFixture.event("e1", "alice", "i1", BehaviorType.CLICK, t),
                ScorerFixture.event("e2", "bob", "i3", BehaviorType.PURCHASE, t.plusSeconds(1)),
                ScorerFixture.event("e3", "alice", "i2", BehaviorType.CART, t.plusSeconds(2))));

        List<WeightUpdate> first;
        KafkaStreams streams = start(config, topics);
        try {
            first = Committed.await(client, topics.weightUpdates.name(),
                    topics.weightUpdates.valueSerde().deserializer(), 3);
            assertThat(Committed.await(client, topics.scores.name(),
                    topics.scores.valueSerde().deserializer(), 3))
                    .extracting(ScoreUpdate::getEventId).containsExactlyInAnyOrder("e1", "e2", "e3");
            List<Recommendations> recs = Committed.await(client, topics.recommendations.name(),
                    topics.recommendations.valueSerde().deserializer(), 3);
            // one list per event (coalescing is off); allSatisfy alone would pass on no list at all
            assertThat(recs).extracting(Recommendations::getEventId).containsExactlyInAnyOrder("e1", "e2", "e3");
            assertThat(recs).allSatisfy(r -> assertThat(r.getItems()).isNotEmpty());
        } finally {
            stop(streams);
        }
        try (Admin admin = Admin.create(client)) {
            String signals = topics.itemSignals.name();
            // the by-item aggregates' tasks: one per partition of this topic, each a produce round trip per commit
            assertThat(admin.describeTopics(List.of(signals)).allTopicNames().get().get(signals).partitions())
                    .as("topics.by-item-partitions, not topics.partitions").hasSize(1);
        }
        assertThat(first).extracting(WeightUpdate::getEventId).containsExactlyInAnyOrder("e1", "e2", "e3");
        long aliceSteps = first.stream().filter(w -> w.getUserId().equals("alice")).count();
        assertThat(aliceSteps).isEqualTo(2);

        // Restart on the same state directory: alice's state carries on from where it was.
        produce(topics, client, List.of(ScorerFixture.event("e4", "alice", "i0", BehaviorType.CLICK, t.plusSeconds(3))));
        streams = start(config, topics);
        try {
            List<WeightUpdate> all = Committed.await(client, topics.weightUpdates.name(),
                    topics.weightUpdates.valueSerde().deserializer(), 4);
            WeightUpdate e4 = all.stream().filter(w -> w.getEventId().equals("e4")).findFirst().orElseThrow();
            assertThat(e4.getStep()).isEqualTo(3);
            assertThat(all).as("no event was processed twice across the restart").hasSize(4);
        } finally {
            stop(streams);
        }
    }

    @Test
    void stateLostWithItsDirectoryIsRestoredFromTheChangelogsUnchanged() throws Exception {
        RippleConfig config = twoPartitionConfig("loss", "100ms");
        Topics topics = createTopics(config);
        Properties client = KafkaSettings.client(config);
        List<BehaviorEvent> events = new ArrayList<>();
        Instant t = Instant.now().minusSeconds(600);
        for (int i = 0; i < 200; i++) {
            events.add(ScorerFixture.event("s" + i, "user" + (i % 20), "i" + (i % 7), BehaviorType.values()[1 + i % 5],
                    t.plusMillis(i)));
        }
        produce(topics, client, events);

        KafkaStreams streams = start(config, topics);
        Map<String, byte[]> before;
        try {
            assertThat(Committed.await(client, topics.weightUpdates.name(),
                    topics.weightUpdates.valueSerde().deserializer(), 200))
                    .hasSize(200);
            before = userState(streams);
        } finally {
            stop(streams);
        }
        assertThat(before).hasSize(20);
        Path appState = dir.resolve("state-loss").resolve(config.string("application.id"));
        org.apache.kafka.common.utils.Utils.delete(appState.toFile());
        assertThat(appState).doesNotExist();

        streams = start(config, topics);
        try {
            Map<String, byte[]> after = userState(streams);
            assertThat(after.keySet()).isEqualTo(before.keySet());
            before.forEach((user, bytes) -> assertThat(after.get(user)).as(user).isEqualTo(bytes));
        } finally {
            stop(streams);
        }
    }

    /**
     * The influence aggregate's store is cached: many events on one item between two commits reach the influence
     * topic as one record with their sum, not one record per event. (A TopologyTestDriver commits after every
     * record, so only a real broker shows this.)
     */
    @Test
    void influenceOfAnItemIsEmittedOncePerCommitNotOncePerEvent() throws Exception {
        RippleConfig config = twoPartitionConfig("influence", "3s");
        Topics topics = createTopics(config);
        Properties client = KafkaSettings.client(config);
        ScorerFixture.produceFeatures(client, topics, 5);
        int n = 40;
        List<BehaviorEvent> events = new ArrayList<>();
        Instant t = Instant.now().minusSeconds(60);
        for (int i = 0; i < n; i++) {
            events.add(ScorerFixture.event("h" + i, "user" + i, "i1", BehaviorType.CLICK, t.plusMillis(i)));
        }
        produce(topics, client, events);
        KafkaStreams streams = start(config, topics);
        List<ripple.features.ItemCatalog.Influence> influence = new ArrayList<>();
        try {
            assertThat(Committed.await(client, topics.scores.name(), topics.scores.valueSerde().deserializer(), n))
                    .hasSize(n);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline
                    && influence.stream().noneMatch(i -> i.total() >= n)) {
                influence = Committed.snapshot(client, topics.itemInfluence.name(),
                        topics.itemInfluence.valueSerde().deserializer(), Duration.ofSeconds(5));
            }
        } finally {
            stop(streams);
        }
        assertThat(influence).extracting(ripple.features.ItemCatalog.Influence::total).contains((float) n);
        // all 40 events reach the aggregate within a commit or two (they were there before it started)
        assertThat(influence).as("influence records for %d events on one item", n).hasSizeLessThanOrEqualTo(3);
    }

    private static Map<String, byte[]> userState(KafkaStreams streams) {
        var store = streams.store(org.apache.kafka.streams.StoreQueryParameters.fromNameAndType(
                ScoringProcessor.USER_STORE, org.apache.kafka.streams.state.QueryableStoreTypes.<String, byte[]>keyValueStore()));
        Map<String, byte[]> out = new java.util.HashMap<>();
        try (var it = store.all()) {
            it.forEachRemaining(kv -> out.put(kv.key, kv.value));
        }
        return out;
    }

    private static KafkaStreams start(RippleConfig config, Topics topics) throws InterruptedException {
        ScoringSettings settings = ScoringSettings.from(config);
        KafkaStreams streams = new KafkaStreams(ScoringTopology.build(settings, topics), KafkaSettings.streams(config, ""));
        streams.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            assertThat(System.nanoTime()).as("scorer running within 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        return streams;
    }

    /** Leaves the group on close, so the next instance need not wait out the old member's session. */
    private static void stop(KafkaStreams streams) {
        streams.close(org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30)));
    }

    private static void produce(Topics topics, Properties client, List<BehaviorEvent> events) {
        try (KafkaProducer<String, BehaviorEvent> p = new KafkaProducer<>(client, new StringSerializer(),
                topics.behaviorEvents.valueSerde().serializer())) {
            for (BehaviorEvent e : events) {
                p.send(new ProducerRecord<>(topics.behaviorEvents.name(), e.getUserId(), e));
            }
        }
    }


    /** A scorer on its own two-partition topics (names prefixed), its own application id and state directory. */
    private static RippleConfig twoPartitionConfig(String prefix, String commitInterval) {
        RippleConfig config = ScorerFixture.testConfig()
                .with("bootstrap.servers", kafka.bootstrapServers())
                .with("application.id", "ripple-it-" + UUID.randomUUID())
                .with("state.dir", dir.resolve("state-" + prefix).toString())
                .with("commit.interval", commitInterval)
                .with("topics.partitions", "2");
        for (String t : List.of("behavior-events", "item-features", "scores", "recommendations", "weight-updates",
                "dead-letters", "item-influence", "item-neighbours", "user-erasure")) {
            config = config.with("topics." + t, prefix + "-" + t);
        }
        return config;
    }

    private static Topics createTopics(RippleConfig config) throws Exception {
        Topics topics = Topics.create(config, kafka.schemaStore());
        try (Admin admin = Admin.create(KafkaSettings.client(config))) {
            TopicAdmin.ensure(admin, topics, 2, (short) 1);
        }
        return topics;
    }
}
