package ripple.backtest;

import java.util.Arrays;

/**
 * int -> double map with open addressing, for the baselines' sparse rows (co-occurrence, successors): boxed maps
 * cost several times the memory and time at a hundred thousand events.
 */
final class IntCounts {
    private static final int FREE = -1;

    private int[] keys = new int[4];
    private double[] values = new double[4];
    private int size;

    IntCounts() {
        Arrays.fill(keys, FREE);
    }

    int size() {
        return size;
    }

    double get(int key) {
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return values[i];
            }
            if (keys[i] == FREE) {
                return 0;
            }
        }
    }

    /** Adds to the key's value (keys are catalogue indexes, never negative). */
    void add(int key, double amount) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                values[i] += amount;
                return;
            }
            if (keys[i] == FREE) {
                keys[i] = key;
                values[i] = amount;
                size++;
                return;
            }
        }
    }

    interface Visitor {
        void visit(int key, double value);
    }

    void forEach(Visitor v) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != FREE) {
                v.visit(keys[i], values[i]);
            }
        }
    }

    private void grow() {
        int[] oldKeys = keys;
        double[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new double[oldKeys.length * 2];
        Arrays.fill(keys, FREE);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != FREE) {
                add(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int mix(int k) {
        int h = k * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
