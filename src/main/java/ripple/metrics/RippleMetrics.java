package ripple.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import ripple.avro.BehaviorType;

/**
 * Ripple's own meters, handed to the topologies so that their processors can record what they do. The runtime
 * backs it with the Prometheus registry behind {@code /metrics}; tests use a {@code SimpleMeterRegistry}, and
 * {@link #noop()} serves topologies built without one.
 *
 * <p>Names as Prometheus shows them: {@code ripple_events_total{type}}, {@code ripple_dead_letters_total{stage,reason}},
 * {@code ripple_learning_loss}, {@code ripple_topk_latency_seconds}, {@code ripple_embedding_batch_latency_seconds},
 * {@code ripple_embedding_batch_size}, and the embedder's item counters (see {@code EmbedderMetrics}).
 */
public final class RippleMetrics {
    /** Where a dead letter was produced: the stage is a tag, so an alert can tell bad input from a failing model. */
    public enum Stage {
        INTAKE, SCORING, EMBEDDER;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Counter[] eventsByType;
    /** Dead-letter counters are made on first use: most stage and reason pairs never happen. */
    private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final DistributionSummary learningLoss;
    private final Timer topKLatency;
    private final Timer embeddingBatchLatency;
    private final DistributionSummary embeddingBatchSize;

    public RippleMetrics(MeterRegistry registry) {
        this.registry = registry;
        // every type up front, so that a rate over a type that has not happened yet reads 0 rather than nothing
        BehaviorType[] types = BehaviorType.values();
        eventsByType = new Counter[types.length];
        for (BehaviorType t : types) {
            eventsByType[t.ordinal()] = Counter.builder("ripple.events")
                    .description("Behaviour events scored and learned from").tag("type", t.name()).register(registry);
        }
        learningLoss = DistributionSummary.builder("ripple.learning.loss")
                .description("Logistic loss of each online learning step (the event and its sampled negatives)")
                .register(registry);
        topKLatency = Timer.builder("ripple.topk.latency")
                .description("Time to rank the whole catalogue for one user's top-K")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(1)).register(registry);
        embeddingBatchLatency = Timer.builder("ripple.embedding.batch.latency")
                .description("Time of one batch call to the text model")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        embeddingBatchSize = DistributionSummary.builder("ripple.embedding.batch.size")
                .description("Items per batch call to the text model").baseUnit("items").register(registry);
    }

    /** Records nothing: for topologies built without a registry (tests, tools). */
    public static RippleMetrics noop() {
        // a composite with no registries in it turns every meter into a no-op
        return new RippleMetrics(new CompositeMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void eventProcessed(BehaviorType type) {
        eventsByType[type.ordinal()].increment();
    }

    public void deadLetter(Stage stage, Rejection reason) {
        deadLetters.computeIfAbsent(stage.tag() + '/' + reason.name(), k -> Counter.builder("ripple.dead.letters")
                .description("Records sent to dead-letters").tag("stage", stage.tag()).tag("reason", reason.name())
                .register(registry)).increment();
    }

    public void learningLoss(double loss) {
        learningLoss.record(loss);
    }

    public void topK(long nanos) {
        topKLatency.record(Duration.ofNanos(nanos));
    }

    public void embeddingBatch(long nanos, int items) {
        embeddingBatchLatency.record(Duration.ofNanos(nanos));
        embeddingBatchSize.record(items);
    }
}
