package ripple.dev.registry;

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
import ripple.dev.registry.KafkaSchemaStore.SchemaVersion;
import ripple.registry.SchemaRegistryException;
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
 *   GET  /config/{subject}, PUT /config/{subject}, DELETE /config/{subject}  (GET takes ?defaultToGlobal=true)
 *   DELETE /subjects/{subject}                 soft delete (?permanent=true: remove what was soft-deleted)
 *   DELETE /subjects/{subject}/versions/{v}    the same for one version
 *   POST /compatibility/subjects/{subject}/versions/{v}  would this schema be compatible with version v?
 *   POST /compatibility/subjects/{subject}/versions      ... with the versions the subject's level checks
 *                                              -> {"is_compatible": b} (?verbose=true adds "messages")
 *   GET  /mode, PUT /mode                      READWRITE or READONLY (no registrations)
 *   GET  /mode/{subject}, PUT /mode/{subject}, DELETE /mode/{subject}
 * </pre>
 * These are what Kafka UI, AKHQ and the schema-registry Maven plugin use besides registering. Errors are
 * Confluent's {@code {"error_code": 40401, "message": "..."}}. Only Avro schemas are accepted; schema references
 * and the IMPORT mode are not supported. With a required {@code Authorization} value (for tests of clients'
 * basic or bearer auth), requests without it get 401. The HTTP layer only maps requests and errors: all
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

    /** Null: no authentication. */
    private final String requiredAuthorization;

    private RegistryServer(KafkaSchemaStore store, HttpServer http, ExecutorService executor, String requiredAuthorization) {
        this.store = store;
        this.http = http;
        this.executor = executor;
        this.requiredAuthorization = requiredAuthorization;
    }

    /**
     * Serves {@code store} on {@code host:port} (port 0 for a free one). The server owns the store from
     * then on and closes it on {@link #close()}.
     */
    public static RegistryServer start(KafkaSchemaStore store, String host, int port) {
        return start(store, host, port, null);
    }

    /**
     * As {@link #start(KafkaSchemaStore, String, int)}, answering 401 to requests whose {@code Authorization}
     * header is not exactly {@code requiredAuthorization} (e.g. {@code Basic dTpw}); null for none.
     */
    public static RegistryServer start(KafkaSchemaStore store, String host, int port, String requiredAuthorization) {
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
        RegistryServer server = new RegistryServer(store, http, executor, requiredAuthorization);
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
                if (requiredAuthorization != null && !java.security.MessageDigest.isEqual(
                        requiredAuthorization.getBytes(StandardCharsets.UTF_8),
                        String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")).getBytes(StandardCharsets.UTF_8))) {
                    throw new SchemaRegistryException(401, 401, "Unauthorized", null);
                }
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
                boolean permanent = query(exchange, "permanent");
                if (n == 2) {
                    return method.equals("DELETE") ? JSON.valueToTree(store.delete(subject, null, permanent))
                            : only(method, "POST", () -> lookup(subject, readSchema(exchange)));
                }
                if (n == 3 && p.get(2).equals("versions")) {
                    return method.equals("POST") ? register(subject, readSchema(exchange))
                            : only(method, "GET", () -> JSON.valueToTree(existingVersions(subject)));
                }
                if (n == 4 && p.get(2).equals("versions")) {
                    return method.equals("DELETE")
                            ? JSON.valueToTree(store.delete(subject, versionNumber(subject, p.get(3), permanent), permanent).get(0))
                            : only(method, "GET", () -> version(subject, p.get(3)));
                }
            }
            case "compatibility" -> {
                if ((n == 4 || n == 5) && p.get(1).equals("subjects") && p.get(3).equals("versions")) {
                    return only(method, "POST", () -> checkCompatibility(p.get(2), n == 5 ? p.get(4) : null,
                            readSchema(exchange), query(exchange, "verbose")));
                }
            }
            case "mode" -> {
                if (n <= 2) {
                    String subject = n == 2 ? p.get(1) : null;
                    if (method.equals("PUT")) {
                        KafkaSchemaStore.Mode mode = KafkaSchemaStore.Mode.parse(readJson(exchange).path("mode").asText(null));
                        store.setMode(subject, mode);
                        return JSON.createObjectNode().put("mode", mode.name());
                    }
                    if (method.equals("DELETE") && subject != null) {
                        KafkaSchemaStore.Mode was = subjectMode(subject);
                        store.setMode(subject, null);
                        return JSON.createObjectNode().put("mode", was.name());
                    }
                    return only(method, "GET", () -> JSON.createObjectNode().put("mode",
                            (subject == null || query(exchange, "defaultToGlobal") ? store.mode(subject)
                                    : subjectMode(subject)).name()));
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
                    if (method.equals("DELETE") && subject != null) {
                        JsonNode was = compatibility(subject, exchange.getRequestURI());
                        store.deleteCompatibility(subject);
                        return was;
                    }
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

    private KafkaSchemaStore.Mode subjectMode(String subject) {
        return store.subjectMode(subject).orElseThrow(() -> new SchemaRegistryException(
                SchemaRegistryException.SUBJECT_MODE_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level mode configured"));
    }

    /** The version a DELETE names: a number, or "latest" (the newest live one, or soft-deleted one when permanent). */
    private int versionNumber(String subject, String text, boolean permanent) {
        if (text.equals("latest") || text.equals("-1")) {
            List<Integer> live = store.versions(subject);
            if (live.isEmpty()) {
                throw new SchemaRegistryException(SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
            }
            return live.get(live.size() - 1);
        }
        try {
            int v = Integer.parseInt(text);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new SchemaRegistryException(SchemaRegistryException.INVALID_VERSION, "The specified version '" + text
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    private JsonNode checkCompatibility(String subject, String versionText, Schema schema, boolean verbose) {
        Integer version = null;
        if (versionText != null) {
            existingVersions(subject);
            version = versionText.equals("latest") || versionText.equals("-1")
                    ? store.latestVersion(subject).orElseThrow().version()
                    : store.version(subject, versionNumber(subject, versionText, false)).map(SchemaVersion::version)
                    .orElseThrow(() -> new SchemaRegistryException(SchemaRegistryException.VERSION_NOT_FOUND,
                            "Version " + versionText + " not found."));
        }
        List<String> violations = store.compatibilityViolations(subject, schema, version);
        ObjectNode out = JSON.createObjectNode().put("is_compatible", violations.isEmpty());
        if (verbose) {
            out.set("messages", JSON.valueToTree(violations));
        }
        return out;
    }

    private static boolean query(HttpExchange exchange, String flag) {
        return Arrays.asList(Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("").split("&"))
                .contains(flag + "=true");
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
