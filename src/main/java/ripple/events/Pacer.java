package ripple.events;

import java.util.concurrent.TimeUnit;

/**
 * Spaces actions evenly at a given rate. A pacer that falls behind (a slow broker) does not burst to catch up:
 * the rate is a ceiling, which is what a user asking for {@code --rate} wants to protect.
 */
public final class Pacer {

    private final long intervalNanos;
    private long next;

    public Pacer(double perSecond) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + perSecond);
        }
        this.intervalNanos = Math.max(1, Math.round(1e9 / perSecond));
        this.next = System.nanoTime();
    }

    /** Waits for the next slot. */
    public void await() throws InterruptedException {
        long now = System.nanoTime();
        long slot = Math.max(next, now);
        if (slot > now) {
            TimeUnit.NANOSECONDS.sleep(slot - now);
        }
        next = slot + intervalNanos;
    }
}
