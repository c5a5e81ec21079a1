package ripple.embedding;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of the embedder role, shared by all its stream tasks. Plain numbers, so that the runtime can
 * bind them to whatever registry it uses and tests can read them.
 */
public final class EmbedderMetrics {
    private final AtomicLong embedded = new AtomicLong();
    private final AtomicLong skippedUnchanged = new AtomicLong();
    private final AtomicLong truncated = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong lastBatchNanos = new AtomicLong();

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

    /** How long the latest successful batch call took. */
    public Duration lastBatchLatency() {
        return Duration.ofNanos(lastBatchNanos.get());
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

    void countDeadLettered() {
        deadLettered.incrementAndGet();
    }

    void countBatch(long nanos) {
        batches.incrementAndGet();
        lastBatchNanos.set(nanos);
    }
}
