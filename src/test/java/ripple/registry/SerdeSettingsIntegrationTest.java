package ripple.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;
import ripple.dev.registry.KafkaSchemaStore;
import ripple.dev.registry.RegistryServer;
import ripple.testing.LocalStackExtension;
import ripple.runtime.Registries;
import ripple.serde.AvroSerde;
import ripple.serde.SchemaRegistry;
import ripple.serde.SerdeSettings;
import ripple.serde.SubjectNameStrategy;
import ripple.serde.WireFormat;
import ripple.topics.Topics;

/**
 * Confluent's serializer settings ({@code auto.register.schemas}, {@code use.latest.version}, the subject name
 * strategies, basic and bearer auth) against the embedded registry over HTTP, with a read-only subject standing
 * for a registry where producers may not register (RBAC).
 */
@Tag("integration")
class SerdeSettingsIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final SerdeSettings LOOK_UP = new SerdeSettings(false, false, SubjectNameStrategy.TOPIC,
            SubjectNameStrategy.TOPIC);

    /** The broker; the registry server under test is this class's own. */
    @RegisterExtension
    static final LocalStackExtension kafka = new LocalStackExtension();
    private static RegistryServer server;
    private static HttpSchemaRegistry admin;

    @BeforeAll
    static void start() {
        server = RegistryServer.start(openStore(), "127.0.0.1", 0);
        admin = HttpSchemaRegistry.builder(server.url().toString()).build();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static KafkaSchemaStore openStore() {
        return KafkaSchemaStore.open(Map.of("bootstrap.servers", kafka.bootstrapServers()), KafkaSchemaStore.DEFAULT_TOPIC,
                TIMEOUT);
    }

    private static SchemaRegistry producerClient() {
        return HttpSchemaRegistry.builder(server.url().toString()).buildCached();
    }

    private static BehaviorEvent event() {
        return BehaviorEvent.newBuilder().setEventId("e1").setUserId("u1").setItemId("i1").setType(BehaviorType.CART)
                .setTimestamp(Instant.ofEpochMilli(1_700_000_000_000L)).setScenario("ecommerce").setContext(Map.of())
                .build();
    }

    /** Sets or (null) removes a subject's mode over HTTP, so that the one store behind the server sees it. */
    private static void mode(String subject, String mode) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + "/mode/" + subject))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json");
        request = mode == null ? request.DELETE()
                : request.PUT(HttpRequest.BodyPublishers.ofString("{\"mode\": \"" + mode + "\"}"));
        HttpResponse<String> answer = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    @Test
    void withoutAutoRegistrationTheSchemaIsLookedUpAndAMissingOneNamesTheSubject() throws Exception {
        mode("rbac-value", "READONLY");
        AvroSerde<BehaviorEvent> registering = AvroSerde.of(producerClient(), BehaviorEvent.class);
        assertThatThrownBy(() -> registering.serialize("rbac", event()))
                .as("today's default fails where producers may not register")
                .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("read-only");

        AvroSerde<BehaviorEvent> lookingUp = AvroSerde.of(producerClient(), BehaviorEvent.class, LOOK_UP);
        assertThatThrownBy(() -> lookingUp.serialize("rbac", event())).isInstanceOf(SerializationException.class)
                .hasMessageContaining("'rbac-value'").hasMessageContaining("auto.register.schemas=false");

        // an administrator (CI, the schema-registry Maven plugin) registers it where registration is allowed
        mode("rbac-value", null);
        int id = admin.register("rbac-value", BehaviorEvent.getClassSchema());
        mode("rbac-value", "READONLY");
        AvroSerde<BehaviorEvent> afterwards = AvroSerde.of(producerClient(), BehaviorEvent.class, LOOK_UP);
        byte[] bytes = afterwards.serialize("rbac", event());
        assertThat(WireFormat.schemaId(bytes)).isEqualTo(id);
        assertThat(afterwards.deserialize("rbac", bytes)).isEqualTo(event());
        assertThat(admin.versions("rbac-value")).containsExactly(1);
    }

    @Test
    void useLatestVersionWritesWithTheSubjectsLatestSchema() throws Exception {
        // a newer version of the event, as another team registered it: one more field, with a default
        ObjectMapper json = new ObjectMapper();
        ObjectNode newer = (ObjectNode) json.readTree(BehaviorEvent.getClassSchema().toString());
        ((ArrayNode) newer.get("fields")).addObject().put("name", "region").put("type", "string").put("default", "eu");
        Schema latest = new Schema.Parser().parse(newer.toString());
        admin.register("latest-value", BehaviorEvent.getClassSchema());
        int latestId = admin.register("latest-value", latest);

        AvroSerde<BehaviorEvent> serde = AvroSerde.of(producerClient(), BehaviorEvent.class,
                new SerdeSettings(false, true, SubjectNameStrategy.TOPIC, SubjectNameStrategy.TOPIC));
        byte[] bytes = serde.serialize("latest", event());

        assertThat(WireFormat.schemaId(bytes)).isEqualTo(latestId);
        GenericRecord asWritten = new GenericDatumReader<GenericRecord>(latest).read(null, DecoderFactory.get()
                .binaryDecoder(bytes, WireFormat.HEADER_LENGTH, bytes.length - WireFormat.HEADER_LENGTH, null));
        assertThat(asWritten.get("region").toString()).isEqualTo("eu");
        assertThat(asWritten.get("userId").toString()).isEqualTo("u1");
        assertThat(serde.deserialize("latest", bytes)).isEqualTo(event());
        assertThat(admin.versions("latest-value")).containsExactly(1, 2);
    }

    @Test
    void subjectNameStrategiesNameTheSubjectsAsConfluentsDo() {
        SchemaRegistry registry = producerClient();
        AvroSerde.of(registry, BehaviorEvent.class, new SerdeSettings(true, false, SubjectNameStrategy.TOPIC,
                SubjectNameStrategy.RECORD)).serialize("by-record", event());
        AvroSerde.of(registry, BehaviorEvent.class, new SerdeSettings(true, false, SubjectNameStrategy.TOPIC,
                SubjectNameStrategy.TOPIC_RECORD)).serialize("by-topic-record", event());
        assertThat(admin.subjects()).contains("ripple.avro.BehaviorEvent", "by-topic-record-ripple.avro.BehaviorEvent")
                .doesNotContain("by-record-value", "by-topic-record-value");
        assertThat(SubjectNameStrategy.parse("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"))
                .isEqualTo(SubjectNameStrategy.TOPIC_RECORD);
        assertThat(SubjectNameStrategy.parse("record")).isEqualTo(SubjectNameStrategy.RECORD);
    }

    @Test
    void basicAndBearerAuthReachARegistryThatRequiresThem() {
        String basic = "Basic " + Base64.getEncoder().encodeToString("ripple:s3cret".getBytes(StandardCharsets.UTF_8));
        try (RegistryServer guarded = RegistryServer.start(openStore(), "127.0.0.1", 0, basic)) {
            String url = guarded.url().toString();
            assertThatThrownBy(() -> Registries.http(config(Map.of("schema.registry.url", url))).subjects())
                    .isInstanceOf(SchemaRegistryException.class).hasMessageContaining("401");
            assertThat(Registries.http(config(Map.of("schema.registry.url", url,
                    "schema.registry.basic.auth.user.info", "ripple:s3cret"))).subjects()).isNotNull();
            assertThat(Registries.http(config(Map.of("schema.registry.url", url.replace("://", "://ripple:s3cret@"),
                    "schema.registry.basic.auth.credentials.source", "URL"))).subjects()).isNotNull();
            assertThat(Registries.http(config(Map.of("schema.registry.url", url,
                    "schema.registry.basic.auth.credentials.source", "SASL_INHERIT",
                    "kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                            + "username=\"ripple\" password=\"s3cret\";"))).subjects()).isNotNull();
        }
        try (RegistryServer guarded = RegistryServer.start(openStore(), "127.0.0.1", 0, "Bearer t0ken")) {
            String url = guarded.url().toString();
            assertThat(Registries.http(config(Map.of("schema.registry.url", url,
                    "schema.registry.bearer.auth.credentials.source", "STATIC_TOKEN",
                    "schema.registry.bearer.auth.token", "t0ken"))).subjects()).isNotNull();
            assertThatThrownBy(() -> Registries.http(config(Map.of("schema.registry.url", url,
                    "schema.registry.bearer.auth.credentials.source", "STATIC_TOKEN",
                    "schema.registry.bearer.auth.token", "wrong"))).subjects()).hasMessageContaining("401");
        }
        assertThatThrownBy(() -> Registries.http(config(Map.of("schema.registry.bearer.auth.credentials.source", "OAUTHBEARER"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.bearer.auth.credentials.source");
    }

    @Test
    void startRegistersTheInputTopicsSchemasAndFailsOnAMissingOutputSchemaWhenItMayNotRegister() {
        RippleConfig prefixed = config(Map.of("topics.behavior-events", "start-events", "topics.items", "start-items",
                "topics.scores", "start-scores", "topics.recommendations", "start-recs",
                "topics.weight-updates", "start-weights", "topics.dead-letters", "start-dead",
                "topics.item-features", "start-features"));
        assertThat(Topics.create(prefixed, producerClient()).prepareSchemas(true, false))
                .contains("start-events-value", "start-items-value", "start-scores-value");
        assertThat(admin.subjects()).contains("start-events-value", "start-items-value", "start-recs-value",
                "start-weights-value", "start-dead-value").doesNotContain("start-features-value");

        RippleConfig lookUp = config(Map.of("topics.scores", "unregistered-scores",
                "schema.registry.auto.register.schemas", "false"));
        assertThatThrownBy(() -> Topics.create(lookUp, producerClient()).prepareSchemas(true, false))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.auto.register.schemas")
                .hasMessageContaining("'unregistered-scores-value'");
        assertThatThrownBy(() -> ripple.topics.TopicSettings.serdeSettings(config(Map.of("schema.registry.use.latest.version", "true"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.use.latest.version");
    }

    private static RippleConfig config(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(values);
        all.putIfAbsent("schema.registry.url", server.url().toString());
        return RippleConfig.of(all, Map.of());
    }
}
