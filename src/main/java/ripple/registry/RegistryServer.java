package ripple.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.registry.KafkaSchemaStore.SchemaVersion;
import ripple.serde.UnknownSchemaIdException;

/**
 * The subset of Confluent Schema Registry's REST API that Avro clients use, over a {@link KafkaSchemaStore},
 * so that any Confluent client (Java, Python, kcat) works against {@code ripple dev}:
 * <pre>
 *   GET  /                                     liveness: {}
 *   POST /subjects/{subject}/versions          register: {"schema": "...", "schemaType"?: "AVRO"} -> {"id": n}
 *   POST /subjects/{subject}                   look up a registered schema -> {subject, id, version, schema}
 *   GET  /subjects                             all subjects
 *   GET  /subjects/{subject}/versions          version numbers
 *   GET  /subjects/{subject}/versions/{v}      v a number, "latest" or -1 -> {subject, version, id, schema}
 *   GET  /schemas/ids/{id}                     -> {"schema": "..."}
 *   GET  /config, PUT /config                  global compatibility level
 *   GET  /config/{subject}, PUT /config/{subject}  (GET takes ?defaultToGlobal=true)
 * </pre>
 * Errors are Confluent's {@code {"error_code": 40401, "message": "..."}}. Only Avro schemas are accepted;
 * schema references and deletion are not supported. The HTTP layer only maps requests and errors: all
 * registry rules are in the store.
 */
public final class RegistryServer implements AutoCloseable {

    public static final int DEFAULT_PORT = 8081;

    private static final Logger log = LoggerFactory.getLogger(RegistryServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** Schemas are small; a larger body is a mistake or an attack. */
    private static final int MAX_BODY_BYTES = 4 << 20;

    private final KafkaSchemaStore store;
    private final HttpServer http;
    private final ExecutorService executor;

    private RegistryServer(KafkaSchemaStore store, HttpServer http, ExecutorService executor) {
        this.store = store;
        this.http = http;
        this.executor = executor;
    }

    /**
     * Serves {@code store} on {@code host:port} (port 0 for a free one). The server owns the store from
     * then on and closes it on {@link #close()}.
     */
    public static RegistryServer start(KafkaSchemaStore store, String host, int port) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + " for the schema registry", e);
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "schema-registry-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        RegistryServer server = new RegistryServer(store, http, executor);
        http.createContext("/", server::handle);
        http.setExecutor(executor);
        http.start();
        log.info("Schema registry listening on {}", server.url());
        return server;
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8081}. */
    public URI url() {
        InetSocketAddress address = http.getAddress();
        return URI.create("http://" + address.getHostString() + ":" + address.getPort());
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdown();
        store.close();
    }

    private void handle(HttpExchange exchange) {
        try {
            int status = 200;
            JsonNode body;
            try {
                body = route(exchange.getRequestMethod(), path(exchange.getRequestURI()), exchange);
            } catch (SchemaRegistryException e) {
                status = e.httpStatus();
                body = error(e.errorCode(), e.getMessage());
            } catch (RuntimeException e) {
                log.error("Schema registry request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                status = 500;
                body = error(SchemaRegistryException.STORE_ERROR, "Error in the backend data store: " + e);
            }
            respond(exchange, status, body);
        } catch (IOException e) {
            log.debug("Could not answer schema registry request {}: {}", exchange.getRequestURI(), e.toString());
        } finally {
            exchange.close();
        }
    }

    private JsonNode route(String method, List<String> p, HttpExchange exchange) throws IOException {
        int n = p.size();
        if (n == 0) {
            return only(method, "GET", () -> JSON.createObjectNode());
        }
        switch (p.get(0)) {
            case "subjects" -> {
                if (n == 1) {
                    return only(method, "GET", () -> JSON.valueToTree(store.subjects()));
                }
                String subject = p.get(1);
                if (n == 2) {
                    return only(method, "POST", () -> lookup(subject, readSchema(exchange)));
                }
                if (n == 3 && p.get(2).equals("versions")) {
                    return method.equals("POST") ? register(subject, readSchema(exchange))
                            : only(method, "GET", () -> JSON.valueToTree(existingVersions(subject)));
                }
                if (n == 4 && p.get(2).equals("versions")) {
                    return only(method, "GET", () -> version(subject, p.get(3)));
                }
            }
            case "schemas" -> {
                if (n == 3 && p.get(1).equals("ids")) {
                    return only(method, "GET", () -> schemaById(p.get(2)));
                }
            }
            case "config" -> {
                if (n <= 2) {
                    String subject = n == 2 ? p.get(1) : null;
                    return method.equals("PUT") ? setCompatibility(subject, readJson(exchange))
                            : only(method, "GET", () -> compatibility(subject, exchange.getRequestURI()));
                }
            }
        }
        throw new SchemaRegistryException(404, 404, "HTTP 404 Not Found", null);
    }

    private interface Handler {
        JsonNode handle() throws IOException;
    }

    private static JsonNode only(String method, String allowed, Handler handler) throws IOException {
        if (!method.equals(allowed)) {
            throw new SchemaRegistryException(405, 405, "HTTP 405 Method Not Allowed", null);
        }
        return handler.handle();
    }

    // ---- endpoints ----

    private JsonNode register(String subject, Schema schema) {
        return JSON.createObjectNode().put("id", store.register(subject, schema));
    }

    private JsonNode lookup(String subject, Schema schema) {
        existingVersions(subject);
        SchemaVersion found = store.find(subject, schema).orElseThrow(() -> new SchemaRegistryException(
                SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found"));
        return describe(found);
    }

    private List<Integer> existingVersions(String subject) {
        List<Integer> versions = store.versions(subject);
        if (versions.isEmpty()) {
            throw new SchemaRegistryException(SchemaRegistryException.SUBJECT_NOT_FOUND,
                    "Subject '" + subject + "' not found.");
        }
        return versions;
    }

    private JsonNode version(String subject, String versionText) {
        existingVersions(subject);
        Optional<SchemaVersion> found;
        if (versionText.equals("latest") || versionText.equals("-1")) {
            found = store.latestVersion(subject);
        } else {
            int version;
            try {
                version = Integer.parseInt(versionText);
            } catch (NumberFormatException e) {
                version = 0;
            }
            if (version < 1) {
                throw new SchemaRegistryException(SchemaRegistryException.INVALID_VERSION,
                        "The specified version '" + versionText + "' is not a valid version id. Allowed values are"
                                + " between [1, 2^31-1] and the string \"latest\"");
            }
            found = store.version(subject, version);
        }
        return describe(found.orElseThrow(() -> new SchemaRegistryException(
                SchemaRegistryException.VERSION_NOT_FOUND, "Version " + versionText + " not found.")));
    }

    private JsonNode schemaById(String idText) {
        try {
            return JSON.createObjectNode().put("schema", store.schemaById(Integer.parseInt(idText)).toString());
        } catch (NumberFormatException | UnknownSchemaIdException e) {
            throw new SchemaRegistryException(SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + idText + " not found");
        }
    }

    private JsonNode compatibility(String subject, URI uri) {
        Compatibility level;
        if (subject == null) {
            level = store.globalCompatibility();
        } else {
            boolean defaultToGlobal = Arrays.asList(Optional.ofNullable(uri.getRawQuery()).orElse("").split("&"))
                    .contains("defaultToGlobal=true");
            level = store.subjectCompatibility(subject)
                    .or(() -> defaultToGlobal ? Optional.of(store.globalCompatibility()) : Optional.empty())
                    .orElseThrow(() -> new SchemaRegistryException(
                            SchemaRegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                            "Subject '" + subject + "' does not have subject-level compatibility configured"));
        }
        return JSON.createObjectNode().put("compatibilityLevel", level.name());
    }

    private JsonNode setCompatibility(String subject, JsonNode request) {
        Compatibility level = Compatibility.parse(request.path("compatibility").asText(null));
        store.setCompatibility(subject, level);
        return JSON.createObjectNode().put("compatibility", level.name());
    }

    private static ObjectNode describe(SchemaVersion v) {
        return JSON.createObjectNode().put("subject", v.subject()).put("version", v.version()).put("id", v.id())
                .put("schema", v.schema().toString());
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    // ---- request and response plumbing ----

    /** The decoded path segments: {@code /subjects/a%2Fb/versions} is [subjects, a/b, versions]. */
    private static List<String> path(URI uri) {
        List<String> segments = new ArrayList<>();
        for (String raw : uri.getRawPath().split("/")) {
            if (!raw.isEmpty()) {
                // Path segments: '+' is a literal plus, unlike in a query string.
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private static Schema readSchema(HttpExchange exchange) throws IOException {
        JsonNode request = readJson(exchange);
        String type = request.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_SCHEMA,
                    "Unsupported schema type " + type + ": this registry holds Avro schemas only");
        }
        if (request.path("references").size() > 0) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_SCHEMA,
                    "Schema references are not supported");
        }
        JsonNode schema = request.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_SCHEMA,
                    "Invalid schema: the request has no \"schema\" string");
        }
        try {
            return new Schema.Parser().parse(schema.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
        }
    }

    private static JsonNode readJson(HttpExchange exchange) throws IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new SchemaRegistryException(413, 413, "Request body larger than " + MAX_BODY_BYTES + " bytes", null);
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new SchemaRegistryException(400, 400, "The request body is not a JSON object", null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException(400, 400, "Unparseable JSON body: " + e.getOriginalMessage(), null);
        }
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
