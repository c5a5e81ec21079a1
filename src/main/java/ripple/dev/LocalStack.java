package ripple.dev;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import ripple.dev.registry.KafkaSchemaStore;
import ripple.dev.registry.RegistryServer;

/**
 * The local stack, assembled in one place for {@code ./ripple dev}, the end-to-end benchmark and the integration
 * tests: a single-node broker (see {@link EmbeddedKafka}), the schema store on its {@code _schemas} topic, and
 * optionally the registry's REST server over that store.
 */
public final class LocalStack implements AutoCloseable {
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

    private final EmbeddedKafka kafka;
    private final KafkaSchemaStore store;
    private final RegistryServer registry;

    private LocalStack(EmbeddedKafka kafka, KafkaSchemaStore store, RegistryServer registry) {
        this.kafka = kafka;
        this.store = store;
        this.registry = registry;
    }

    public static Builder builder(Path kafkaDir) {
        return new Builder(kafkaDir);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    /** The store behind the registry; a {@code SchemaRegistry} for code that need not go through HTTP. */
    public KafkaSchemaStore schemaStore() {
        return store;
    }

    /** The registry's base URL, e.g. {@code http://127.0.0.1:8081}. */
    public String registryUrl() {
        if (registry == null) {
            throw new IllegalStateException("this stack serves no registry: build it with registry(host, port)");
        }
        return registry.url().toString();
    }

    @Override
    public void close() {
        // the server closes its store; without a server the store is closed here
        if (registry != null) {
            registry.close();
        } else {
            store.close();
        }
        kafka.close();
    }

    public static final class Builder {
        private final Path kafkaDir;
        private int kafkaPort;
        private String registryHost;
        private int registryPort = -1;
        private Function<String, Map<String, Object>> client = bootstrap -> Map.of("bootstrap.servers", bootstrap);

        private Builder(Path kafkaDir) {
            this.kafkaDir = kafkaDir;
        }

        /** The broker's port; 0 (the default) for a free one. */
        public Builder kafkaPort(int port) {
            this.kafkaPort = port;
            return this;
        }

        /** Serve the registry's REST API on this host and port (0 for a free one); by default none is served. */
        public Builder registry(String host, int port) {
            this.registryHost = host;
            this.registryPort = port;
            return this;
        }

        /**
         * The schema store's client settings, from the broker's bootstrap servers (by default those alone), so that
         * the store connects as the rest of the application does.
         */
        public Builder client(Function<String, Map<String, Object>> clientFor) {
            this.client = clientFor;
            return this;
        }

        /** Starts the broker, then the store and the server; what started is stopped again if a later part fails. */
        public LocalStack start() {
            EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(kafkaDir).port(kafkaPort).build().start();
            KafkaSchemaStore store = null;
            try {
                Map<String, Object> props = new HashMap<>(client.apply(kafka.bootstrapServers()));
                store = KafkaSchemaStore.open(props, KafkaSchemaStore.DEFAULT_TOPIC, STORE_TIMEOUT);
                RegistryServer server = registryPort < 0 ? null : RegistryServer.start(store, registryHost, registryPort);
                return new LocalStack(kafka, store, server);
            } catch (RuntimeException e) {
                if (store != null) {
                    store.close();
                }
                kafka.close();
                throw e;
            }
        }
    }
}
