package ripple.dev;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.config.RippleConfig;
import ripple.ops.PortInUseException;
import ripple.runtime.KafkaClientSettings;
import ripple.runtime.KafkaSettings;
import ripple.runtime.Registries;
import ripple.runtime.RippleRuntime;
import ripple.runtime.Role;

/**
 * {@code ./ripple dev}: a real single-node Kafka broker, the schema registry on it, every role, and a demo
 * producer with a synthetic catalogue and users with hidden tastes, all in this JVM; live recommendations on the
 * console. Outside clients (kcat, any Confluent client) can connect to the broker and the registry.
 */
public final class DevStack {
    private static final Logger log = LoggerFactory.getLogger(DevStack.class);
    /** Where the embedded broker and the registry listen: this machine only. */
    private static final String HOST = "127.0.0.1";
    /** The dev stack's name in the consumer groups (static membership, see {@code instance.id}). */
    static final String DEV_INSTANCE_ID = "ripple-dev";
    /** How long a finished demo waits for the scorer to catch up before it stops anyway. */
    private static final Duration DRAIN_MAX = Duration.ofSeconds(60);
    /** How long the demo waits for its catalogue to be embedded and read back before it sends events anyway. */
    private static final Duration CATALOGUE_MAX = Duration.ofSeconds(60);

    /**
     * What to start and for how long.
     *
     * @param httpPort the operations HTTP port, or null for the {@code http.port} setting
     */
    public record Options(Path dataDir, int kafkaPort, int registryPort, Integer httpPort, long events,
                          Duration duration, int rate, int users, int items, long seed) {
    }

    /** What a run did: for the summary line and for tests. */
    public record Summary(long eventsSent, long recommendations, double secondsToFirstRecommendation, double seconds) {
    }

    private DevStack() {
    }

    /** Whether the scorer's catalogue came to hold at least {@code items} items within {@link #CATALOGUE_MAX}. */
    private static boolean awaitCatalogue(RippleRuntime runtime, int items, AtomicBoolean stop)
            throws InterruptedException {
        long deadline = System.nanoTime() + CATALOGUE_MAX.toNanos();
        while (!stop.get() && System.nanoTime() < deadline) {
            if (catalogueSize(runtime) >= items) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** How many items the scorer's catalogue holds (0 before the scorer has one). */
    private static int catalogueSize(RippleRuntime runtime) {
        var catalog = runtime.catalog();
        return catalog == null ? 0 : catalog.size();
    }

    /**
     * Whether the scorer has committed its input offsets up to the end of every events partition: under
     * exactly-once its outputs for every event sent so far are committed with them.
     */
    static boolean drained(Admin admin, String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> ends.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            var latest = admin.listOffsets(ends).all().get(5, TimeUnit.SECONDS);
            return latest.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                    || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue().offset());
        } catch (ExecutionException | TimeoutException e) {
            log.debug("could not read the scorer's progress: {}", e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The settings of the dev stack's own roles, against its broker. */
    private static RippleConfig devConfig(RippleConfig withHttp, Options o, String bootstrap) {
        RippleConfig config = withHttp.with("bootstrap.servers", bootstrap)
                .with("state.dir", o.dataDir().resolve("state").toString());
        if (config.string("instance.id").isBlank()) {
            // one instance per data directory: after a crash (kill -9) the next start takes its tasks back at
            // once, rather than a minute later when the dead member's session has timed out
            config = config.with("instance.id", DEV_INSTANCE_ID);
        }
        return config;
    }

    private static Map<String, Object> asMap(Properties p) {
        Map<String, Object> m = new HashMap<>();
        p.forEach((k, v) -> m.put((String) k, v));
        return m;
    }

    /**
     * Runs the demo stack until {@code stop} is set or the demo ends.
     *
     * @param terminal whether {@code out} is a terminal (the view redraws in place there)
     * @param width    the terminal's width in columns, 0 if unknown
     * @throws ripple.ops.PortInUseException before anything starts, when a port is taken
     */
    public static Summary run(RippleConfig base, Options o, PrintStream out, boolean terminal, int width,
                              AtomicBoolean stop) throws Exception {
        long t0 = System.nanoTime();
        RippleConfig withHttp = o.httpPort() == null ? base : base.with("http.port", Integer.toString(o.httpPort()),
                "--http-port");
        // every port first: a taken one costs one line, not a half-started stack
        PortInUseException.requireFree(HOST, o.kafkaPort(), "another Kafka broker", "--kafka-port");
        PortInUseException.requireFree(HOST, o.registryPort(), "another schema registry", "--registry-port");
        PortInUseException.requireFree(withHttp.string("http.host"), withHttp.intValue("http.port"),
                "another Ripple or web server", "--http-port");
        Files.createDirectories(o.dataDir());
        AtomicBoolean othersWrote = new AtomicBoolean();
        PrintStream stderr = System.err;
        if (terminal) {
            System.setErr(StatusScreen.marking(stderr, othersWrote));
        }
        try (BrokerLog brokerLog = BrokerLog.to(o.dataDir().resolve("broker.log"));
             LocalStack stack = LocalStack.builder(o.dataDir().resolve("kafka")).kafkaPort(o.kafkaPort())
                     .registry(HOST, o.registryPort())
                     .client(bootstrap -> asMap(KafkaSettings.client(KafkaClientSettings.from(devConfig(withHttp, o, bootstrap)))))
                     .start()) {
            out.printf(Locale.ROOT, "kafka: %s (data in %s, broker log %s)%n", stack.bootstrapServers(),
                    stack.kafka().dataDir(), brokerLog.file());
            out.printf(Locale.ROOT, "schema registry: %s%n", stack.registryUrl());
            out.flush();
            RippleConfig config = devConfig(withHttp, o, stack.bootstrapServers())
                    .with("schema.registry.url", stack.registryUrl());
            Properties client = KafkaSettings.client(KafkaClientSettings.from(config));
            SyntheticGenerator generator = new SyntheticGenerator(SyntheticGenerator.Settings.defaults()
                    .withUsers(o.users()).withItems(o.items()).withSeed(o.seed()));
            try (RippleRuntime runtime = RippleRuntime.start(config, Role.ALL, Registries.http(config));
                 Admin admin = Admin.create(client);
                 DemoProducer producer = new DemoProducer(generator, client, runtime.topics());
                 ConsoleView view = new ConsoleView(client, runtime.topics(), generator,
                         new StatusScreen(out, terminal, width, othersWrote))) {
                out.printf(Locale.ROOT, "http: %s (/health, /metrics, /users/{id}/recommendations)%n",
                        runtime.httpUrl());
                out.flush();
                if (!runtime.awaitRunning(Duration.ofSeconds(120))) {
                    throw new IllegalStateException("Ripple did not reach RUNNING within 120 s");
                }
                out.printf(Locale.ROOT, "ripple: running (%.1f s after start); producing %d items and events at %d/s%n",
                        (System.nanoTime() - t0) / 1e9, o.items(), o.rate());
                out.flush();
                producer.sendCatalogue();
                // Events sent at once were ranked against an empty catalogue on a busy machine (all 400 of a
                // test's, in one run): the first lists then hold nothing, which is not what the demo is for.
                long catalogueStart = System.nanoTime();
                if (awaitCatalogue(runtime, o.items(), stop)) {
                    out.printf(Locale.ROOT, "ripple: the catalogue's %d items embedded and read in %.1f s%n", o.items(),
                            (System.nanoTime() - catalogueStart) / 1e9);
                } else if (!stop.get()) {
                    log.warn("the scorer's catalogue held {} of the demo's {} items after {}: sending events anyway",
                            catalogueSize(runtime), o.items(), CATALOGUE_MAX);
                }
                out.flush();
                long deadline = o.duration() == null ? Long.MAX_VALUE : System.nanoTime() + o.duration().toNanos();
                AtomicBoolean producing = new AtomicBoolean(true);
                Thread feeder = new Thread(() -> {
                    try {
                        producer.run(o.events() <= 0 ? Long.MAX_VALUE : o.events(), o.rate(),
                                () -> !stop.get() && System.nanoTime() < deadline);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        producing.set(false);
                    }
                }, "ripple-demo-producer");
                feeder.start();
                long lastRender = 0;
                long producedAtLastRender = 0;
                long idleSince = 0;
                String status = "";
                long drainedAt = 0;
                long lastDrainCheck = 0;
                while (!stop.get()) {
                    view.poll(Duration.ofMillis(200));
                    long now = System.nanoTime();
                    if (now - lastRender > 1_000_000_000L) {
                        double rate = (producer.sent() - producedAtLastRender) / ((now - lastRender) / 1e9);
                        producedAtLastRender = producer.sent();
                        lastRender = now;
                        status = String.format(Locale.ROOT,
                                "ripple dev | events sent %d (%.0f/s) | items in catalogue %d | recommendations %d | Ctrl-C stops",
                                producer.sent(), rate, catalogueSize(runtime), view.received());
                        view.render(status, false);
                    }
                    // After the producer stops, wait for the scorer to drain (a fixed few seconds once cut off
                    // a slow machine's last events), then a second more for the view; at most DRAIN_MAX.
                    if (!producing.get()) {
                        idleSince = idleSince == 0 ? now : idleSince;
                        if (drainedAt == 0 && now - lastDrainCheck > 500_000_000L) {
                            lastDrainCheck = now;
                            drainedAt = drained(admin, config.nonEmpty("application.id"),
                                    runtime.topics().behaviorEvents.name()) ? now : 0;
                        }
                        if (drainedAt != 0 && now - drainedAt > 1_000_000_000L) {
                            break;
                        }
                        if (now - idleSince > DRAIN_MAX.toNanos()) {
                            log.warn("the scorer had not caught up with the demo's events {} after they stopped",
                                    DRAIN_MAX);
                            break;
                        }
                    }
                }
                view.render(status, true);
                stop.set(true);
                feeder.join(10_000);
                double first = view.firstAtNanos() == 0 ? -1 : (view.firstAtNanos() - t0) / 1e9;
                return new Summary(producer.sent(), view.received(), first, (System.nanoTime() - t0) / 1e9);
            }
        } finally {
            System.setErr(stderr);
            log.info("dev stack stopped");
        }
    }
}
