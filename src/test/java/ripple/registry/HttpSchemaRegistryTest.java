package ripple.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import ripple.serde.UnknownSchemaIdException;

/** The client against a scripted stand-in registry: what it sends, and how it reads answers and failures. */
class HttpSchemaRegistryTest {

    private static final Schema SCHEMA = new Schema.Parser().parse(
            "{\"type\": \"record\", \"name\": \"R\", \"namespace\": \"ripple.test\", \"fields\": []}");

    private record Answer(int status, String contentType, String body) {}

    private record Seen(String method, String rawPath, String authorization, String body) {}

    private HttpServer stub;
    private final Deque<Answer> answers = new ArrayDeque<>();
    private final List<Seen> seen = new ArrayList<>();

    @BeforeEach
    void startStub() throws IOException {
        stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/", this::answer);
        stub.start();
    }

    @AfterEach
    void stopStub() {
        stub.stop(0);
    }

    private synchronized void answer(HttpExchange exchange) throws IOException {
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestHeaders().getFirst("Authorization"),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        Answer a = answers.isEmpty() ? new Answer(500, "text/plain", "no answer scripted") : answers.poll();
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", a.contentType());
        exchange.sendResponseHeaders(a.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private String stubUrl() {
        return "http://127.0.0.1:" + stub.getAddress().getPort();
    }

    private HttpSchemaRegistry.Builder client(String urls) {
        return HttpSchemaRegistry.builder(urls).retryBackoff(Duration.ofMillis(10)).requestTimeout(Duration.ofSeconds(5));
    }

    @Test
    void sendsCredentialsAndEncodedSubjectsAndReadsPlainJsonWithExtraFields() {
        answers.add(new Answer(200, "application/json", "{\"id\": 7, \"version\": 1, \"guid\": \"x\"}"));

        int id = client(stubUrl() + "/apis/ccompat/v7/").basicAuth("alice:s3cret").build().register("a b/c-值", SCHEMA);

        assertThat(id).isEqualTo(7);
        Seen request = seen.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawPath()).isEqualTo("/apis/ccompat/v7/subjects/a%20b%2Fc-%E5%80%BC/versions");
        assertThat(request.authorization()).isEqualTo(
                "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8)));
        assertThat(request.body()).isEqualTo("{\"schema\":" + quoted(SCHEMA.toString()) + "}");
    }

    @Test
    void notFoundIsEmptyOrAnUnknownId() {
        answers.add(new Answer(404, "application/json", "{\"error_code\": 40401, \"message\": \"Subject not found.\"}"));
        answers.add(new Answer(404, "application/json", "{\"error_code\": 40401, \"message\": \"Subject not found.\"}"));
        answers.add(new Answer(404, "application/json", "{\"error_code\": 40403, \"message\": \"Schema not found\"}"));
        HttpSchemaRegistry registry = client(stubUrl()).build();

        assertThat(registry.versions("s")).isEmpty();
        assertThat(registry.lookup("s", SCHEMA)).isEmpty();
        assertThatThrownBy(() -> registry.schemaById(3)).isInstanceOf(UnknownSchemaIdException.class);
    }

    @Test
    void unreachableUrlsAreSkippedAndUnavailableAnswersRetried() throws IOException {
        answers.add(new Answer(503, "text/html", "<html>restarting</html>"));
        answers.add(new Answer(200, "application/vnd.schemaregistry.v1+json", "[\"b\", \"a\"]"));

        List<String> subjects = client(closedUrl() + "," + stubUrl()).maxAttempts(4).build().subjects();

        assertThat(subjects).containsExactly("a", "b");
        assertThat(seen).hasSize(2);
    }

    @Test
    void failuresNameTheRequestStatusAndRegistryError() throws IOException {
        answers.add(new Answer(500, "application/json", "{\"error_code\": 50001, \"message\": \"store down\"}"));
        assertThatThrownBy(() -> client(stubUrl()).build().subjects())
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(500);
                    assertThat(e.errorCode()).isEqualTo(50001);
                })
                .hasMessage("GET " + stubUrl() + "/subjects answered 500 (error 50001): store down");

        String closed = closedUrl();
        assertThatThrownBy(() -> client(closed).maxAttempts(2).build().subjects())
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageStartingWith("GET " + closed + "/subjects failed after 2 attempts")
                .hasCauseInstanceOf(IOException.class);
    }

    /** A URL nothing listens on. */
    private static String closedUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
