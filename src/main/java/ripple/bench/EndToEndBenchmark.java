package ripple.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Produced;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.ItemFeatures;
import ripple.avro.ScoreUpdate;
import ripple.config.RippleConfig;
import ripple.dev.LocalStack;
import ripple.dev.registry.KafkaSchemaStore;
import ripple.runtime.KafkaSettings;
import ripple.scoring.ScoringSettings;
import ripple.scoring.ScoringTopology;
import ripple.serde.SchemaRegistry;
import ripple.topics.TopicAdmin;
import ripple.topics.Topics;

/**
 * End-to-end throughput and latency of the scorer on a real broker, against a pass-through Kafka Streams app
 * (deserialise, re-key, serialise, produce) on the same broker and data in the same run: the engine's ceiling.
 * Item features are random unit vectors (this measures scoring, not BERT: see {@code bench embed}).
 */
public final class EndToEndBenchmark {
    /** @param latencyRate events/s of the latency phase; null for half the measured maximum */
    public record Options(String bootstrap, int users, int items, int events, int partitions, Duration latencyPhase,
                          Map<String, String> settings, Double latencyRate) {
    }

    public record Result(int events, int users, int items, double rippleEventsPerSec, double passthroughEventsPerSec,
                         double p50Ms, double p99Ms, double latencyRate, long rssMbPeak, double stateBytesPerUser) {
        public String toJson() {
            return String.format(Locale.ROOT, "{\"events\": %d, \"users\": %d, \"items\": %d, "
                            + "\"ripple_events_per_sec\": %.1f, \"passthrough_events_per_sec\": %.1f, \"ratio\": %.3f, "
                            + "\"p50_ms\": %.1f, \"p99_ms\": %.1f, \"latency_rate_events_per_sec\": %.1f, "
                            + "\"rss_mb_peak\": %d, \"state_bytes_per_user\": %.0f}",
                    events, users, items, rippleEventsPerSec, passthroughEventsPerSec,
                    rippleEventsPerSec / passthroughEventsPerSec, p50Ms, p99Ms, latencyRate, rssMbPeak, stateBytesPerUser);
        }
    }

    private EndToEndBenchmark() {
    }

    public static Result run(Options o, java.io.PrintStream log) throws Exception {
        Path dir = Files.createTempDirectory("ripple-bench-e2e");
        LocalStack local = null;
        String bootstrap = o.bootstrap();
        if (bootstrap == null) {
            local = LocalStack.builder(dir.resolve("kafka")).start();
            bootstrap = local.bootstrapServers();
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        RippleConfig c = RippleConfig.defaultConfig();
        for (Map.Entry<String, String> e : o.settings().entrySet()) {
            c = c.with(e.getKey(), e.getValue());
        }
        c = c.with("bootstrap.servers", bootstrap)
                .with("application.id", "ripple-bench-" + run)
                .with("state.dir", dir.resolve("state").toString())
                .with("topics.partitions", String.valueOf(o.partitions()))
                .with("features.text.models", "bench")
                .with("commit.interval", "100ms");
        for (String t : List.of("behavior-events", "items", "item-features", "scores", "recommendations",
                "weight-updates", "dead-letters")) {
            c = c.with("topics." + t, "bench-" + run + "-" + t);
        }
        RippleConfig config = c.with("topics.item-influence", "bench-" + run + "-item-influence")
                .with("topics.item-neighbours", "bench-" + run + "-item-neighbours");
        Properties client = KafkaSettings.client(config);
        Map<String, Object> clientMap = new HashMap<>();
        client.forEach((k, v) -> clientMap.put((String) k, v));
        // the local stack's own store, or one on the given cluster's _schemas topic
        KafkaSchemaStore own = local == null
                ? KafkaSchemaStore.open(clientMap, KafkaSchemaStore.DEFAULT_TOPIC, Duration.ofSeconds(30)) : null;
        SchemaRegistry registry = local == null ? own : local.schemaStore();
        try (Admin admin = Admin.create(client)) {
            Topics topics = Topics.create(config, registry);
            TopicAdmin.ensure(admin, topics, o.partitions(), (short) 1);
            String passthroughOut = "bench-" + run + "-passthrough";
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(passthroughOut, o.partitions(), (short) 1)))
                    .all().get();

            log.printf(Locale.ROOT, "producing %d item features and %d events for %d users...%n", o.items(), o.events(), o.users());
            produceFeatures(client, topics, o.items());
            Instant base = Instant.now().minus(Duration.ofHours(1));
            produceEvents(client, topics, o, 0, o.events(), i -> base.plusMillis(i).toEpochMilli());

            double passthrough = measure(client, passthroughOut, o.events(), () -> passthroughApp(config, topics, passthroughOut, run), log, "passthrough");
            double ripple = measure(client, topics.weightUpdates.name(), o.events(),
                    () -> new KafkaStreams(ScoringTopology.build(ScoringSettings.from(config), topics), KafkaSettings.streams(config, "")),
                    log, "ripple");

            // Latency at half the measured maximum, on a running scorer; or at a given rate, so that two builds on a
            // shared machine, whose maxima differ with the load, are compared at the same rate.
            double rate = o.latencyRate() != null ? o.latencyRate() : Math.max(1, ripple / 2);
            List<Double> latencies = new ArrayList<>();
            KafkaStreams streams = new KafkaStreams(ScoringTopology.build(ScoringSettings.from(config), topics),
                    KafkaSettings.streams(config, ""));
            streams.start();
            awaitRunning(streams);
            try (KafkaConsumer<String, ScoreUpdate> scores = consumer(client, topics)) {
                scores.assign(partitions(scores, topics.scores.name()));
                scores.seekToEnd(scores.assignment());
                scores.assignment().forEach(scores::position);
                int n = (int) Math.max(50, rate * o.latencyPhase().toSeconds());
                log.printf(Locale.ROOT, "latency phase: %d events at %.0f/s%n", n, rate);
                Thread producer = new Thread(() -> produceEvents(client, topics, o, o.events(), n, paced(rate)));
                producer.start();
                long deadline = System.nanoTime() + o.latencyPhase().plusSeconds(30).toNanos();
                while (latencies.size() < n && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, ScoreUpdate> r : scores.poll(Duration.ofMillis(100))) {
                        latencies.add((double) (System.currentTimeMillis() - r.value().getEventTime().toEpochMilli()));
                    }
                }
                producer.join();
            } finally {
                streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            }
            Collections.sort(latencies);
            double stateBytes = stateBytesPerUser(client, config.nonEmpty("application.id") + "-user-state-changelog");
            return new Result(o.events(), o.users(), o.items(), ripple, passthrough, percentile(latencies, 0.5),
                    percentile(latencies, 0.99), rate, rssPeakMb(), stateBytes);
        } finally {
            if (own != null) {
                own.close();
            }
            if (local != null) {
                local.close();
            }
        }
    }

    private static LongSupplierIndexed paced(double rate) {
        long start = System.nanoTime();
        return i -> {
            long due = start + (long) (i / rate * 1e9);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return System.currentTimeMillis();
        };
    }

    /** Event time for the i-th event of a phase; may pace the producer. */
    private interface LongSupplierIndexed {
        long timestamp(long i);
    }

    private static Topology passthrough(Topics topics, String out) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(topics.behaviorEvents.name(), topics.behaviorEvents.consumed())
                .selectKey((user, e) -> e.getItemId())
                .to(out, Produced.with(Serdes.String(), topics.behaviorEvents.valueSerde()));
        return b.build();
    }

    private static KafkaStreams passthroughApp(RippleConfig config, Topics topics, String out, String run) {
        Properties p = KafkaSettings.streams(config, "");
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "ripple-bench-passthrough-" + run);
        return new KafkaStreams(passthrough(topics, out), p);
    }

    /**
     * Runs an app over the pre-produced events: events/s from its start until a read_committed consumer has seen
     * all its output. Both apps are measured the same way, so the consumer's cost is shared.
     */
    private static double measure(Properties client, String outputTopic, int expected,
                                  java.util.function.Supplier<KafkaStreams> app, java.io.PrintStream log, String name)
            throws Exception {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        KafkaStreams streams = app.get();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.assign(partitions(c, outputTopic));
            c.seekToBeginning(c.assignment());
            long t0 = System.nanoTime();
            streams.start();
            long seen = 0;
            long deadline = System.nanoTime() + Duration.ofHours(2).toNanos();
            while (seen < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " did not finish within 2 hours");
                }
                seen += c.poll(Duration.ofMillis(200)).count();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            log.printf(Locale.ROOT, "%s: %d events in %.1f s (%.0f/s, start-up included)%n", name, seen, seconds, seen / seconds);
            return seen / seconds;
        } finally {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        }
    }

    private static void produceFeatures(Properties client, Topics topics, int items) {
        SplittableRandom rnd = new SplittableRandom(7);
        try (KafkaProducer<String, ItemFeatures> p = new KafkaProducer<>(producerProps(client), new StringSerializer(),
                topics.itemFeatures.valueSerde().serializer())) {
            for (int i = 0; i < items; i++) {
                List<Float> v = new ArrayList<>(64);
                double norm = 0;
                float[] x = new float[64];
                for (int d = 0; d < 64; d++) {
                    x[d] = (float) (rnd.nextDouble() - 0.5);
                    norm += x[d] * x[d];
                }
                for (float f : x) {
                    v.add((float) (f / Math.sqrt(norm)));
                }
                p.send(new ProducerRecord<>(topics.itemFeatures.name(), "i" + i, ItemFeatures.newBuilder()
                        .setItemId("i" + i).setModelId("bench").setModelVersion("v1").setEmbedding(v)
                        .setComputedAt(Instant.now()).setCategory("c" + (i % 50)).build()));
            }
        }
    }

    private static void produceEvents(Properties client, Topics topics, Options o, int from, int n, LongSupplierIndexed time) {
        SplittableRandom rnd = new SplittableRandom(from + 11L);
        BehaviorType[] types = {BehaviorType.BROWSE, BehaviorType.BROWSE, BehaviorType.BROWSE, BehaviorType.CLICK,
                BehaviorType.CLICK, BehaviorType.FAVORITE, BehaviorType.CART, BehaviorType.PURCHASE};
        try (KafkaProducer<String, BehaviorEvent> p = new KafkaProducer<>(producerProps(client), new StringSerializer(),
                topics.behaviorEvents.valueSerde().serializer())) {
            for (int i = 0; i < n; i++) {
                // skewed: a few heavy users, a long tail of items
                String user = "u" + (int) (o.users() * Math.pow(rnd.nextDouble(), 2));
                String item = "i" + (int) (o.items() * Math.pow(rnd.nextDouble(), 3));
                BehaviorEvent e = BehaviorEvent.newBuilder().setEventId("b" + (from + i)).setUserId(user).setItemId(item)
                        .setType(types[rnd.nextInt(types.length)]).setTimestamp(Instant.ofEpochMilli(time.timestamp(i)))
                        .setDwellMs(rnd.nextDouble() * 30_000).setScenario("ecommerce").setContext(Map.of()).build();
                p.send(new ProducerRecord<>(topics.behaviorEvents.name(), user, e));
            }
        }
    }

    private static Properties producerProps(Properties client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return p;
    }

    private static KafkaConsumer<String, ScoreUpdate> consumer(Properties client, Topics topics) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p, new StringDeserializer(), topics.scores.valueSerde().deserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
        return c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    /** Mean size of each user's latest state record in the user-state changelog. */
    private static double stateBytesPerUser(Properties client, String changelog) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Integer> latest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.assign(partitions(c, changelog));
            c.seekToBeginning(c.assignment());
            Map<TopicPartition, Long> end = c.endOffsets(c.assignment());
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (System.nanoTime() < deadline && end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        latest.put(r.key(), r.value().length);
                    }
                }
            }
        }
        return latest.values().stream().mapToInt(Integer::intValue).average().orElse(0);
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static double percentile(List<Double> sorted, double q) {
        return sorted.isEmpty() ? Double.NaN : sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size())));
    }

    /** Peak resident memory of this JVM (broker included when embedded), from /proc. */
    private static long rssPeakMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
