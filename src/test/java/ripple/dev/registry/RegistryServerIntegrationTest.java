package ripple.dev.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.registry.HttpSchemaRegistry;
import ripple.registry.SchemaRegistryException;
import ripple.testing.LocalStackExtension;
import ripple.serde.AvroSerde;
import ripple.serde.SchemaRegistry;
import ripple.serde.UnknownSchemaIdException;

/** The registry over HTTP, with {@link HttpSchemaRegistry} as the client, on one embedded broker for the class. */
@Tag("integration")
class RegistryServerIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final Schema V1 = record("""
            {"name": "a", "type": "string"}""");
    /** V1 plus a field with a default: new readers fill it in for old data. */
    private static final Schema V2 = record("""
            {"name": "a", "type": "string"}, {"name": "b", "type": "int", "default": 0}""");
    /** V2 plus a field without a default: new readers cannot read old data. */
    private static final Schema V3_INCOMPATIBLE = record("""
            {"name": "a", "type": "string"}, {"name": "b", "type": "int", "default": 0}, {"name": "c", "type": "long"}""");


    /** The broker; the registry server under test is this class's own. */
    @RegisterExtension
    static final LocalStackExtension kafka = new LocalStackExtension();
    private static RegistryServer server;
    private static HttpSchemaRegistry client;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        startRegistry();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void startRegistry() {
        KafkaSchemaStore store = KafkaSchemaStore.open(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                KafkaSchemaStore.DEFAULT_TOPIC, TIMEOUT);
        server = RegistryServer.start(store, "127.0.0.1", 0);
        client = HttpSchemaRegistry.builder(server.url().toString()).build();
    }

    @Test
    void sameSchemaHasOneIdInEverySubject() {
        int id = client.register("same-value", V1);

        assertThat(client.register("same-value", V1)).isEqualTo(id);
        assertThat(client.register("same-other-value", V1)).isEqualTo(id);
        assertThat(client.schemaById(id)).isEqualTo(V1);
        assertThat(client.subjects()).contains("same-value", "same-other-value");
    }

    @Test
    void compatibleChangeIsTheNextVersion() {
        int id1 = client.register("evolve-value", V1);
        int id2 = client.register("evolve-value", V2);

        assertThat(id2).isNotEqualTo(id1);
        assertThat(client.versions("evolve-value")).containsExactly(1, 2);
        assertThat(client.latest("evolve-value")).contains(V2);
        assertThat(client.lookup("evolve-value", V1)).contains(id1);
        assertThat(client.lookup("evolve-value", V3_INCOMPATIBLE)).isEmpty();
        assertThat(client.lookup("no-such-subject", V1)).isEmpty();
        assertThat(client.versions("no-such-subject")).isEmpty();
        assertThat(client.latest("no-such-subject")).isEmpty();
    }

    @Test
    void incompatibleChangeIsRefusedUnderBackward() {
        client.register("strict-value", V2);

        assertThatThrownBy(() -> client.register("strict-value", V3_INCOMPATIBLE))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .hasMessageContaining("/subjects/strict-value/versions")
                .hasMessageContaining("incompatible")
                .hasMessageContaining("c");
        assertThat(client.versions("strict-value")).containsExactly(1);
    }

    @Test
    void compatibilityIsConfigurableGloballyAndPerSubject() throws Exception {
        assertThat(call("GET", "/config", null).body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        assertThat(call("GET", "/config/lax-value", null).status()).isEqualTo(404);
        assertThat(call("GET", "/config/lax-value?defaultToGlobal=true", null).body().get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD");

        Reply put = call("PUT", "/config/lax-value", "{\"compatibility\": \"none\"}");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.body().get("compatibility").asText()).isEqualTo("NONE");
        assertThat(call("GET", "/config/lax-value", null).body().get("compatibilityLevel").asText()).isEqualTo("NONE");
        assertThat(call("GET", "/config", null).body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");

        client.register("lax-value", V2);
        client.register("lax-value", V3_INCOMPATIBLE);
        assertThat(client.versions("lax-value")).containsExactly(1, 2);

        Reply bad = call("PUT", "/config", "{\"compatibility\": \"SIDEWAYS\"}");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body().get("error_code").asInt()).isEqualTo(42203);
    }

    @Test
    void errorsUseConfluentFormat() throws Exception {
        Reply subject = call("GET", "/subjects/ghost/versions", null);
        assertThat(subject.status()).isEqualTo(404);
        assertThat(subject.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(subject.body()).isEqualTo(JSON.readTree(
                "{\"error_code\": 40401, \"message\": \"Subject 'ghost' not found.\"}"));

        client.register("errors-value", V1);
        assertThat(call("GET", "/subjects/errors-value/versions/9", null).body().get("error_code").asInt()).isEqualTo(40402);
        assertThat(call("GET", "/subjects/errors-value/versions/x", null).body().get("error_code").asInt()).isEqualTo(42202);
        assertThat(call("POST", "/subjects/errors-value", "{\"schema\": " + JSON.writeValueAsString(V2.toString()) + "}")
                .body().get("error_code").asInt()).isEqualTo(40403);
        Reply invalid = call("POST", "/subjects/errors-value/versions", "{\"schema\": \"{not avro\"}");
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.body().get("error_code").asInt()).isEqualTo(42201);
        assertThat(call("GET", "/schemas/ids/99999", null).body().get("error_code").asInt()).isEqualTo(40403);
        assertThatThrownBy(() -> client.schemaById(99999)).isInstanceOf(UnknownSchemaIdException.class);
    }

    @Test
    void restEndpointsAnswerInConfluentShape() throws Exception {
        int id = client.register("shape value/with slash", V1);

        Reply version = call("GET", "/subjects/shape%20value%2Fwith%20slash/versions/latest", null);
        assertThat(version.body().get("subject").asText()).isEqualTo("shape value/with slash");
        assertThat(version.body().get("version").asInt()).isEqualTo(1);
        assertThat(version.body().get("id").asInt()).isEqualTo(id);
        assertThat(new Schema.Parser().parse(version.body().get("schema").asText())).isEqualTo(V1);
        Reply found = call("POST", "/subjects/shape%20value%2Fwith%20slash",
                "{\"schema\": " + JSON.writeValueAsString(V1.toString()) + ", \"schemaType\": \"AVRO\"}");
        assertThat(found.body().get("id").asInt()).isEqualTo(id);
        assertThat(found.body().get("version").asInt()).isEqualTo(1);
        assertThat(client.subjects()).contains("shape value/with slash");
    }

    @Test
    void idsSubjectsAndSettingsSurviveARegistryRestart() throws Exception {
        int id = client.register("durable-value", V1);
        int id2 = client.register("durable-value", V2);
        call("PUT", "/config/durable-value", "{\"compatibility\": \"FULL\"}");
        int highest = client.register("durable-marker-value", record("{\"name\": \"before\", \"type\": \"int\"}"));

        server.close();
        startRegistry();

        assertThat(client.schemaById(id)).isEqualTo(V1);
        assertThat(client.versions("durable-value")).containsExactly(1, 2);
        assertThat(client.lookup("durable-value", V2)).contains(id2);
        assertThat(call("GET", "/config/durable-value", null).body().get("compatibilityLevel").asText()).isEqualTo("FULL");
        // Ids go on from the highest one, rather than being handed out again.
        assertThat(client.register("durable-next-value", record("{\"name\": \"after\", \"type\": \"int\"}")))
                .isEqualTo(highest + 1);
    }

    @Test
    void avroSerdeRoundTripsOverHttp() {
        SchemaRegistry registry = HttpSchemaRegistry.builder(server.url().toString()).buildCached();
        AvroSerde<BehaviorEvent> serde = AvroSerde.of(registry, BehaviorEvent.class);
        BehaviorEvent event = BehaviorEvent.newBuilder()
                .setEventId("e-1").setUserId("u-1").setItemId("i-1").setType(BehaviorType.CART)
                .setTimestamp(Instant.ofEpochMilli(1_700_000_000_000L)).setDwellMs(null)
                .setScenario("ecommerce").setContext(Map.of("来源", "首页"))
                .build();

        byte[] bytes = serde.serialize("behavior-events", event);

        assertThat(serde.deserialize("behavior-events", bytes)).isEqualTo(event);
        assertThat(client.latest("behavior-events-value")).contains(serde.schema());
    }

    @Test
    void subjectsAndVersionsAreSoftDeletedThenPermanently() throws Exception {
        int id1 = client.register("gone-value", V1);
        client.register("gone-value", V2);

        assertThat(call("DELETE", "/subjects/gone-value?permanent=true", null).body().get("error_code").asInt())
                .as("permanent before soft").isEqualTo(40405);
        Reply version = call("DELETE", "/subjects/gone-value/versions/latest", null);
        assertThat(version.status()).isEqualTo(200);
        assertThat(version.body().asInt()).isEqualTo(2);
        assertThat(client.versions("gone-value")).containsExactly(1);
        assertThat(call("DELETE", "/subjects/gone-value/versions/2", null).body().get("error_code").asInt()).isEqualTo(40406);

        Reply subject = call("DELETE", "/subjects/gone-value", null);
        assertThat(subject.body()).isEqualTo(JSON.readTree("[1]"));
        assertThat(client.versions("gone-value")).isEmpty();
        assertThat(client.subjects()).doesNotContain("gone-value");
        assertThat(client.schemaById(id1)).as("records still name the id").isEqualTo(V1);
        assertThat(call("DELETE", "/subjects/gone-value", null).body().get("error_code").asInt()).isEqualTo(40404);

        // re-registering after a soft delete takes a new version number, as Confluent's registry does
        client.register("gone-value", V1);
        assertThat(client.versions("gone-value")).containsExactly(3);
        call("DELETE", "/subjects/gone-value", null);
        Reply permanent = call("DELETE", "/subjects/gone-value?permanent=true", null);
        assertThat(permanent.body()).isEqualTo(JSON.readTree("[1,2,3]"));
        assertThat(call("DELETE", "/subjects/gone-value", null).body().get("error_code").asInt()).isEqualTo(40401);

        server.close();
        startRegistry();
        assertThat(client.subjects()).as("deletions survive a restart").doesNotContain("gone-value");
        assertThat(client.register("gone-value", V2)).isPositive();
        assertThat(client.versions("gone-value")).as("numbering starts again after a permanent delete").containsExactly(1);
    }

    @Test
    void compatibilityIsCheckedWithoutRegistering() throws Exception {
        client.register("check-value", V1);
        String v2 = "{\"schema\": " + JSON.writeValueAsString(V2.toString()) + "}";
        String v3 = "{\"schema\": " + JSON.writeValueAsString(V3_INCOMPATIBLE.toString()) + "}";

        assertThat(call("POST", "/compatibility/subjects/check-value/versions/latest", v2).body())
                .isEqualTo(JSON.readTree("{\"is_compatible\": true}"));
        assertThat(call("POST", "/compatibility/subjects/check-value/versions/1", v3).body().get("is_compatible").asBoolean())
                .isFalse();
        Reply verbose = call("POST", "/compatibility/subjects/check-value/versions?verbose=true", v3);
        assertThat(verbose.body().get("is_compatible").asBoolean()).isFalse();
        assertThat(verbose.body().get("messages").toString()).contains("c");
        assertThat(client.versions("check-value")).as("nothing registered").containsExactly(1);
        assertThat(call("POST", "/compatibility/subjects/nobody/versions/latest", v2).body().get("error_code").asInt())
                .isEqualTo(40401);

        call("PUT", "/config/check-value", "{\"compatibility\": \"NONE\"}");
        assertThat(call("DELETE", "/config/check-value", null).body().get("compatibilityLevel").asText()).isEqualTo("NONE");
        assertThat(call("GET", "/config/check-value", null).status()).isEqualTo(404);
    }

    @Test
    void aReadOnlyModeRefusesRegistrationsButServesLookups() throws Exception {
        int id = client.register("locked-value", V1);
        assertThat(call("GET", "/mode", null).body().get("mode").asText()).isEqualTo("READWRITE");
        assertThat(call("GET", "/mode/locked-value", null).body().get("error_code").asInt()).isEqualTo(40409);

        assertThat(call("PUT", "/mode/locked-value", "{\"mode\": \"READONLY\"}").body().get("mode").asText())
                .isEqualTo("READONLY");
        assertThat(call("GET", "/mode/locked-value", null).body().get("mode").asText()).isEqualTo("READONLY");
        assertThat(client.register("locked-value", V1)).as("an existing version is no registration").isEqualTo(id);
        assertThatThrownBy(() -> client.register("locked-value", V2)).isInstanceOf(SchemaRegistryException.class)
                .satisfies(e -> assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(42205));
        assertThat(client.lookup("locked-value", V1)).contains(id);
        assertThat(call("PUT", "/mode/locked-value", "{\"mode\": \"SIDEWAYS\"}").body().get("error_code").asInt())
                .isEqualTo(42204);

        assertThat(call("DELETE", "/mode/locked-value", null).body().get("mode").asText()).isEqualTo("READONLY");
        assertThat(client.register("locked-value", V2)).isPositive();
    }

    private record Reply(int status, String contentType, JsonNode body) {}

    private Reply call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(TIMEOUT)
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                JSON.readTree(response.body()));
    }

    private static Schema record(String fields) {
        return new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"Thing\", \"namespace\": \"ripple.test\", "
                + "\"fields\": [" + fields + "]}");
    }
}
