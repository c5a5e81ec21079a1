package ripple.scoring;

import ripple.testing.Await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.ItemFeatures;
import ripple.avro.WeightUpdate;
import ripple.config.RippleConfig;
import ripple.testing.Committed;
import ripple.testing.ScorerProcess;
import ripple.testing.LocalStackExtension;
import ripple.runtime.KafkaSettings;
import ripple.runtime.RippleRuntime;
import ripple.runtime.KafkaStreamsSettings;
import ripple.metrics.RippleMetrics;
import ripple.topics.TopicAdmin;
import ripple.topics.Topics;

/**
 * Scale-out and fail-over on a real broker: two scorer instances share six partitions under one application id,
 * one of them a child JVM ({@code ripple run --role scorer}). That one is killed with SIGKILL mid-stream, so it
 * leaves an open transaction and no leave-group request; the other takes all partitions over once the dead
 * member's session times out, restores its users from the changelogs, and under exactly-once every event yields
 * exactly one weight update.
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
    private static final Set<Integer> ALL = Set.of(0, 1, 2, 3, 4, 5);

    @TempDir
    static Path dir;
    @RegisterExtension
    static final LocalStackExtension kafka = new LocalStackExtension();

    @Test
    void theSurvivorTakesOverEveryPartitionAndEveryEventYieldsExactlyOneWeightUpdate() throws Exception {
        Map<String, String> settings = new TreeMap<>();
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("schema.registry.url", kafka.registryUrl());
        settings.put("application.id", "ripple-scale-" + UUID.randomUUID());
        settings.put("processing.guarantee", StreamsConfig.EXACTLY_ONCE_V2);
        settings.put("commit.interval", "100ms");
        settings.put("topics.partitions", Integer.toString(PARTITIONS));
        settings.put("features.text.dims", "8");
        settings.put("features.text.models", "test-model");
        settings.put("http.port", "0");
        // the killed member leaves the group once its session times out
        settings.put("kafka.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS));
        settings.put("kafka.heartbeat.interval.ms", Integer.toString(SESSION_TIMEOUT_MS / 3));
        RippleConfig config = RippleConfig.defaultConfig();
        for (var e : settings.entrySet()) {
            config = config.with(e.getKey(), e.getValue());
        }
        Topics topics = Topics.create(config, kafka.schemaStore());
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

        settings.put("state.dir", dir.resolve("state-doomed").toString());
        Process doomed = ScorerProcess.start(ScorerProcess.configFile(dir.resolve("doomed.properties"), settings),
                "ScaleOutIntegrationTest-doomed");
        // as the doomed process's runtime runs them: the scorer, and the by-item aggregates as an application of
        // their own (one group's members must all run the same topology)
        KafkaStreams survivor = start(config, topics, "survivor");
        KafkaStreams survivorByItem = startByItem(config, topics, "survivor");
        CountDownLatch crashed = new CountDownLatch(1);
        try {
            // a child JVM starts slowly on a loaded machine: no deadline guesses how slowly, but a dead one fails
            // at once; sharing means the survivor runs some partitions, not all
            Await.until(Duration.ofMinutes(5), "both instances running with partitions of their own", () -> {
                assertThat(doomed.isAlive()).as("doomed scorer process alive").isTrue();
                Set<Integer> own = eventPartitions(survivor, topics);
                return running(survivor) && !own.isEmpty() && own.size() < PARTITIONS;
            });
            Set<Integer> doomedPartitions = new TreeSet<>(ALL);
            doomedPartitions.removeAll(eventPartitions(survivor, topics));
            log.info("before the crash: doomed owns {}, survivor owns {}", doomedPartitions,
                    eventPartitions(survivor, topics));

            AtomicInteger sent = new AtomicInteger();
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(topics, client, sent, crashed));
            Await.whileProgressing(Duration.ofSeconds(30), "a third of the events sent", EVENTS / 3, sent::get);
            // the doomed process is working: it has committed weight updates of its own users
            Await.until(Duration.ofMinutes(2), "weight updates from the doomed process", () -> {
                assertThat(doomed.isAlive()).as("doomed scorer process alive").isTrue();
                return Committed.snapshot(client, topics.weightUpdates.name(),
                        topics.weightUpdates.valueSerde().deserializer(), Duration.ofSeconds(1)).stream()
                        .anyMatch(w -> doomedPartitions.contains(partitionOf(w.getUserId())));
            });

            // SIGKILL, mid-stream: no leave-group request, no commit, an open transaction for the broker to abort;
            // the group only learns of it when the member's session times out
            long crashedAt = System.nanoTime();
            int sentAtCrash = sent.get();
            doomed.destroyForcibly();
            crashed.countDown();
            assertThat(doomed.waitFor(30, TimeUnit.SECONDS)).as("killed process gone").isTrue();
            log.info("killed the doomed scorer (exit {}) with {} events sent", doomed.exitValue(), sentAtCrash);
            assertThat(sentAtCrash).as("events sent when the process was killed").isLessThan(EVENTS);
            Await.until(Duration.ofMinutes(2), "the survivor running all " + PARTITIONS + " partitions", () ->
                    running(survivor) && eventPartitions(survivor, topics).equals(ALL));
            long takeoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt);
            log.info("the survivor took over partitions {} {} ms after the crash (session timeout {} ms)",
                    doomedPartitions, takeoverMs, SESSION_TIMEOUT_MS);

            producing.get(5, TimeUnit.MINUTES);
            Map<String, Integer> updates = weightUpdatesPerEvent(client, topics);
            Map<Integer, Long> histogram = new TreeMap<>(updates.values().stream()
                    .collect(Collectors.groupingBy(n -> n, Collectors.counting())));
            int aborted = Committed.uncommitted(client, topics.weightUpdates.name(),
                    topics.weightUpdates.valueSerde().deserializer(), Duration.ofSeconds(3)).size()
                    - updates.values().stream().mapToInt(Integer::intValue).sum();
            log.info("weight updates per event id: {} (count -> event ids); {} written in aborted transactions",
                    histogram, aborted);

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
            doomed.destroyForcibly();
            crashed.countDown();
            survivor.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            survivorByItem.close(CloseOptions.groupMembershipOperation(
                    CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30)));
        }
    }

    private static int partitionOf(String user) {
        return Utils.toPositive(Utils.murmur2(user.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /** An instance in this JVM with its own state directory (its settings already carry the session timeout). */
    private static KafkaStreams start(RippleConfig config, Topics topics, String name) {
        Properties props = KafkaSettings.streams(config, "");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state-" + name).toString());
        props.put(StreamsConfig.CLIENT_ID_CONFIG, "scorer-" + name);
        ScoringSettings settings = ScoringSettings.from(config);
        KafkaStreams streams = new KafkaStreams(ScoringTopology.scorer(settings, topics, settings.newCatalog(),
                ScoringTopology.Wiring.live(RippleMetrics.noop())), props);
        // the state changes, timestamped in the log, show where the fail-over's time goes
        streams.setStateListener((now, before) -> log.info("scorer {}: {} -> {}", name, before, now));
        streams.start();
        return streams;
    }

    /** The instance's by-item aggregates, as the runtime runs them beside its scorer. */
    private static KafkaStreams startByItem(RippleConfig config, Topics topics, String name) {
        ScoringSettings settings = ScoringSettings.from(config);
        Properties props = RippleRuntime.byItemProps(KafkaStreamsSettings.from(config), settings);
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state-" + name).toString());
        props.put(StreamsConfig.CLIENT_ID_CONFIG, "by-item-" + name);
        KafkaStreams streams = new KafkaStreams(ScoringTopology.byItem(settings, topics,
                ScoringTopology.Wiring.live(RippleMetrics.noop())), props);
        streams.start();
        return streams;
    }

    /**
     * EVENTS events for USERS users, each with its own id: a third at once, then a trickle (so that the instance to
     * be killed is busy whenever that happens) up to two thirds, and the last third only after {@code crashed}.
     */
    private static void produce(Topics topics, Properties client, AtomicInteger sent, CountDownLatch crashed) {
        Instant t0 = Instant.now().minusSeconds(600);
        AtomicReference<Exception> failed = new AtomicReference<>();
        try (KafkaProducer<String, BehaviorEvent> p = new KafkaProducer<>(client, new StringSerializer(),
                topics.behaviorEvents.valueSerde().serializer())) {
            BehaviorType[] types = {BehaviorType.BROWSE, BehaviorType.CLICK, BehaviorType.CART, BehaviorType.PURCHASE};
            for (int n = 0; n < EVENTS; n++) {
                if (n == 2 * EVENTS / 3) {
                    crashed.await();
                }
                String user = "u" + n % USERS;
                BehaviorEvent e = ScorerFixture.event(eventId(n), user, "i" + (n * 7) % ITEMS, types[n % types.length],
                        t0.plusMillis(n));
                p.send(new ProducerRecord<>(topics.behaviorEvents.name(), user, e), (meta, error) -> {
                    if (error != null) {
                        failed.compareAndSet(null, error);
                    }
                });
                sent.incrementAndGet();
                int batch = n >= EVENTS / 3 && crashed.getCount() > 0 ? 10 : 100;
                if (n % batch == batch - 1) {
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

    /** Weight updates per event id, once every event has one (or none comes for a minute), a second later. */
    private static Map<String, Integer> weightUpdatesPerEvent(Properties client, Topics topics)
            throws InterruptedException {
        Map<String, Integer> counts = new HashMap<>();
        Committed.awaitDistinct(client, topics.weightUpdates.name(), topics.weightUpdates.valueSerde().deserializer(),
                WeightUpdate::getEventId, EVENTS, Duration.ofSeconds(60), "a weight update for every event")
                .forEach(w -> counts.merge(w.getEventId(), 1, Integer::sum));
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
