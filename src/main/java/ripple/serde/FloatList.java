package ripple.serde;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An unmodifiable {@code List<Float>} over a copy of a float array, for Avro's array-of-float fields: a value is
 * boxed only when read (Avro's writer reads each once), not when the record is built. The scorer builds one such
 * list per event for its weight update, and a replay, which never serialises them, boxed every weight of every
 * event for nothing (a sixteenth of its thread's allocations).
 */
public final class FloatList extends AbstractList<Float> implements RandomAccess {
    private final float[] values;

    private FloatList(float[] values) {
        this.values = values;
    }

    /** A list of the values as they are now: later changes to {@code values} do not show through. */
    public static FloatList copyOf(float[] values) {
        return new FloatList(values.clone());
    }

    @Override
    public Float get(int index) {
        return values[index];
    }

    @Override
    public int size() {
        return values.length;
    }
}
