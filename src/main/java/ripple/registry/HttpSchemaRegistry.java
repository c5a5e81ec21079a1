package ripple.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import ripple.serde.CachingSchemaRegistry;
import ripple.serde.SchemaRegistry;
import ripple.serde.UnknownSchemaIdException;

/**
 * A client of Confluent Schema Registry's REST API, written to work unchanged against Confluent, Karapace,
 * Redpanda and Apicurio's {@code /apis/ccompat/v7} API. To that end it:
 * <ul>
 *   <li>uses only endpoints all four serve: {@code POST /subjects/{s}/versions}, {@code POST /subjects/{s}},
 *       {@code GET /schemas/ids/{id}}, {@code GET /subjects}, {@code GET /subjects/{s}/versions} and
 *       {@code GET /subjects/{s}/versions/latest};</li>
 *   <li>sends only {@code {"schema": ...}} (Avro is everyone's default type, and some reject
 *       {@code schemaType}), and reads only the fields it needs, ignoring any others;</li>
 *   <li>accepts {@code application/vnd.schemaregistry.v1+json}, {@code application/vnd.schemaregistry+json}
 *       and {@code application/json} answers, as Confluent's own client does;</li>
 *   <li>treats any 404 as "not there", since registries differ in their error codes (Apicurio's are not
 *       always Confluent's), and percent-encodes subjects as path segments ({@code /}, spaces, non-ASCII).</li>
 * </ul>
 * The base URL may carry a path ({@code https://host/apis/ccompat/v7}), and may be a comma-separated list:
 * a request that cannot connect tries the next URL, up to {@link Builder#maxAttempts} attempts in all,
 * with a growing pause between rounds. 502, 503 and 504 answers are retried the same way (a proxy in
 * front of a restarting registry); other answers are final.
 *
 * <p>Failures: an unknown id is an {@link UnknownSchemaIdException}, so the record goes to dead letters;
 * anything else is a {@link SchemaRegistryException} with the method, URL, status and the registry's
 * {@code error_code} and message (or the I/O error after the last attempt).
 *
 * <p>No caching here: {@link Builder#buildCached()} wraps the client in a {@link CachingSchemaRegistry}, which
 * is what serdes should use. Thread-safe.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; q=0.9, application/json; q=0.5";
    private static final Set<Integer> RETRIED_STATUSES = Set.of(502, 503, 504);

    private final List<URI> baseUrls;
    private final HttpClient http;
    private final Optional<String> authorization;
    /** Name, value, name, value...: Confluent Cloud's target-sr-cluster and Confluent-Identity-Pool-Id. */
    private final List<String> extraHeaders;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration retryBackoff;

    private HttpSchemaRegistry(Builder b) {
        this.baseUrls = b.baseUrls;
        this.authorization = b.bearerToken != null ? Optional.of("Bearer " + b.bearerToken)
                : b.userInfo.map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
        this.extraHeaders = List.copyOf(b.extraHeaders);
        this.requestTimeout = b.requestTimeout;
        this.maxAttempts = b.maxAttempts;
        this.retryBackoff = b.retryBackoff;
        HttpClient.Builder client = HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL);
        b.sslContext().ifPresent(client::sslContext);
        this.http = client.build();
    }

    /** @param urls one base URL or a comma-separated list, e.g. {@code http://127.0.0.1:8081} */
    public static Builder builder(String urls) {
        return new Builder(urls);
    }

    @Override
    public int register(String subject, Schema schema) {
        return send("POST", subjectPath(subject) + "/versions", schemaBody(schema)).body().path("id").asInt();
    }

    @Override
    public Schema schemaById(int id) {
        Response r = sendAllowing404("GET", "/schemas/ids/" + id, null);
        if (r.status() == 404) {
            throw new UnknownSchemaIdException(id);
        }
        return parse(r, r.body().path("schema"));
    }

    @Override
    public Optional<Integer> lookup(String subject, Schema schema) {
        Response r = sendAllowing404("POST", subjectPath(subject), schemaBody(schema));
        return r.status() == 404 ? Optional.empty() : Optional.of(r.body().path("id").asInt());
    }

    @Override
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        send("GET", "/subjects", null).body().forEach(s -> subjects.add(s.asText()));
        subjects.sort(null);
        return subjects;
    }

    @Override
    public List<Integer> versions(String subject) {
        Response r = sendAllowing404("GET", subjectPath(subject) + "/versions", null);
        List<Integer> versions = new ArrayList<>();
        if (r.status() != 404) {
            r.body().forEach(v -> versions.add(v.asInt()));
            versions.sort(null);
        }
        return versions;
    }

    @Override
    public Optional<Schema> latest(String subject) {
        Response r = sendAllowing404("GET", subjectPath(subject) + "/versions/latest", null);
        return r.status() == 404 ? Optional.empty() : Optional.of(parse(r, r.body().path("schema")));
    }

    // ---- HTTP ----

    private record Response(String method, URI uri, int status, JsonNode body) {}

    private static String subjectPath(String subject) {
        // URLEncoder encodes for forms: a space becomes '+', which in a path is a literal plus.
        return "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private Response send(String method, String path, String body) {
        Response r = sendAllowing404(method, path, body);
        if (r.status() == 404) {
            throw failure(r);
        }
        return r;
    }

    /** Sends with retries; returns a 2xx or 404 answer and throws for any other. */
    private Response sendAllowing404(String method, String path, String body) {
        IOException lastError = null;
        Response lastRetriable = null;
        URI uri = null;
        for (int attempt = 0; attempt < maxAttempts; attempt++) {
            if (attempt > 0 && attempt % baseUrls.size() == 0) {
                pause(attempt / baseUrls.size());
            }
            uri = URI.create(baseUrls.get(attempt % baseUrls.size()) + path);
            try {
                HttpResponse<byte[]> response = http.send(request(method, uri, body), HttpResponse.BodyHandlers.ofByteArray());
                Response r = new Response(method, uri, response.statusCode(), readBody(response.body()));
                if (RETRIED_STATUSES.contains(r.status())) {
                    lastRetriable = r;
                    continue;
                }
                if (r.status() / 100 != 2 && r.status() != 404) {
                    throw failure(r);
                }
                return r;
            } catch (IOException e) {
                lastError = e;
                lastRetriable = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException(0, 0, method + " " + uri + ": interrupted", e);
            }
        }
        if (lastRetriable != null) {
            throw failure(lastRetriable);
        }
        throw new SchemaRegistryException(0, 0, method + " " + uri + " failed after " + maxAttempts + " attempts: "
                + lastError, lastError);
    }

    private HttpRequest request(String method, URI uri, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Accept", ACCEPT)
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        authorization.ifPresent(a -> request.header("Authorization", a));
        for (int i = 0; i < extraHeaders.size(); i += 2) {
            request.header(extraHeaders.get(i), extraHeaders.get(i + 1));
        }
        return request.build();
    }

    private void pause(int round) {
        try {
            Thread.sleep(retryBackoff.toMillis() * round);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(0, 0, "interrupted while waiting to retry the schema registry", e);
        }
    }

    /** The body as JSON; a body that is not JSON (an HTML error page from a proxy) becomes its text. */
    private static JsonNode readBody(byte[] bytes) {
        if (bytes.length == 0) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    private static SchemaRegistryException failure(Response r) {
        int code = r.body().path("error_code").asInt(0);
        String message = r.body().path("message").asText(r.body().isTextual() ? abbreviate(r.body().asText()) : "");
        return new SchemaRegistryException(r.status(), code,
                r.method() + " " + r.uri() + " answered " + r.status() + (code != 0 ? " (error " + code + ")" : "")
                        + (message.isEmpty() ? "" : ": " + message), null);
    }

    private static Schema parse(Response r, JsonNode schemaText) {
        if (!schemaText.isTextual()) {
            throw new SchemaRegistryException(r.status(), 0, r.method() + " " + r.uri() + " answered without a schema", null);
        }
        try {
            return new Schema.Parser().parse(schemaText.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(r.status(), 0,
                    r.method() + " " + r.uri() + " answered an invalid Avro schema: " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    public static final class Builder {
        private final List<URI> baseUrls;
        private Optional<String> userInfo = Optional.empty();
        private String bearerToken;
        private final List<String> extraHeaders = new ArrayList<>();
        private Path trustStore;
        private char[] trustStorePassword;
        private String trustStoreType = KeyStore.getDefaultType();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxAttempts = 3;
        private Duration retryBackoff = Duration.ofMillis(200);

        private Builder(String urls) {
            List<URI> parsed = new ArrayList<>();
            for (String url : Objects.requireNonNull(urls, "urls").split(",")) {
                String trimmed = url.trim().replaceAll("/+$", "");
                if (!trimmed.isEmpty()) {
                    URI uri = URI.create(trimmed);
                    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                        throw new IllegalArgumentException("schema registry URL must be http or https: " + url);
                    }
                    parsed.add(uri);
                }
            }
            if (parsed.isEmpty()) {
                throw new IllegalArgumentException("no schema registry URL in '" + urls + "'");
            }
            this.baseUrls = List.copyOf(parsed);
        }

        /** HTTP basic auth as {@code user:password}, like {@code basic.auth.user.info}; blank for none. */
        public Builder basicAuth(String userInfo) {
            this.userInfo = Optional.ofNullable(userInfo).filter(u -> !u.isBlank());
            if (this.userInfo.isPresent() && !userInfo.contains(":")) {
                throw new IllegalArgumentException("basic auth user info must be user:password");
            }
            return this;
        }

        /**
         * A static bearer token, like {@code bearer.auth.credentials.source=STATIC_TOKEN} with
         * {@code bearer.auth.token}; the logical cluster and identity pool (Confluent Cloud) are sent when not blank.
         */
        public Builder bearerAuth(String token, String logicalCluster, String identityPoolId) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("the bearer token must not be empty");
            }
            this.bearerToken = token.trim();
            if (logicalCluster != null && !logicalCluster.isBlank()) {
                extraHeaders.addAll(List.of("target-sr-cluster", logicalCluster.trim()));
            }
            if (identityPoolId != null && !identityPoolId.isBlank()) {
                extraHeaders.addAll(List.of("Confluent-Identity-Pool-Id", identityPoolId.trim()));
            }
            return this;
        }

        /** Trust the certificates in this store (e.g. a private CA) instead of the JVM's default ones. */
        public Builder trustStore(Path path, char[] password, String type) {
            this.trustStore = Objects.requireNonNull(path, "path");
            this.trustStorePassword = password == null ? null : password.clone();
            this.trustStoreType = type == null || type.isBlank() ? KeyStore.getDefaultType() : type;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout);
            return this;
        }

        /** The limit for one request, answer included. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout);
            return this;
        }

        /** Attempts per request, across all URLs, when connecting fails; at least 1. */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("max attempts must be at least 1: " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** The pause before the first retry round, growing linearly with each round. */
        public Builder retryBackoff(Duration backoff) {
            if (backoff.isNegative()) {
                throw new IllegalArgumentException("retry backoff must not be negative: " + backoff);
            }
            this.retryBackoff = backoff;
            return this;
        }

        /** The bare client; each call is a request. */
        public HttpSchemaRegistry build() {
            return new HttpSchemaRegistry(this);
        }

        /** The client behind a cache of what never changes (schemas by id, ids by subject and schema). */
        public SchemaRegistry buildCached() {
            return new CachingSchemaRegistry(build());
        }

        private Optional<SSLContext> sslContext() {
            if (trustStore == null) {
                return Optional.empty();
            }
            try (InputStream in = Files.newInputStream(trustStore)) {
                KeyStore store = KeyStore.getInstance(trustStoreType);
                store.load(in, trustStorePassword);
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(store);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, trust.getTrustManagers(), null);
                return Optional.of(context);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot load schema registry trust store " + trustStore + ": " + e.getMessage(), e);
            }
        }

        private static Duration positive(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + d);
            }
            return d;
        }
    }
}
