package ripple.dev;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.SharedServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.image.MetadataDelta;
import org.apache.kafka.image.MetadataImage;
import org.apache.kafka.image.loader.LoaderManifest;
import org.apache.kafka.image.publisher.MetadataPublisher;
import org.apache.kafka.metadata.BrokerRegistration;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in this JVM: KRaft combined mode (broker and controller in one
 * node), the broker code of {@code kafka_2.13}, for {@code ripple dev} and integration tests.
 *
 * <p>Like {@code kafka-storage format} followed by {@code kafka-server-start}: the data directory is
 * formatted on first start only (its {@code meta.properties} keeps the cluster id), so a restart on the
 * same directory keeps topics, offsets and data. Every replication factor and min ISR is 1, so consumer
 * groups and transactions (exactly-once) work with one node.
 *
 * <p>The controller quorum is static ({@code controller.quorum.voters}) rather than formatted with
 * {@code --standalone}: a dynamic quorum records the controller's endpoint in the metadata log, so the
 * controller port could never change; with a static one it lives in configuration and a free port is
 * picked at each start. A one-node quorum never changes membership, which is all a dynamic one adds.
 *
 * <p>After an unclean stop ({@code kill -9}, a crash: no clean-shutdown marker in the data directory) the node is
 * started twice: first as a controller alone, until the controller has fenced the broker's previous incarnation,
 * then as the usual combined node. Started combined at once, the broker would act on the registration the dead
 * incarnation left in the metadata (itself unfenced and the leader of every partition): its transaction coordinator
 * loads and queues the markers of transactions the dead process had decided, and a broker session later the
 * controller fences that incarnation, leaving every partition without a leader for a moment. Kafka 4.4 drops a marker
 * retried in that moment as if its partition had been deleted (KAFKA-20734) and still records the transaction as
 * complete, so the offsets that transaction committed stay pending for ever and an exactly-once consumer never gets
 * its committed offsets. Fenced first, the broker starts as a follower of nothing and leads again only once its new
 * incarnation is registered, so it sends the markers to a leader. See {@link #fencePreviousIncarnation}.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** See serverProperties: long enough for a busy machine's transaction markers, far below request timeouts. */
    static final int TXN_ADD_PARTITIONS_WAIT_MS = 2000;
    /** Written by formatting; holds the cluster id. */
    private static final String META_PROPERTIES = "meta.properties";
    /** Written by the log manager when it has flushed and closed every log; removed when it starts. */
    private static final String CLEAN_SHUTDOWN_FILE = ".kafka_cleanshutdown"; // CleanShutdownFileHandler's name
    /**
     * The broker session of the controller-only start that fences a dead incarnation (see fencePreviousIncarnation):
     * the controller fences a broker this long after it takes office, as it never hears from the dead one.
     */
    static final int FENCING_SESSION_MS = 500;

    private final Path dataDir;
    private final String host;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private final Duration startTimeout;

    private KafkaRaftServer server;
    private String bootstrapServers;
    private String clusterId;

    private EmbeddedKafka(Builder b) {
        this.dataDir = b.dataDir.toAbsolutePath();
        this.host = b.host;
        this.port = b.port;
        this.controllerPort = b.controllerPort;
        this.overrides = Map.copyOf(b.overrides);
        this.startTimeout = b.startTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the data directory if it is new, starts the broker and returns once it answers
     * {@code describeCluster}. Fails if the broker is not up within the start timeout.
     */
    public synchronized EmbeddedKafka start() {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        long begin = System.nanoTime();
        int brokerPort = port == 0 ? freePort() : port;
        Properties props = serverProperties(brokerPort, controllerPort == 0 ? freePort() : controllerPort);
        KafkaConfig config = KafkaConfig.fromProps(props);
        boolean formatted = formatIfNew(config);
        clusterId = readClusterId();
        bootstrapServers = host + ":" + brokerPort;
        if (!formatted && !Files.exists(dataDir.resolve(CLEAN_SHUTDOWN_FILE))) {
            fencePreviousIncarnation();
        }
        KafkaRaftServer started = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            started.startup();
            awaitReady();
        } catch (RuntimeException e) {
            stop(started);
            throw e;
        }
        server = started;
        log.info("Kafka broker {} up at {} (data in {}) in {} ms", clusterId, bootstrapServers, dataDir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        return this;
    }

    /** {@code host:port} of the client listener; only valid once started. */
    public synchronized String bootstrapServers() {
        requireStarted();
        return bootstrapServers;
    }

    /** The cluster id, kept in the data directory's {@code meta.properties}; only valid once started. */
    public synchronized String clusterId() {
        requireStarted();
        return clusterId;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Shuts the broker down cleanly (flushing its logs), so the next start need not recover them. */
    @Override
    public synchronized void close() {
        if (server != null) {
            long begin = System.nanoTime();
            stop(server);
            server = null;
            log.info("Kafka broker at {} stopped in {} ms", bootstrapServers,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        }
    }

    private Properties serverProperties(int brokerPort, int ctrlPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + ctrlPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + host + ":" + ctrlPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        // One node: every internal topic with one replica, and an ISR of one is enough to commit.
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // A handful of local clients: one partition per internal topic creates faster than the default 50.
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        // No waiting for more members to join a new consumer group: there is only a developer to wait for.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Transactions v2 (Kafka 4's default) adds a partition to a transaction with the first produce to it. A
        // produce that arrives while the previous transaction's markers are still being written is retried here,
        // on the broker, for up to this long before CONCURRENT_TRANSACTIONS goes back to the producer. The default,
        // 100 ms, is shorter than a commit's markers take on a busy laptop: every commit then set off client
        // retries with a backoff growing towards 1 s and OutOfOrderSequence rejections of the batches queued
        // behind them (hundreds of log lines a minute, and the p99 latency). Waiting here costs one round trip.
        p.put("add.partitions.to.txn.retry.backoff.max.ms", Integer.toString(TXN_ADD_PARTITIONS_WAIT_MS));
        // How long the controller waits for a heartbeat before it fences the broker (default 9 s): 4 s still rides
        // out a busy laptop's pauses with heartbeats every second. After an unclean stop the previous incarnation is
        // fenced before the broker starts (fencePreviousIncarnation), so a restart does not wait for this.
        p.put("broker.session.timeout.ms", "4000");
        p.put("broker.heartbeat.interval.ms", "1000");
        // The compaction buffer (default 128 MB) is allocated at start; 16 MB still dedupes ~700k keys a pass.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 << 20));
        p.putAll(overrides);
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    /**
     * After an unclean stop: starts the node as a controller only (same node id, same metadata log, no broker), waits
     * until the metadata shows the broker's previous incarnation fenced (or in controlled shutdown, or never
     * registered), and stops it. With {@value #FENCING_SESSION_MS} ms broker sessions this took 0.9 s in tests and
     * 2.3 to 3.8 s in {@code ripple dev} on a loaded 2-core machine (much of it loading Kafka's classes, which the
     * combined start then need not), and the combined start that follows no longer waits (its registration was
     * refused as a duplicate until the dead incarnation's 4 s session ran out): the broker was up sooner than before.
     *
     * <p>Only the metadata log is touched: a controller has no log manager, so the partitions' logs and the missing
     * clean-shutdown marker are left for the combined start to recover, as before.
     */
    private void fencePreviousIncarnation() {
        long begin = System.nanoTime();
        // Not the overrides: they are broker settings (listeners, security) that a controller alone would reject.
        Map<String, String> p = new LinkedHashMap<>();
        int ctrlPort = controllerPort == 0 ? freePort() : controllerPort;
        p.put("process.roles", "controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + ctrlPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", CONTROLLER_LISTENER + "://" + host + ":" + ctrlPort);
        p.put("listener.security.protocol.map", CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        if (overrides.containsKey("metadata.log.dir")) {
            p.put("metadata.log.dir", overrides.get("metadata.log.dir"));
        }
        p.put("broker.session.timeout.ms", Integer.toString(FENCING_SESSION_MS));
        p.put("broker.heartbeat.interval.ms", Integer.toString(FENCING_SESSION_MS / 5));
        Properties props = new Properties();
        props.putAll(p);
        KafkaRaftServer controller = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
        String state;
        try {
            controller.startup();
            CompletableFuture<String> fenced = new CompletableFuture<>();
            sharedServer(controller).loader().installPublishers(List.of(new PreviousIncarnationWatch(fenced)));
            state = fenced.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fencing the previous Kafka broker in " + dataDir, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the Kafka controller did not fence the previous broker in " + dataDir
                    + " within " + startTimeout, e);
        } finally {
            stop(controller);
        }
        log.info("Kafka in {} was not stopped cleanly: its previous broker is {} ({} ms)", dataDir, state,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    }

    /**
     * The node's metadata loader. {@link KafkaRaftServer} keeps it private (its shared server); the alternative, building
     * the controller from {@link SharedServer} and {@code ControllerServer} here, would copy more of its internals.
     */
    private static SharedServer sharedServer(KafkaRaftServer server) {
        try {
            Method m = KafkaRaftServer.class.getDeclaredMethod("sharedServer");
            m.setAccessible(true);
            return (SharedServer) m.invoke(server);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot reach the metadata of this Kafka version's KafkaRaftServer", e);
        }
    }

    /** Completes once the published metadata no longer shows an active previous incarnation of this node's broker. */
    private static final class PreviousIncarnationWatch implements MetadataPublisher {
        private final CompletableFuture<String> done;

        PreviousIncarnationWatch(CompletableFuture<String> done) {
            this.done = done;
        }

        @Override
        public String name() {
            return "ripple-previous-incarnation-watch";
        }

        @Override
        public void onMetadataUpdate(MetadataDelta delta, MetadataImage image, LoaderManifest manifest) {
            BrokerRegistration previous = image.cluster().broker(NODE_ID);
            if (previous == null) {
                done.complete("not registered");
            } else if (previous.fenced()) {
                done.complete("fenced");
            } else if (previous.inControlledShutdown()) {
                done.complete("in controlled shutdown"); // it has already given up leading its partitions
            }
        }
    }

    /** As {@code kafka-storage format} does, but leaves an already formatted directory alone; true if it formatted. */
    private boolean formatIfNew(KafkaConfig config) {
        if (Files.exists(dataDir.resolve(META_PROPERTIES))) {
            return false;
        }
        try {
            Files.createDirectories(dataDir);
            String id = Uuid.randomUuid().toString();
            new Formatter()
                    .setPrintStream(new PrintStream(new LogOutputStream(), true, StandardCharsets.UTF_8))
                    .setNodeId(NODE_ID)
                    .setClusterId(id)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .addDirectory(dataDir.toString())
                    .run();
            log.info("Formatted {} for new Kafka cluster {}", dataDir, id);
            return true;
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private String readClusterId() {
        Properties meta = new Properties();
        try (var in = Files.newInputStream(dataDir.resolve(META_PROPERTIES))) {
            meta.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cluster id from " + dataDir, e);
        }
        return meta.getProperty("cluster.id");
    }

    private void awaitReady() {
        Map<String, Object> adminProps = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "ripple-embedded-kafka-probe");
        try (Admin admin = Admin.create(adminProps)) {
            // describeCluster retries internally until its timeout, so one call is the whole wait.
            int timeoutMs = (int) startTimeout.toMillis();
            var nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                    .nodes().get(timeoutMs, TimeUnit.MILLISECONDS);
            if (nodes.stream().map(Node::id).noneMatch(id -> id == NODE_ID)) {
                throw new IllegalStateException("Kafka broker at " + bootstrapServers + " does not list itself: " + nodes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker at " + bootstrapServers + " did not answer within "
                    + startTimeout, e);
        }
    }

    private static void stop(KafkaRaftServer s) {
        s.shutdown();
        s.awaitShutdown();
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
    }

    /**
     * A port free now. Another process may take it before the broker binds it, but the kernel hands out
     * ephemeral ports in rotation, so that is rare; the broker then fails to start with a clear bind error.
     */
    private int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host, e);
        }
    }

    /** Sends the formatter's console output to the log, one line at a time. */
    private static final class LogOutputStream extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            if (b == '\n') {
                log.debug("format: {}", line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }

    public static final class Builder {
        private Path dataDir = Path.of(".ripple", "kafka");
        private String host = "127.0.0.1";
        private int port = 9092;
        private int controllerPort = 0;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);

        private Builder() {}

        /** Where the broker keeps its logs and metadata; default {@code .ripple/kafka}. */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** The address both listeners bind to and the broker advertises; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The client listener's port; default 9092, 0 for a free one (see {@link #bootstrapServers()}). */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** The controller listener's port; default 0, a free one at each start. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        /** A broker setting applied over the defaults, e.g. {@code log.retention.hours}. */
        public Builder brokerConfig(String key, String value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** How long {@link #start()} waits for the broker to answer; default 60 s. */
        public Builder startTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("start timeout out of range: " + timeout);
            }
            this.startTimeout = timeout;
            return this;
        }

        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return port;
        }
    }
}
