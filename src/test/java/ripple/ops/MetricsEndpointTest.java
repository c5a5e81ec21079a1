package ripple.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static ripple.ops.HttpGet.get;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.ItemFeatures;
import ripple.config.RippleConfig;
import ripple.features.ItemCatalog;
import ripple.metrics.RippleMetrics;
import ripple.scoring.ScorerFixture;
import ripple.scoring.ScoringSettings;
import ripple.scoring.ScoringTopology;
import ripple.serde.InMemorySchemaRegistry;
import ripple.testing.TestDrivers;
import ripple.topics.Topics;

/** Ripple's meters, recorded by the scoring topology, as /metrics shows them to Prometheus. */
class MetricsEndpointTest {
    @TempDir
    Path dir;

    @Test
    void scoringMetersAppearOnTheEndpointAfterProcessing() throws Exception {
        RippleConfig config = ScorerFixture.testConfig();
        Topics topics = Topics.create(config, new InMemorySchemaRegistry());
        ScoringSettings settings = ScoringSettings.from(config);
        ItemCatalog catalog = settings.newCatalog();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Properties props = TestDrivers.props("ripple-metrics-test", dir);

        try (TopologyTestDriver driver = new TopologyTestDriver(
                ScoringTopology.build(settings, topics, catalog, new RippleMetrics(registry)), props, ScorerFixture.T0)) {
            var features = driver.createInputTopic(topics.itemFeatures.name(), Serdes.String().serializer(),
                    topics.itemFeatures.valueSerde().serializer());
            for (int i = 0; i < 3; i++) {
                ItemFeatures f = ScorerFixture.features("i" + i, i, "v1");
                features.pipeInput(f.getItemId(), f);
            }
            var events = driver.createInputTopic(topics.behaviorEvents.name(), Serdes.String().serializer(),
                    topics.behaviorEvents.valueSerde().serializer());
            var t = ScorerFixture.T0;
            for (BehaviorEvent e : new BehaviorEvent[] {
                    ScorerFixture.event("e1", "alice", "i1", BehaviorType.CLICK, t),
                    ScorerFixture.event("e2", "alice", "i2", BehaviorType.CLICK, t.plusSeconds(1)),
                    ScorerFixture.event("e3", "bob", "i0", BehaviorType.PURCHASE, t.plusSeconds(2))}) {
                events.pipeInput(e.getUserId(), e, e.getTimestamp());
            }
            driver.createInputTopic(topics.behaviorEvents.name(), Serdes.ByteArray().serializer(),
                    Serdes.ByteArray().serializer()).pipeInput("carol".getBytes(), new byte[] {9, 9, 9});
        }

        try (OpsServer server = OpsServer.start(new OpsSettings("127.0.0.1", 0, "", "127.0.0.1", Duration.ofSeconds(5)),
                () -> Health.of(Map.of(), false, null), registry, id -> new UserLookup.NotFound())) {
            var response = get(server.url(), "/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(response.body())
                    .contains("ripple_events_total{type=\"CLICK\"} 2.0")
                    .contains("ripple_events_total{type=\"PURCHASE\"} 1.0")
                    .contains("ripple_events_total{type=\"CART\"} 0.0")
                    .contains("ripple_dead_letters_total{reason=\"MALFORMED_BYTES\",stage=\"intake\"} 1.0")
                    .contains("ripple_learning_loss_count 3")
                    .contains("ripple_topk_latency_seconds_count 3")
                    .contains("ripple_topk_latency_seconds_bucket{le=");
        }
    }
}
