package ripple.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.config.ConfigException;

/**
 * Ripple's operations endpoints, on the JDK's HTTP server:
 * <pre>
 *   GET /health/ready, /health         200 {"status":"UP", role: state...} or 503 with the states (readiness)
 *   GET /health/live                   200 unless an application failed for good (liveness; a rebalance is live)
 *   GET /metrics                       Prometheus text format
 *   GET /users/{id}/recommendations    the user's current top-K with per-group contributions; 404 if unknown
 * </pre>
 * With a bearer token set, {@code /users/...} needs {@code Authorization: Bearer <token>}; {@code /health} and
 * {@code /metrics} stay open for probes and scrapers. A user owned by another instance is fetched from that
 * instance's server, once: a forwarded request is never forwarded again, so instances that disagree during a
 * rebalance answer 503 instead of passing a request around.
 */
public final class OpsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORWARDED = "X-Ripple-Forwarded";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);

    private final HttpServer http;
    private final ExecutorService executor;
    private final byte[] expectedAuthorization;
    private final Supplier<Health> health;
    private final PrometheusMeterRegistry metrics;
    private final UserLookup users;
    private final HttpClient forwarder = HttpClient.newBuilder().connectTimeout(FORWARD_TIMEOUT).build();

    private OpsServer(HttpServer http, ExecutorService executor, OpsSettings settings, Supplier<Health> health,
                      PrometheusMeterRegistry metrics, UserLookup users) {
        this.http = http;
        this.executor = executor;
        this.expectedAuthorization = settings.authenticates()
                ? ("Bearer " + settings.bearerToken()).getBytes(StandardCharsets.UTF_8) : null;
        this.health = health;
        this.metrics = metrics;
        this.users = users;
    }

    /** Binds {@code http.host:http.port} and serves; fails with a message naming the setting if it cannot bind. */
    public static OpsServer start(OpsSettings settings, Supplier<Health> health, PrometheusMeterRegistry metrics,
                                  UserLookup users) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
        } catch (IOException e) {
            if (e instanceof java.net.BindException && String.valueOf(e.getMessage()).contains("in use")) {
                throw new PortInUseException(settings.host(), settings.port(), "another Ripple or web server",
                        "http.port (environment RIPPLE_HTTP_PORT)");
            }
            throw new ConfigException("http.port", "cannot listen on " + settings.host() + ":" + settings.port()
                    + ": " + e.getMessage());
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "ripple-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        OpsServer server = new OpsServer(http, executor, settings, health, metrics, users);
        http.createContext("/", server::handle);
        http.setExecutor(executor);
        http.start();
        log.info("HTTP on {} (/health/ready, /health/live, /metrics, /users/{id}/recommendations{})", server.url(),
                settings.authenticates() ? ", the last with a bearer token" : "");
        return server;
    }

    /** The bound address, e.g. {@code http://127.0.0.1:8080}. */
    public URI url() {
        InetSocketAddress a = http.getAddress();
        return URI.create("http://" + a.getHostString() + ":" + a.getPort());
    }

    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        // no grace for requests in flight: the JDK's server waits out the whole delay even when idle, out of the
        // shutdown budget, and a cut probe, scrape or query is simply retried
        http.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        try {
            if (!exchange.getRequestMethod().equals("GET")) {
                sendJson(exchange, 405, error("only GET is supported"));
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            if (path.equals("/health") || path.equals("/health/ready")) {
                Health h = health.get();
                sendJson(exchange, h.up() ? 200 : 503, h.details());
            } else if (path.equals("/health/live")) {
                Health h = health.get();
                sendJson(exchange, h.live() ? 200 : 503, h.livenessDetails());
            } else if (path.equals("/metrics")) {
                send(exchange, 200, PROMETHEUS_TEXT, metrics.scrape().getBytes(StandardCharsets.UTF_8));
            } else if (path.startsWith("/users/") && path.endsWith("/recommendations")) {
                String raw = path.substring("/users/".length(), path.length() - "/recommendations".length());
                if (raw.isEmpty() || raw.contains("/")) {
                    sendJson(exchange, 404, error("no such endpoint: " + path));
                } else if (!authorized(exchange)) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ripple\"");
                    sendJson(exchange, 401, error("missing or wrong bearer token"));
                } else {
                    userRecommendations(exchange, URLDecoder.decode(raw, StandardCharsets.UTF_8));
                }
            } else {
                sendJson(exchange, 404, error("no such endpoint: " + path));
            }
        } catch (IOException e) {
            log.debug("could not answer {}: {}", exchange.getRequestURI(), e.toString());
        } catch (RuntimeException e) {
            log.error("request {} failed", exchange.getRequestURI(), e);
            try {
                sendJson(exchange, 500, error(e.toString()));
            } catch (IOException | RuntimeException ignored) {
                // the response was already under way; the client sees a broken reply
            }
        } finally {
            exchange.close();
        }
    }

    private boolean authorized(HttpExchange exchange) {
        if (expectedAuthorization == null) {
            return true;
        }
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        // constant-time, so that the token cannot be guessed byte by byte from response times
        return given != null && MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.UTF_8));
    }

    private void userRecommendations(HttpExchange exchange, String userId) throws IOException {
        UserLookup.Answer answer = users.recommendations(userId);
        if (answer instanceof UserLookup.Found found) {
            sendJson(exchange, 200, found.body());
        } else if (answer instanceof UserLookup.NotFound) {
            sendJson(exchange, 404, error("unknown user: " + userId));
        } else if (answer instanceof UserLookup.Unavailable u) {
            sendJson(exchange, 503, error(u.reason()));
        } else if (exchange.getRequestHeaders().containsKey(FORWARDED)) {
            sendJson(exchange, 503, error("the instances disagree on who owns this user (rebalancing); try again"));
        } else {
            forward(exchange, ((UserLookup.Elsewhere) answer).host());
        }
    }

    private void forward(HttpExchange exchange, HostInfo owner) throws IOException {
        URI target = URI.create("http://" + owner.host() + ":" + owner.port() + exchange.getRequestURI().getRawPath());
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(FORWARD_TIMEOUT).header(FORWARDED, "1");
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            request.header("Authorization", auth);
        }
        HttpResponse<byte[]> response;
        try {
            response = forwarder.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            sendJson(exchange, 502, error("the instance that owns this user (" + owner.host() + ":" + owner.port()
                    + ") did not answer: " + e));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sendJson(exchange, 503, error("interrupted while asking " + owner.host() + ":" + owner.port()));
            return;
        }
        send(exchange, response.statusCode(), response.headers().firstValue("Content-Type").orElse("application/json"),
                response.body());
    }

    private static Map<String, String> error(String message) {
        return Map.of("error", message);
    }

    private static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
