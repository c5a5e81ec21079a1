package ripple.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static ripple.ops.HttpGet.get;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP layer: health codes, bearer tokens, unknown users, and forwarding to the instance owning a user. */
class OpsServerTest {
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<Health> health = new AtomicReference<>(Health.of(Map.of("scorer", State.CREATED), false, null));
    private OpsServer a;
    private OpsServer b;

    @AfterEach
    void stop() {
        for (OpsServer s : new OpsServer[] {a, b}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private OpsServer start(String token, UserLookup users) {
        return OpsServer.start(new OpsSettings("127.0.0.1", 0, token, "127.0.0.1", Duration.ofSeconds(5)),
                health::get, meters, users);
    }

    private static UserLookup.Answer alice(String id) {
        return id.equals("alice") ? new UserLookup.Found(Map.of("userId", "alice")) : new UserLookup.NotFound();
    }

    @Test
    void healthIs503UntilEveryRoleRunsAndTheModelIsLoaded() throws Exception {
        a = start("", OpsServerTest::alice);
        var before = get(a.url(), "/health");
        assertThat(before.statusCode()).isEqualTo(503);
        assertThat(before.body()).contains("\"status\":\"DOWN\"").contains("\"scorer\":\"CREATED\"");

        Map<String, State> states = new HashMap<>();
        states.put("scorer", State.RUNNING);
        states.put("embedder", null);
        health.set(Health.of(states, true, null));
        assertThat(get(a.url(), "/health").body()).contains("\"embedder\":\"NOT_STARTED\"").contains("\"model\":\"NOT_LOADED\"");

        health.set(Health.of(Map.of("scorer", State.RUNNING, "embedder", State.RUNNING), true, "v1"));
        var up = get(a.url(), "/health");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(up.body()).isEqualTo("{\"status\":\"UP\",\"embedder\":\"RUNNING\",\"model\":\"v1\",\"scorer\":\"RUNNING\"}");
    }

    @Test
    void aRebalanceIsLiveButNotReadyAndOnlyAFailedApplicationIsNotLive() throws Exception {
        a = start("", OpsServerTest::alice);
        assertThat(get(a.url(), "/health/live").statusCode()).as("starting").isEqualTo(200);

        health.set(Health.of(Map.of("scorer", State.REBALANCING), false, null));
        assertThat(get(a.url(), "/health/live").statusCode()).isEqualTo(200);
        assertThat(get(a.url(), "/health/live").body()).contains("\"status\":\"UP\"").contains("\"scorer\":\"REBALANCING\"");
        assertThat(get(a.url(), "/health/ready").statusCode()).isEqualTo(503);
        assertThat(get(a.url(), "/health").statusCode()).as("/health is readiness").isEqualTo(503);

        health.set(Health.of(Map.of("scorer", State.RUNNING), false, null));
        assertThat(get(a.url(), "/health/ready").statusCode()).isEqualTo(200);
        assertThat(get(a.url(), "/health").statusCode()).isEqualTo(200);

        health.set(Health.of(Map.of("scorer", State.ERROR), false, null));
        var dead = get(a.url(), "/health/live");
        assertThat(dead.statusCode()).isEqualTo(503);
        assertThat(dead.body()).contains("\"status\":\"DOWN\"").contains("\"scorer\":\"ERROR\"");
        assertThat(get(a.url(), "/health/ready").statusCode()).isEqualTo(503);
    }

    @Test
    void aBearerTokenGuardsUsersButNotHealthOrMetrics() throws Exception {
        a = start("s3cret", OpsServerTest::alice);
        var none = get(a.url(), "/users/alice/recommendations");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"ripple\"");
        assertThat(get(a.url(), "/users/alice/recommendations", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(get(a.url(), "/users/alice/recommendations", "Authorization", "s3cret").statusCode()).isEqualTo(401);
        var ok = get(a.url(), "/users/alice/recommendations", "Authorization", "Bearer s3cret");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("{\"userId\":\"alice\"}");

        assertThat(get(a.url(), "/health").statusCode()).isEqualTo(503);
        assertThat(get(a.url(), "/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void unknownUsersAndPathsAre404Json() throws Exception {
        a = start("", OpsServerTest::alice);
        var nobody = get(a.url(), "/users/nobody/recommendations");
        assertThat(nobody.statusCode()).isEqualTo(404);
        assertThat(nobody.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(nobody.body()).contains("unknown user: nobody");
        assertThat(get(a.url(), "/users//recommendations").statusCode()).isEqualTo(404);
        assertThat(get(a.url(), "/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void aUserOwnedElsewhereIsFetchedFromItsInstanceOnce() throws Exception {
        AtomicReference<UserLookup> atB = new AtomicReference<>(OpsServerTest::alice);
        b = start("t", id -> atB.get().recommendations(id));
        HostInfo bHost = new HostInfo("127.0.0.1", b.port());
        a = start("t", id -> new UserLookup.Elsewhere(bHost));

        var forwarded = get(a.url(), "/users/alice/recommendations", "Authorization", "Bearer t");
        assertThat(forwarded.statusCode()).isEqualTo(200);
        assertThat(forwarded.body()).isEqualTo("{\"userId\":\"alice\"}");
        assertThat(get(a.url(), "/users/nobody/recommendations", "Authorization", "Bearer t").statusCode()).isEqualTo(404);

        // b thinks a owns the user (a rebalance in flight): b must not send it back
        HostInfo aHost = new HostInfo("127.0.0.1", a.port());
        atB.set(id -> new UserLookup.Elsewhere(aHost));
        assertThat(get(a.url(), "/users/alice/recommendations", "Authorization", "Bearer t").statusCode()).isEqualTo(503);
    }
}
