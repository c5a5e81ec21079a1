package ripple.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import ripple.metrics.Rejection;
import ripple.metrics.RippleMetrics;

/** The embedder's counters reach the registry behind /metrics under Ripple's meter names. */
class EmbedderMetersTest {
    @Test
    void countersBatchesAndDeadLettersAreExported() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EmbedderMetrics metrics = new EmbedderMetrics(new RippleMetrics(registry));
        metrics.countEmbedded(true);
        metrics.countEmbedded(false);
        metrics.countSkippedUnchanged();
        metrics.countBatch(TimeUnit.MILLISECONDS.toNanos(40), 2);
        metrics.countDeadLettered(Rejection.EMPTY_TEXT);

        assertThat(registry.get("ripple.embedding.items").tag("outcome", "embedded").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("ripple.embedding.items").tag("outcome", "truncated").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("ripple.embedding.items").tag("outcome", "unchanged").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("ripple.embedding.batch.latency").timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40);
        assertThat(registry.get("ripple.embedding.batch.size").summary().totalAmount()).isEqualTo(2);
        assertThat(registry.get("ripple.dead.letters").tags("stage", "embedder", "reason", "EMPTY_TEXT").counter().count())
                .isEqualTo(1);
        assertThat(metrics.deadLettered()).isEqualTo(1);
    }
}
