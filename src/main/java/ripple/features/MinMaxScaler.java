package ripple.features;

/**
 * Streaming min-max scaler. A value is normalised with the min and max known before it, and only then added:
 * the scaler never uses the future.
 */
public final class MinMaxScaler {
    private float min = Float.NaN;
    private float max = Float.NaN;

    public MinMaxScaler() {
    }

    MinMaxScaler(float min, float max) {
        this.min = min;
        this.max = max;
    }

    /** 0 to 1; 0.5 when only one distinct value was seen; 0 before any value. */
    public float normalise(float x) {
        if (Float.isNaN(min)) {
            return 0f;
        }
        if (max <= min) {
            return 0.5f;
        }
        float n = (x - min) / (max - min);
        return n < 0f ? 0f : Math.min(n, 1f);
    }

    public void add(float x) {
        if (Float.isNaN(min)) {
            min = x;
            max = x;
        } else {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
    }

    public float min() {
        return min;
    }

    public float max() {
        return max;
    }
}
