package ripple.runtime;

import ripple.testing.Await;
import ripple.testing.Committed;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.ItemFeatures;
import ripple.avro.WeightUpdate;
import ripple.config.RippleConfig;
import ripple.dev.EmbeddedKafka;
import ripple.dev.registry.KafkaSchemaStore;
import ripple.scoring.ScorerFixture;
import ripple.topics.Topics;

/**
 * The only broker stops (a clean shutdown) while the scorer is processing, and comes back a few seconds later on the
 * same data directory and port. The scorer recovers by itself, back to RUNNING, and under exactly-once every event
 * yields exactly one committed weight update: the transactions open when the broker went away are aborted and
 * redone, none is half-applied.
 *
 * <p>The broker stops mid-stream, with events on the topic that the scorer has not yet processed. No stream thread
 * may fail on the way: the runtime would replace it, so the client state never shows it, but the runtime's count of
 * failed threads does.
 *
 * <p>No client setting is changed from Kafka's defaults: the outage (15 s, longer than the 10 s transaction timeout
 * Kafka Streams sets under exactly-once) is well inside the producer's {@code max.block.ms} (60 s) and
 * {@code delivery.timeout.ms} (120 s) and Streams' {@code task.timeout.ms} (5 min), so the clients retry through it
 * and the stream thread never fails. An outage beyond those would fail the thread, which the runtime replaces.
 */
@Tag("integration")
class BrokerRestartIntegrationTest {
    private static final Logger log = LoggerFactory.getLogger(BrokerRestartIntegrationTest.class);
    private static final int USERS = 50;
    private static final int ITEMS = 30;
    /** Events sent first, half of them processed before the burst that the broker stops after. */
    private static final int WARM_UP = 300;
    /** Events on the topic when the broker stops. */
    private static final int FIRST = 800;
    private static final int EVENTS = 1500;
    private static final Duration OUTAGE = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void theScorerRecoversFromABrokerRestartWithExactlyOneWeightUpdatePerEvent() throws Exception {
        int port = Await.freePort();
        EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).port(port).build().start();
        KafkaSchemaStore registry = null;
        RippleRuntime runtime = null;
        KafkaProducer<String, BehaviorEvent> eventProducer = null;
        try {
            registry = KafkaSchemaStore.open(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    KafkaSchemaStore.DEFAULT_TOPIC, Duration.ofSeconds(30));
            RippleConfig config = ScorerFixture.testConfig()
                    .with("bootstrap.servers", kafka.bootstrapServers())
                    .with("application.id", "ripple-broker-restart")
                    .with("state.dir", dir.resolve("state").toString())
                    .with("processing.guarantee", "exactly_once_v2")
                    .with("commit.interval", "100ms")
                    .with("topics.partitions", "2")
                    .with("http.port", "0")
                    .with("shutdown.timeout", "10s");
            runtime = RippleRuntime.start(config, Role.SCORER, registry);
            RippleRuntime rt = runtime;
            Await.until(Duration.ofSeconds(120), "the scorer RUNNING", rt::running);
            Topics topics = runtime.topics();
            Properties client = KafkaSettings.client(config);
            try (KafkaProducer<String, ItemFeatures> features = new KafkaProducer<>(client, new StringSerializer(),
                    topics.itemFeatures.valueSerde().serializer())) {
                for (int i = 0; i < ITEMS; i++) {
                    features.send(new ProducerRecord<>(topics.itemFeatures.name(), "i" + i,
                            ScorerFixture.features("i" + i, i % 8, "v1")));
                }
            }
            List<BehaviorEvent> events = events();
            // One producer for the whole test, as an application's would be: it lives through the outage. (A producer
            // created after the restart of this in-JVM broker was once given the producer id an earlier producer had
            // used, and its sends then failed with OUT_OF_ORDER_SEQUENCE_NUMBER until they timed out; not yet explained.)
            eventProducer = new KafkaProducer<>(client, new StringSerializer(),
                    topics.behaviorEvents.valueSerde().serializer());
            produce(eventProducer, topics, events.subList(0, WARM_UP));
            Await.whileProgressing(Duration.ofSeconds(60), "events processed before the outage", WARM_UP / 2,
                    () -> (long) rt.count("ripple.events"));
            // Then a burst, and the broker stops as soon as the burst is on the topic: the scorer, warm and busy,
            // cannot have processed it all by then, however fast or slow this machine is.
            produce(eventProducer, topics, events.subList(WARM_UP, FIRST));
            double processed = runtime.count("ripple.events");
            long stopped = System.nanoTime();
            kafka.close();
            log.info("broker stopped with {} events on the topic and {} processed; scorer {}", FIRST, (long) processed,
                    runtime.health().details());
            assertThat(processed).as("events processed when the broker stopped (work in flight)").isLessThan(FIRST);
            Thread.sleep(OUTAGE.toMillis());
            log.info("scorer after {} without a broker: {}", OUTAGE, runtime.health().details());
            kafka = EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).port(port).build().start();
            log.info("broker back on port {} after {} ms", port,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped));

            produce(eventProducer, topics, events.subList(FIRST, EVENTS));
            Map<String, Integer> updates = new HashMap<>();
            Committed.awaitDistinct(client, topics.weightUpdates.name(),
                    topics.weightUpdates.valueSerde().deserializer(), WeightUpdate::getEventId, EVENTS,
                    Duration.ofSeconds(60), "a weight update for every event")
                    .forEach(w -> updates.merge(w.getEventId(), 1, Integer::sum));
            long recoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
            Await.until(Duration.ofSeconds(60), "the scorer RUNNING", rt::running);
            int aborted = Committed.uncommitted(client, topics.weightUpdates.name(),
                    topics.weightUpdates.valueSerde().deserializer(), Duration.ofSeconds(3)).size() - count(updates);
            log.info("{} events in, {} weight updates for {} event ids, all in {} ms after the broker stopped; "
                    + "{} weight updates written in aborted transactions", EVENTS, count(updates), updates.size(),
                    recoveredMs, aborted);

            TreeSet<String> missing = new TreeSet<>();
            events.forEach(e -> {
                if (!updates.containsKey(e.getEventId())) {
                    missing.add(e.getEventId());
                }
            });
            assertThat(missing).as("events without a weight update").isEmpty();
            assertThat(updates).as("weight updates for events never produced").hasSize(EVENTS);
            assertThat(updates.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                    .as("events with more than one weight update").isEmpty();
            // the client state never shows ERROR here, as the runtime replaces a failed thread: count the failures
            assertThat(runtime.count("ripple.stream.thread.failures")).as("stream threads that failed").isZero();
        } finally {
            if (eventProducer != null) {
                eventProducer.close(Duration.ofSeconds(5));
            }
            if (runtime != null) {
                runtime.close();
            }
            if (registry != null) {
                registry.close();
            }
            kafka.close();
        }
    }

    private static int count(Map<String, Integer> updates) {
        return updates.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static List<BehaviorEvent> events() {
        Instant t0 = Instant.now().minus(Duration.ofMinutes(30));
        BehaviorType[] types = {BehaviorType.BROWSE, BehaviorType.CLICK, BehaviorType.CART, BehaviorType.PURCHASE};
        List<BehaviorEvent> out = new ArrayList<>();
        for (int n = 0; n < EVENTS; n++) {
            out.add(ScorerFixture.event("ev-" + n, "u" + n % USERS, "i" + (n * 7) % ITEMS, types[n % types.length],
                    t0.plusMillis(n)));
        }
        return out;
    }

    private static void produce(KafkaProducer<String, BehaviorEvent> p, Topics topics, List<BehaviorEvent> events) {
        try {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (BehaviorEvent e : events) {
                sent.add(p.send(new ProducerRecord<>(topics.behaviorEvents.name(), e.getUserId(), e)));
            }
            for (var f : sent) {
                f.get(120, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("producing events failed", e);
        }
    }
}
