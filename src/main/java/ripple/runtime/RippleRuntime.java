package ripple.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.config.RippleConfig;
import ripple.embedding.EmbedderMetrics;
import ripple.embedding.EmbedderSettings;
import ripple.embedding.EmbedderTopology;
import ripple.embedding.ItemEmbedder;
import ripple.features.ItemCatalog;
import ripple.ops.Health;
import ripple.ops.OpsServer;
import ripple.ops.OpsSettings;
import ripple.scoring.RecommendationQuery;
import ripple.metrics.RippleMetrics;
import ripple.ops.UserLookup;
import ripple.privacy.Pseudonyms;
import ripple.scoring.ScoringSettings;
import ripple.scoring.ScoringTopology;
import ripple.serde.SchemaRegistry;
import ripple.topics.TopicAdmin;
import ripple.topics.TopicSettings;
import ripple.topics.Topics;

/**
 * Runs Ripple's roles as Kafka Streams applications: the scorer under {@code application.id} with its by-item
 * aggregates beside it under {@code application.id-by-item}, the embedder under an id that includes its model version; and the operations HTTP server ({@link OpsServer}) with health, Prometheus
 * metrics and users' recommendations. Every setting is read and checked before anything starts, so a bad one
 * fails at start with one message.
 */
public final class RippleRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RippleRuntime.class);
    private static final String SCORER = "scorer";
    private static final String BY_ITEM = "by-item";
    /** What the by-item aggregates' application id adds to {@code application.id}. */
    public static final String BY_ITEM_SUFFIX = "-" + BY_ITEM;
    private static final String EMBEDDER = "embedder";

    private final Topics topics;
    private final Role role;
    private final Duration shutdownTimeout;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** In the order started; read by HTTP threads while start() adds to it. */
    private final Map<String, KafkaStreams> apps = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<AutoCloseable> meterBinders = new ArrayList<>();
    private OpsServer http;
    private volatile ItemCatalog catalog;
    private volatile ItemEmbedder embedder;
    /** Set once the scorer runs; until then /users answers 503. */
    private volatile UserLookup users;
    private volatile Pseudonyms pseudonyms = Pseudonyms.NONE;
    private boolean closed;

    private RippleRuntime(Topics topics, Role role, Duration shutdownTimeout) {
        this.topics = topics;
        this.role = role;
        this.shutdownTimeout = shutdownTimeout;
    }

    public static RippleRuntime start(RippleConfig config, Role role, SchemaRegistry registry) throws Exception {
        TopicSettings topicSettings = TopicSettings.from(config);
        Topics topics = Topics.create(topicSettings, registry);
        ScoringSettings scoring = role.scores() ? ScoringSettings.from(config) : null;
        EmbedderSettings embedding = role.embeds() ? EmbedderSettings.from(config) : null;
        KafkaStreamsSettings kafka = KafkaStreamsSettings.from(config);
        Properties scorerProps = role.scores() ? KafkaSettings.streams(kafka, "") : null;
        OpsSettings ops = OpsSettings.from(config);

        RippleRuntime runtime = new RippleRuntime(topics, role, ops.shutdownTimeout());
        // The model loads beside the rest of the start: neither the topics, the schemas nor the scorer need it, and
        // the scorer has the longest way to RUNNING (its global stores, then its tasks' state).
        CompletableFuture<ItemEmbedder> model = embedding == null ? null
                : CompletableFuture.supplyAsync(embedding::openEmbedder, r -> {
                    Thread t = new Thread(r, "ripple-model-load");
                    t.setDaemon(true);
                    t.start();
                });
        try {
            runtime.bindJvmMetrics();
            // first, so that probes get an answer (503) while topics are checked and the model loads
            runtime.http = OpsServer.start(ops, runtime::health, runtime.meters, runtime::lookUp);
            try (Admin admin = Admin.create(KafkaSettings.client(kafka.client()))) {
                TopicAdmin.ensure(admin, topics, topicSettings.partitions(), topicSettings.replication());
            }
            log.info("schemas ready: {}", topics.prepareSchemas(role.scores(), role.embeds()));
            RippleMetrics rippleMetrics = new RippleMetrics(runtime.meters);
            if (scoring != null) {
                // the port is known only now (http.port may be 0); the metadata of interactive queries carries it,
                // so that any instance can send a user's query to the instance that owns the user
                HostInfo self = new HostInfo(ops.advertisedHost(), runtime.http.port());
                scorerProps.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
                ItemCatalog catalog = scoring.newCatalog();
                runtime.catalog = catalog;
                ScoringTopology.Wiring wiring = ScoringTopology.Wiring.live(rippleMetrics);
                // The by-item aggregates first: the scorer's item signals wait for them in their topic meanwhile.
                runtime.launch(BY_ITEM, ScoringTopology.byItem(scoring, topics, wiring), byItemProps(kafka, scoring));
                KafkaStreams scorer = runtime.launch(SCORER,
                        ScoringTopology.scorer(scoring, topics, catalog, wiring), scorerProps);
                runtime.pseudonyms = scoring.intake().pseudonyms();
                runtime.users = new RecommendationQuery(scorer, catalog, scoring, self);
            }
            if (embedding != null) {
                runtime.embedder = loaded(model);
                String appId = EmbedderTopology.applicationId(kafka.applicationId(), runtime.embedder.version());
                Properties props = KafkaSettings.streams(kafka, "");
                props.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
                runtime.launch(EMBEDDER, EmbedderTopology.build(embedding, topics, runtime.embedder,
                        new EmbedderMetrics(rippleMetrics)), props);
            }
        } catch (Exception e) {
            if (model != null && runtime.embedder == null) {
                // a model that finishes loading after the failure is closed then
                model.thenAccept(ItemEmbedder::close);
            }
            runtime.close();
            throw e;
        }
        return runtime;
    }

    /**
     * The by-item aggregates' application: the scorer's settings under {@code application.id} with {@code -by-item},
     * committing every {@code scoring.by-item-commit-interval} (after the {@code streams.*} pass-through, which
     * names the scorer's commit interval).
     */
    public static Properties byItemProps(KafkaStreamsSettings kafka, ScoringSettings scoring) {
        Properties p = KafkaSettings.streams(kafka, BY_ITEM_SUFFIX);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, scoring.byItemCommitInterval().toMillis());
        return p;
    }

    /** The loaded model, or the loader's own exception (a missing model file names its setting). */
    static ItemEmbedder loaded(CompletableFuture<ItemEmbedder> model) throws InterruptedException {
        try {
            return model.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("loading the embedding model failed", e.getCause());
        }
    }

    private void bindJvmMetrics() {
        new JvmMemoryMetrics().bindTo(meters);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(meters);
        meterBinders.add(gc);
        new JvmThreadMetrics().bindTo(meters);
        new ClassLoaderMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
    }

    private KafkaStreams launch(String name, Topology topology, Properties props) {
        KafkaStreams streams = new KafkaStreams(topology, props);
        // A failed stream thread is replaced: transient faults (a lost broker, say) must not stop the service.
        // Counted, as the client state never shows it (a replaced thread never takes the client to ERROR).
        Counter failures = Counter.builder("ripple.stream.thread.failures")
                .description("stream threads that failed with an uncaught exception and were replaced")
                .tag("role", name).register(meters);
        streams.setUncaughtExceptionHandler(e -> {
            failures.increment();
            log.error("{} stream thread failed; replacing it", name, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> log.info("{}: {} -> {}", name, before, now));
        // the client's own metrics (threads, tasks, consumers, producers) as kafka_stream_* and kafka_consumer_*;
        // the role tag tells the two applications of one process apart
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams, List.of(Tag.of("role", name)));
        binder.bindTo(meters);
        meterBinders.add(binder);
        streams.start();
        apps.put(name, streams);
        return streams;
    }

    private UserLookup.Answer lookUp(String userId) {
        UserLookup u = users;
        if (u == null) {
            return new UserLookup.Unavailable(role.scores() ? "the scorer is starting" : "this instance does not score");
        }
        // the caller names the raw id; the state is kept by its pseudonym when privacy.pseudonymise is on
        return u.recommendations(pseudonyms.of(userId));
    }

    /** UP when every role of this process is RUNNING and, if it embeds, the model is loaded. */
    public Health health() {
        Map<String, KafkaStreams.State> states = new HashMap<>();
        if (role.scores()) {
            states.put(SCORER, stateOf(SCORER));
            states.put(BY_ITEM, stateOf(BY_ITEM));
        }
        if (role.embeds()) {
            states.put(EMBEDDER, stateOf(EMBEDDER));
        }
        ItemEmbedder e = embedder;
        return Health.of(states, role.embeds(), e == null ? null : e.version());
    }

    private KafkaStreams.State stateOf(String name) {
        KafkaStreams a = apps.get(name);
        return a == null ? null : a.state();
    }

    public Topics topics() {
        return topics;
    }

    /** The scorer's item catalogue, or null when this process does not score. */
    public ItemCatalog catalog() {
        return catalog;
    }

    /** Where the operations HTTP server listens, e.g. {@code http://127.0.0.1:8080}. */
    public URI httpUrl() {
        return http.url();
    }

    /**
     * The total so far of every counter of this process with the given name, over all tags (e.g.
     * {@code ripple.stream.thread.failures}, {@code ripple.events}): for tests and tools that run in this JVM.
     */
    public double count(String counter) {
        return meters.find(counter).counters().stream().mapToDouble(Counter::count).sum();
    }

    public boolean running() {
        return health().up();
    }

    /** Waits until every role is RUNNING; false on timeout. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!running()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /**
     * Stops the HTTP server, then each application, all within {@code shutdown.timeout}: an application that has not
     * stopped by then is left to die with the process; under exactly-once its open transaction aborts and its
     * state is restored from the changelog on the next start. Safe to call more than once.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long started = System.nanoTime();
        long deadline = started + shutdownTimeout.toNanos();
        if (http != null) {
            http.close();
            log.info("shutdown: HTTP server stopped");
        }
        // the reverse of the start: the scorer stops writing item signals before the by-item aggregates stop
        Map<String, KafkaStreams> stopping;
        synchronized (apps) {
            stopping = new LinkedHashMap<>(apps);
            apps.clear();
        }
        List<String> names = new ArrayList<>(stopping.keySet());
        Collections.reverse(names);
        users = null;
        names.forEach(name -> {
            KafkaStreams app = stopping.get(name);
            long t0 = System.nanoTime();
            Duration left = Duration.ofNanos(Math.max(0, deadline - t0));
            // Leaving the group hands this instance's partitions to the others at once, rather than after the
            // session timeout.
            boolean clean = app.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(left));
            if (clean) {
                log.info("shutdown: {} stopped in {} ms", name, (System.nanoTime() - t0) / 1_000_000);
            } else {
                log.warn("shutdown: {} did not stop within {} ms (state {}); leaving it", name, left.toMillis(), app.state());
            }
        });
        for (AutoCloseable binder : meterBinders) {
            try {
                binder.close();
            } catch (Exception e) {
                log.debug("closing a meter binder failed: {}", e.toString());
            }
        }
        meterBinders.clear();
        meters.close();
        ItemEmbedder e = embedder;
        if (e != null) {
            e.close();
            embedder = null;
            log.info("shutdown: model closed");
        }
        log.info("shutdown: done in {} ms (budget {} ms)", (System.nanoTime() - started) / 1_000_000,
                shutdownTimeout.toMillis());
    }
}
