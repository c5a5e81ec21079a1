package ripple.runtime;

import ripple.testing.Committed;
import ripple.testing.Await;
import ripple.testing.Processes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.WeightUpdate;
import ripple.config.RippleConfig;
import ripple.dev.EmbeddedKafka;
import ripple.dev.registry.KafkaSchemaStore;
import ripple.scoring.ScorerFixture;
import ripple.topics.Topics;

/**
 * Kafka over SASL_SSL (SCRAM-SHA-512 over TLS): Ripple reaches a secured broker with nothing but the
 * {@code kafka.*} pass-through settings. The broker's certificate is self-signed and made here with {@code keytool};
 * the client trusts it through a PKCS12 truststore. The broker keeps a PLAINTEXT listener for itself (inter-broker
 * traffic, its readiness probe) and for creating the SCRAM credential; every Ripple client uses the SASL_SSL one.
 * Wrong credentials fail at start, at once, with an authentication error rather than a hang.
 */
@Tag("integration")
class SecureKafkaIntegrationTest {
    private static final Logger log = LoggerFactory.getLogger(SecureKafkaIntegrationTest.class);
    private static final String PASSWORD = "changeit-" + Long.toHexString(System.nanoTime());
    private static final String USER = "ripple";
    private static final String USER_PASSWORD = "s3cret-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;
    private static String secureBootstrap;
    private static Path truststore;

    @BeforeAll
    static void startSecureBroker() throws Exception {
        Path keystore = dir.resolve("broker.p12");
        truststore = dir.resolve("truststore.p12");
        Path cert = dir.resolve("broker.crt");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "ripple-test-ca", "-file", cert.toString(),
                "-keystore", truststore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);

        int plainPort = Await.freePort();
        int securePort = Await.freePort();
        int controllerPort = Await.freePort();
        String host = "127.0.0.1";
        kafka = EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).port(plainPort).controllerPort(controllerPort)
                .brokerConfig("listeners", "PLAINTEXT://" + host + ":" + plainPort + ",SASL_SSL://" + host + ":"
                        + securePort + ",CONTROLLER://" + host + ":" + controllerPort)
                .brokerConfig("advertised.listeners", "PLAINTEXT://" + host + ":" + plainPort + ",SASL_SSL://" + host
                        + ":" + securePort)
                .brokerConfig("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT")
                .brokerConfig("sasl.enabled.mechanisms", "SCRAM-SHA-512")
                .brokerConfig("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                .brokerConfig("ssl.keystore.type", "PKCS12")
                .brokerConfig("ssl.keystore.location", keystore.toString())
                .brokerConfig("ssl.keystore.password", PASSWORD)
                .brokerConfig("ssl.key.password", PASSWORD)
                .build().start();
        secureBootstrap = host + ":" + securePort;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), USER_PASSWORD))).all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theScorerRunsOverSaslSslConfiguredOnlyThroughThePassThroughSettings() throws Exception {
        RippleConfig config = secure(ScorerFixture.testConfig(), USER_PASSWORD)
                .with("application.id", "ripple-secure")
                .with("state.dir", dir.resolve("state").toString())
                .with("commit.interval", "100ms")
                .with("topics.partitions", "2")
                .with("http.port", "0");
        Properties client = KafkaSettings.client(config);
        // The SCRAM credential reaches the broker's cache through the metadata log: retry briefly.
        KafkaSchemaStore registry = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (registry == null) {
            try {
                registry = KafkaSchemaStore.open(toMap(client), KafkaSchemaStore.DEFAULT_TOPIC, Duration.ofSeconds(20));
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        try (KafkaSchemaStore r = registry; RippleRuntime runtime = RippleRuntime.start(config, Role.SCORER, r)) {
            assertThat(runtime.awaitRunning(Duration.ofSeconds(60))).as("scorer running").isTrue();
            Topics topics = runtime.topics();
            ScorerFixture.produceFeatures(client, topics, 8);
            Instant t = Instant.now().minusSeconds(60);
            List<BehaviorEvent> events = List.of(
                    ScorerFixture.event("e1", "alice", "i1", BehaviorType.CLICK, t),
                    ScorerFixture.event("e2", "bob", "i3", BehaviorType.PURCHASE, t.plusSeconds(1)),
                    ScorerFixture.event("e3", "alice", "i2", BehaviorType.CART, t.plusSeconds(2)));
            try (KafkaProducer<String, BehaviorEvent> p = new KafkaProducer<>(client, new StringSerializer(),
                    topics.behaviorEvents.valueSerde().serializer())) {
                for (BehaviorEvent e : events) {
                    p.send(new ProducerRecord<>(topics.behaviorEvents.name(), e.getUserId(), e)).get(30, TimeUnit.SECONDS);
                }
            }
            // The round trip: what the producer wrote over SASL_SSL, a consumer reads back over SASL_SSL.
            assertThat(Committed.await(client, topics.behaviorEvents.name(), topics.behaviorEvents.valueSerde().deserializer(), 3))
                    .extracting(BehaviorEvent::getEventId).containsExactlyInAnyOrder("e1", "e2", "e3");
            List<WeightUpdate> updates = Committed.await(client, topics.weightUpdates.name(),
                    topics.weightUpdates.valueSerde().deserializer(), 3);
            assertThat(updates).extracting(WeightUpdate::getEventId).containsExactlyInAnyOrder("e1", "e2", "e3");
        }
    }

    @Test
    void wrongCredentialsFailAtStartWithAnAuthenticationError() throws Exception {
        RippleConfig config = secure(ScorerFixture.testConfig(), "not-the-password")
                .with("application.id", "ripple-secure-wrong")
                .with("state.dir", dir.resolve("state-wrong").toString())
                .with("topics.partitions", "2")
                .with("http.port", "0");

        long t0 = System.nanoTime();
        Throwable admin;
        try (Admin a = Admin.create(KafkaSettings.client(config))) {
            admin = catchThrowable(() -> a.describeCluster().nodes().get(30, TimeUnit.SECONDS));
        }
        long adminMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(admin).hasRootCauseInstanceOf(SaslAuthenticationException.class);
        assertThat(rootCause(admin).getMessage()).containsIgnoringCase("authentication failed");

        long t1 = System.nanoTime();
        // the registry is only needed once topics exist; the runtime fails before any schema lookup
        Throwable start = catchThrowable(() -> RippleRuntime.start(config, Role.SCORER,
                new ripple.serde.InMemorySchemaRegistry()).close());
        long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
        log.info("wrong credentials: Admin failed in {} ms, RippleRuntime.start in {} ms: {}", adminMs, startMs,
                rootCause(start).toString());
        assertThat(start).hasRootCauseInstanceOf(SaslAuthenticationException.class);
        assertThat(rootCause(start).getMessage()).containsIgnoringCase("authentication failed");
        assertThat(adminMs).as("Admin failure time (ms)").isLessThan(30_000);
        assertThat(startMs).as("RippleRuntime.start failure time (ms)").isLessThan(30_000);
    }

    /** Only the pass-through settings: protocol, mechanism, JAAS login, truststore. */
    private static RippleConfig secure(RippleConfig c, String password) {
        return c.with("bootstrap.servers", secureBootstrap)
                .with("kafka.security.protocol", "SASL_SSL")
                .with("kafka.sasl.mechanism", "SCRAM-SHA-512")
                .with("kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"" + USER + "\" password=\"" + password + "\";")
                .with("kafka.ssl.truststore.location", truststore.toString())
                .with("kafka.ssl.truststore.password", PASSWORD);
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    private static Map<String, Object> toMap(Properties p) {
        Map<String, Object> m = new HashMap<>();
        p.forEach((k, v) -> m.put(k.toString(), v));
        return m;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Processes.Result r = Processes.run(new ProcessBuilder(cmd), Duration.ofSeconds(60));
        assertThat(r.exitCode()).as("keytool " + args[0] + ": " + r.text()).isZero();
    }

}
