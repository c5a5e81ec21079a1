package ripple.scoring;

import ripple.testing.Await;
import ripple.testing.Committed;
import ripple.testing.ScorerProcess;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import ripple.testing.LocalStackExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.ItemFeatures;
import ripple.avro.WeightUpdate;
import ripple.config.RippleConfig;
import ripple.registry.HttpSchemaRegistry;
import ripple.runtime.KafkaSettings;
import ripple.topics.TopicAdmin;
import ripple.topics.Topics;

/**
 * A real crash: the scorer runs as a child JVM ({@code ripple run --role scorer}), is killed with SIGKILL mid-stream
 * (an open transaction, uncommitted offsets, RocksDB not flushed), and a new child JVM takes over the same state
 * directory. Under exactly-once every event yields exactly one committed weight update, and every user's final
 * weights equal those of a reference run over the same input that never crashed.
 *
 * <p>Determinism of the reference comparison: negatives are drawn with a seed from the event id, but item influence
 * comes back to the scorer through the {@code item-influence} topic and a global store, i.e. at a time that depends
 * on commits and the global thread, not on the input. So the test makes influence invisible to learning: events
 * are one second apart and the half-life is 1 ms, so an item's influence has decayed to exactly 0 in float by the
 * time any later event reads it; and every user hashes to partition 0, so no influence comes from another
 * partition's later events (whose decay factor would be 1). Both runs use two partitions, so their tasks match.
 */
@Tag("integration")
class ProcessCrashIntegrationTest {
    private static final Logger log = LoggerFactory.getLogger(ProcessCrashIntegrationTest.class);
    private static final int PARTITIONS = 2;
    private static final int USERS = 40;
    private static final int ITEMS = 30;
    private static final int FIRST = 300;
    private static final int EVENTS = 1500;
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path dir;
    @RegisterExtension
    static final LocalStackExtension kafka = new LocalStackExtension();

    @Test
    void aKilledScorerProcessRestartsWithExactlyOneWeightUpdatePerEventAndTheSameWeights() throws Exception {
        HttpSchemaRegistry registry = HttpSchemaRegistry.builder(kafka.registryUrl()).build();
        Map<String, String> settings = new TreeMap<>();
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("schema.registry.url", kafka.registryUrl());
        settings.put("role", "scorer");
        settings.put("application.id", "ripple-crash");
        settings.put("state.dir", dir.resolve("state-crash").toString());
        settings.put("processing.guarantee", "exactly_once_v2");
        settings.put("commit.interval", "100ms");
        settings.put("features.text.dims", "8");
        settings.put("features.text.models", "test-model");
        settings.put("features.half-life", "1ms");
        // What other users did reaches a scorer through global stores, at a time that depends on commits: leave it
        // out (the influence group, item popularity and co-occurrence; candidates only from the user's own items)
        // so that the crashed run's weights can be compared exactly with the reference's.
        settings.put("features.ablate", "influence");
        settings.put("scoring.sources", "recent");
        settings.put("topics.partitions", Integer.toString(PARTITIONS));
        settings.put("http.port", "0");
        settings.put("shutdown.timeout", "5s");
        // the restarted process joins with a new member id; the killed one leaves the group after this
        settings.put("kafka.session.timeout.ms", "6000");
        settings.put("kafka.heartbeat.interval.ms", "2000");
        RippleConfig crashConfig = RippleConfig.defaultConfig();
        for (var e : settings.entrySet()) {
            crashConfig = crashConfig.with(e.getKey(), e.getValue());
        }
        // The reference: same input topics, its own application id, state and outputs (influence included).
        RippleConfig refConfig = crashConfig.with("application.id", "ripple-reference")
                .with("state.dir", dir.resolve("state-ref").toString());
        for (String t : List.of("scores", "recommendations", "weight-updates", "dead-letters", "item-influence",
                "item-neighbours", "item-signals")) {
            refConfig = refConfig.with("topics." + t, "ref-" + t);
        }
        Topics topics = Topics.create(crashConfig, registry);
        Topics refTopics = Topics.create(refConfig, registry);
        try (Admin admin = Admin.create(KafkaSettings.client(crashConfig))) {
            TopicAdmin.ensure(admin, topics, PARTITIONS, (short) 1);
            TopicAdmin.ensure(admin, refTopics, PARTITIONS, (short) 1);
        }
        Properties client = KafkaSettings.client(crashConfig);
        try (KafkaProducer<String, ItemFeatures> features = new KafkaProducer<>(client, new StringSerializer(),
                topics.itemFeatures.valueSerde().serializer())) {
            for (int i = 0; i < ITEMS; i++) {
                features.send(new ProducerRecord<>(topics.itemFeatures.name(), "i" + i,
                        ScorerFixture.features("i" + i, i % 8, "v1")));
            }
        }
        List<BehaviorEvent> events = events();
        Path configFile = ScorerProcess.configFile(dir.resolve("crash.properties"), settings);

        long began = System.nanoTime();
        Process first = startScorer(configFile, "first");
        Process second = null;
        try {
            produce(topics, client, events.subList(0, FIRST), 0);
            // a child JVM starts slowly on a loaded machine: no deadline guesses how slowly, but a dead one fails at once
            Await.until(Duration.ofMinutes(5), "the first process scoring", () -> {
                assertThat(first.isAlive()).as("first scorer process alive").isTrue();
                return countCommitted(client, topics, Duration.ofMillis(500)) >= 100;
            });
            AtomicInteger sent = new AtomicInteger(FIRST);
            CompletableFuture<Void> rest = CompletableFuture.runAsync(() ->
                    produce(topics, client, events.subList(FIRST, EVENTS), 40, sent));
            Await.whileProgressing(Duration.ofSeconds(30), "more events on their way", FIRST + 300, sent::get);
            int beforeKill = countCommitted(client, topics, Duration.ofMillis(300));
            first.destroyForcibly();
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            log.info("killed the first scorer (exit {}) with {} events sent and {} weight updates committed",
                    first.exitValue(), sent.get(), beforeKill);

            second = startScorer(configFile, "second");
            rest.get(5, TimeUnit.MINUTES);
            Process s = second;
            Map<String, List<WeightUpdate>> updates = new HashMap<>();
            // the second process starts, restores and catches up: fails when it dies, or makes no progress for 2 min
            Await.whileProgressing(Duration.ofMinutes(2), "a weight update for every event", EVENTS, () -> {
                assertThat(s.isAlive()).as("second scorer process alive").isTrue();
                updates.clear();
                updates.putAll(weightUpdates(client, topics));
                return updates.size();
            });
            // a little longer, to catch any duplicate committed late
            Thread.sleep(1000);
            updates.clear();
            updates.putAll(weightUpdates(client, topics));
            log.info("crash run: {} events in, {} weight updates over {} event ids, in {} ms", EVENTS,
                    updates.values().stream().mapToInt(List::size).sum(), updates.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));

            TreeSet<String> missing = new TreeSet<>();
            events.forEach(e -> {
                if (!updates.containsKey(e.getEventId())) {
                    missing.add(e.getEventId());
                }
            });
            assertThat(missing).as("events without a weight update").isEmpty();
            assertThat(updates).as("weight updates for events never produced").hasSize(EVENTS);
            assertThat(updates.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList())
                    .as("events with more than one weight update").isEmpty();

            Map<String, float[]> crashed = finalWeights(updates);
            Map<String, float[]> reference = referenceRun(refConfig, refTopics, client);
            assertThat(crashed.keySet()).isEqualTo(reference.keySet());
            double worst = 0;
            String worstUser = null;
            for (var e : reference.entrySet()) {
                float[] a = e.getValue();
                float[] b = crashed.get(e.getKey());
                assertThat(b).as(e.getKey()).hasSize(a.length);
                for (int i = 0; i < a.length; i++) {
                    double d = Math.abs(a[i] - b[i]);
                    if (d > worst || worstUser == null) {
                        worst = Math.max(worst, d);
                        worstUser = e.getKey();
                    }
                }
            }
            log.info("final weights of {} users ({} weights each): largest difference to the reference {} ({})",
                    reference.size(), reference.values().iterator().next().length, worst, worstUser);
            assertThat(reference.values()).as("weights learned").allSatisfy(w -> assertThat(norm(w)).isPositive());
            assertThat(worst).as("largest per-weight difference to the run without a crash").isLessThanOrEqualTo(TOLERANCE);
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroy();
                if (!second.waitFor(15, TimeUnit.SECONDS)) {
                    second.destroyForcibly();
                }
            }
        }
    }

    /** The same events, scored in this JVM by an application that never crashes. */
    private static Map<String, float[]> referenceRun(RippleConfig config, Topics topics, Properties client)
            throws InterruptedException {
        KafkaStreams streams = new KafkaStreams(ScoringTopology.build(ScoringSettings.from(config), topics),
                KafkaSettings.streams(config, ""));
        streams.start();
        try {
            Map<String, List<WeightUpdate>> updates = new HashMap<>();
            Await.whileProgressing(Duration.ofSeconds(60), "the reference run done", EVENTS, () -> {
                updates.clear();
                updates.putAll(weightUpdates(client, topics));
                return updates.size();
            });
            assertThat(updates.values()).allSatisfy(l -> assertThat(l).hasSize(1));
            return finalWeights(updates);
        } finally {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
        }
    }

    private static double norm(float[] w) {
        double s = 0;
        for (float f : w) {
            s += f * f;
        }
        return Math.sqrt(s);
    }

    /** Each user's weights after the highest step. */
    private static Map<String, float[]> finalWeights(Map<String, List<WeightUpdate>> updates) {
        Map<String, WeightUpdate> last = new HashMap<>();
        updates.values().stream().flatMap(List::stream).forEach(w ->
                last.merge(w.getUserId(), w, (a, b) -> a.getStep() >= b.getStep() ? a : b));
        Map<String, float[]> out = new TreeMap<>();
        last.forEach((user, w) -> {
            float[] f = new float[w.getWeights().size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = w.getWeights().get(i);
            }
            out.put(user, f);
        });
        return out;
    }

    private static Process startScorer(Path configFile, String name) throws IOException {
        return ScorerProcess.start(configFile, "ProcessCrashIntegrationTest-" + name);
    }

    /** Events for users that all hash to partition 0, one second apart, three hours ago. */
    private static List<BehaviorEvent> events() {
        List<String> users = new ArrayList<>();
        for (int n = 0; users.size() < USERS; n++) {
            String u = "u" + n;
            if (Utils.toPositive(Utils.murmur2(u.getBytes(StandardCharsets.UTF_8))) % PARTITIONS == 0) {
                users.add(u);
            }
        }
        Instant t0 = Instant.now().minus(Duration.ofHours(3)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        BehaviorType[] types = {BehaviorType.BROWSE, BehaviorType.CLICK, BehaviorType.CART, BehaviorType.PURCHASE};
        List<BehaviorEvent> out = new ArrayList<>();
        for (int n = 0; n < EVENTS; n++) {
            out.add(ScorerFixture.event("ev-" + n, users.get(n % USERS), "i" + (n * 7) % ITEMS,
                    types[n % types.length], t0.plusSeconds(n)));
        }
        return out;
    }

    private static void produce(Topics topics, Properties client, List<BehaviorEvent> events, int pauseEvery) {
        produce(topics, client, events, pauseEvery, new AtomicInteger());
    }

    /** Sends in order and synchronously flushed; with {@code pauseEvery > 0}, 100 ms after each that many. */
    private static void produce(Topics topics, Properties client, List<BehaviorEvent> events, int pauseEvery,
            AtomicInteger sent) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("enable.idempotence", "true");
        try (KafkaProducer<String, BehaviorEvent> producer = new KafkaProducer<>(p, new StringSerializer(),
                topics.behaviorEvents.valueSerde().serializer())) {
            int n = 0;
            for (BehaviorEvent e : events) {
                producer.send(new ProducerRecord<>(topics.behaviorEvents.name(), e.getUserId(), e)).get();
                sent.incrementAndGet();
                if (pauseEvery > 0 && ++n % pauseEvery == 0) {
                    Thread.sleep(100);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("producing events failed", e);
        }
    }

    private static int countCommitted(Properties client, Topics topics, Duration max) {
        return Committed.snapshot(client, topics.weightUpdates.name(), topics.weightUpdates.valueSerde().deserializer(),
                max).size();
    }

    /** Committed weight updates by event id, so far (up to the topic's end when read, or 3 s). */
    private static Map<String, List<WeightUpdate>> weightUpdates(Properties client, Topics topics) {
        Map<String, List<WeightUpdate>> out = new HashMap<>();
        Committed.snapshot(client, topics.weightUpdates.name(), topics.weightUpdates.valueSerde().deserializer(),
                Duration.ofSeconds(3)).forEach(w -> out.computeIfAbsent(w.getEventId(), k -> new ArrayList<>()).add(w));
        return out;
    }

}
