package ripple.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.config.RippleConfig;
import ripple.embedding.EmbedderSettings;
import ripple.embedding.EmbedderTopology;
import ripple.embedding.ItemEmbedder;
import ripple.features.ItemCatalog;
import ripple.scoring.ScoringSettings;
import ripple.scoring.ScoringTopology;
import ripple.serde.SchemaRegistry;
import ripple.topics.TopicAdmin;
import ripple.topics.Topics;

/**
 * Runs Ripple's roles as Kafka Streams applications: the scorer under {@code application.id}, the embedder under
 * an id that includes its model version. Every setting is read and checked before anything starts, so a bad one
 * fails at start with one message.
 */
public final class RippleRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RippleRuntime.class);

    private final Topics topics;
    private final List<KafkaStreams> apps = new ArrayList<>();
    private ItemCatalog catalog;
    private ItemEmbedder embedder;

    private RippleRuntime(Topics topics) {
        this.topics = topics;
    }

    public static RippleRuntime start(RippleConfig config, Role role, SchemaRegistry registry) throws Exception {
        Topics topics = Topics.create(config, registry);
        ScoringSettings scoring = role.scores() ? ScoringSettings.from(config) : null;
        EmbedderSettings embedding = role.embeds() ? EmbedderSettings.from(config) : null;
        Properties scorerProps = role.scores() ? KafkaSettings.streams(config, "") : null;
        int partitions = config.intValue("topics.partitions", 1, 10_000);
        short replication = (short) config.intValue("topics.replication-factor", 1, 32);

        RippleRuntime runtime = new RippleRuntime(topics);
        try (Admin admin = Admin.create(KafkaSettings.client(config))) {
            TopicAdmin.ensure(admin, topics, partitions, replication);
        }
        try {
            if (embedding != null) {
                runtime.embedder = embedding.openEmbedder();
                String appId = EmbedderTopology.applicationId(config.nonEmpty("application.id"), runtime.embedder.version());
                Properties props = KafkaSettings.streams(config, "");
                props.put(org.apache.kafka.streams.StreamsConfig.APPLICATION_ID_CONFIG, appId);
                runtime.launch(EmbedderTopology.build(embedding, topics, runtime.embedder), props, "embedder");
            }
            if (scoring != null) {
                runtime.catalog = new ItemCatalog(scoring.layout(), scoring.projectionSeed(), scoring.decay());
                runtime.launch(ScoringTopology.build(scoring, topics, runtime.catalog), scorerProps, "scorer");
            }
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        return runtime;
    }

    private void launch(org.apache.kafka.streams.Topology topology, Properties props, String name) {
        KafkaStreams streams = new KafkaStreams(topology, props);
        // A failed stream thread is replaced: transient faults (a lost broker, say) must not stop the service.
        streams.setUncaughtExceptionHandler(e -> {
            log.error("{} stream thread failed; replacing it", name, e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> log.info("{}: {} -> {}", name, before, now));
        streams.start();
        apps.add(streams);
    }

    public Topics topics() {
        return topics;
    }

    /** The scorer's item catalogue, or null when this process does not score. */
    public ItemCatalog catalog() {
        return catalog;
    }

    public boolean running() {
        return !apps.isEmpty() && apps.stream().allMatch(a -> a.state() == KafkaStreams.State.RUNNING);
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

    @Override
    public void close() {
        // Leaving the group hands this instance's partitions to the others at once, rather than after the
        // session timeout.
        CloseOptions leave = CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30));
        for (KafkaStreams a : apps) {
            a.close(leave);
        }
        apps.clear();
        if (embedder != null) {
            embedder.close();
            embedder = null;
        }
    }
}
