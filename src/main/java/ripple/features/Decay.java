package ripple.features;

import java.time.Duration;

/** Exponential time decay with a half-life: a count seen one half-life ago weighs 0.5. */
public final class Decay {
    private final double lambdaPerMilli;
    private final long halfLifeMillis;

    public Decay(Duration halfLife) {
        this.halfLifeMillis = Math.max(1, halfLife.toMillis());
        this.lambdaPerMilli = Math.log(2) / halfLifeMillis;
    }

    public long halfLifeMillis() {
        return halfLifeMillis;
    }

    /**
     * log(count) + lambda * time: the log of a count decayed to {@code time}, moved to a common origin. Two counts'
     * decayed values compare as their keys do, whenever they are compared, so orders by it never need re-sorting.
     */
    public double logKey(double count, long time) {
        return count <= 0 ? Double.NEGATIVE_INFINITY : Math.log(count) + lambdaPerMilli * time;
    }

    /** Factor for a value last updated at {@code then}, read at {@code now}; never above 1 (late events do not inflate). */
    public double factor(long then, long now) {
        long dt = now - then;
        return dt <= 0 ? 1.0 : Math.exp(-lambdaPerMilli * dt);
    }
}
