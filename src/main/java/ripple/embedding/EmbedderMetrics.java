package ripple.embedding;

import io.micrometer.core.instrument.FunctionCounter;
import java.util.concurrent.atomic.AtomicLong;
import ripple.metrics.Rejection;
import ripple.metrics.RippleMetrics;

/**
 * Counters of the embedder role, shared by all its stream tasks. Plain numbers that tests can read, also
 * exported through {@link RippleMetrics}: {@code ripple_embedding_items_total{outcome}} (embedded, unchanged,
 * truncated), the batch latency and size, and dead letters with their reason.
 */
public final class EmbedderMetrics {
    private final RippleMetrics meters;
    private final AtomicLong embedded = new AtomicLong();
    private final AtomicLong skippedUnchanged = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();

    public EmbedderMetrics() {
        this(RippleMetrics.noop());
    }

    public EmbedderMetrics(RippleMetrics meters) {
        this.meters = meters;
        itemCounter(embedded, "embedded", "Items whose features were published");
        itemCounter(skippedUnchanged, "unchanged", "Items not embedded again: text and model unchanged");
        itemCounter(truncated, "truncated", "Embedded items whose text was cut to the model's max sequence length");
    }

    private void itemCounter(AtomicLong value, String outcome, String description) {
        FunctionCounter.builder("ripple.embedding.items", value, AtomicLong::get).tag("outcome", outcome)
                .description(description).register(meters.registry());
    }

    /** Items whose features were published. */
    public long embedded() {
        return embedded.get();
    }

    /** Items not embedded again because their text and the model were unchanged. */
    public long skippedUnchanged() {
        return skippedUnchanged.get();
    }

    /** Embedded items whose text was cut to the model's maxSeqLength. */
    public long truncated() {
        return truncated.get();
    }

    /** Records sent to dead-letters, for any reason. */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** Batch embedding calls that succeeded (one-at-a-time retries are not counted). */
    public long batches() {
        return batches.get();
    }

    void countEmbedded(boolean wasTruncated) {
        embedded.incrementAndGet();
        if (wasTruncated) {
            truncated.incrementAndGet();
        }
    }

    void countSkippedUnchanged() {
        skippedUnchanged.incrementAndGet();
    }

    void countDeadLettered(Rejection reason) {
        deadLettered.incrementAndGet();
        meters.deadLetter(RippleMetrics.Stage.EMBEDDER, reason);
    }

    void countBatch(long nanos, int items) {
        batches.incrementAndGet();
        meters.embeddingBatch(nanos, items);
    }
}
