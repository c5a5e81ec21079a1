package ripple.scoring;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import ripple.features.UserState;
import ripple.features.UserWeights;

/**
 * The prior w0 of every scorer task, as each last shared it. A task learns its own prior from its own users' events
 * only (one task per partition), and ranks with the sum of all tasks' priors: its own, live, plus what each other
 * task learned. Every prior starts at zero, so a task's weights are what it learned, and with one task the sum is
 * its own prior. Without this, each of a deployment's partitions learned a sixth of the prior from a sixth of the
 * events, and ranked worse than a backtest's single prior (README, "The prior").
 *
 * <p>One per scorer instance, shared by its tasks (stream threads) and fed by the prior topic's global store,
 * which carries every task's share, this instance's and the others'. Thread-safe.
 */
public final class TaskPriors {
    /**
     * A task's shared prior weights, its optimiser's second moments (AdaGrad: the squared gradients it summed), and
     * the text models they were learned for.
     */
    private record Share(float[] weights, float[] moment2, int textFingerprint) {
    }

    private final Map<String, Share> byTask = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();

    /**
     * Records a task's prior weights and second moments (both copied), learned for the text models of
     * {@code textFingerprint}.
     */
    public void put(String task, float[] weights, float[] moment2, int textFingerprint) {
        byTask.put(task, new Share(weights.clone(), moment2.clone(), textFingerprint));
        version.incrementAndGet();
    }

    public void remove(String task) {
        if (byTask.remove(task) != null) {
            version.incrementAndGet();
        }
    }

    /** Changes with every put or remove: a sum taken at an older version is stale. */
    public long version() {
        return version.get();
    }

    /**
     * Adds every other task's weights to {@code weights} and its second moments to {@code moment2}. Text slots (the
     * first {@code textDims}) only from tasks that learned them for the same text models: other models' text slots
     * mean something else. A share of another feature layout (settings changed) is left out whole.
     */
    public void addOthers(String task, float[] weights, float[] moment2, int textDims, int textFingerprint) {
        for (Map.Entry<String, Share> e : byTask.entrySet()) {
            Share s = e.getValue();
            if (e.getKey().equals(task) || s.weights.length != weights.length) {
                continue;
            }
            int from = s.textFingerprint == textFingerprint ? 0 : textDims;
            for (int i = from; i < weights.length; i++) {
                weights[i] += s.weights[i];
                moment2[i] += s.moment2[i];
            }
        }
    }

    /**
     * What the prior topic's record (a task's prior, encoded as its store holds it; null: the task is gone) says,
     * recorded. For the topic's global store ({@link ScoringTopology}).
     */
    public void accept(String task, byte[] prior) {
        if (prior == null) {
            remove(task);
            return;
        }
        UserWeights w = UserState.decode(prior).weights();
        put(task, w.weights, w.moment2, w.textFingerprint);
    }

    /** A scoring task's key on the prior topic: its partition. */
    public static String key(int partition) {
        return Integer.toString(partition);
    }

    /** Every task's prior as a global store of the prior topic holds them. */
    public static TaskPriors of(ReadOnlyKeyValueStore<String, byte[]> store) {
        TaskPriors out = new TaskPriors();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            it.forEachRemaining(kv -> out.accept(kv.key, kv.value));
        }
        return out;
    }

    /** The prior the task of {@code partition}, whose own prior is {@code own}, ranks with. */
    public Ranked ranked(int partition, UserState own, int textDims) {
        return new Ranked(key(partition), own, textDims);
    }

    /**
     * One task's prior as it ranks: its own (learned from its users' events, stored, shared) plus every other
     * task's as last shared. Both are kept in place; {@link #refresh} brings the sum up to date. Not thread-safe:
     * one per task.
     */
    public final class Ranked {
        private final String task;
        private final UserState own;
        private final UserState sum;
        /** The other tasks' weights and second moments summed, as of {@link #version} and {@link #fingerprint}. */
        private final float[] others;
        private final float[] othersMoment2;
        private long version = -1;
        private int fingerprint;

        private Ranked(String task, UserState own, int textDims) {
            this.task = task;
            this.own = own;
            this.sum = UserState.startingFrom(own.weights().weights, textDims, own.weights().textFingerprint);
            this.others = new float[own.weights().weights.length];
            this.othersMoment2 = new float[others.length];
        }

        /** This task's own prior: what it learns into and stores. */
        public UserState own() {
            return own;
        }

        /** The prior users are ranked with, as of the last {@link #refresh}. */
        public UserState sum() {
            return sum;
        }

        /** The other tasks' summed second moments, for this task's optimiser steps (OnlineLearner#apply). */
        public float[] othersMoment2() {
            return othersMoment2;
        }

        /**
         * Brings {@link #sum} up to date: the own prior (its text reset first when the text models changed) plus
         * the others', summed again only when a share or the text models changed since the last refresh.
         */
        public void refresh(int textDims, int textFingerprint) {
            if (own.weights().textFingerprint != textFingerprint) {
                own.resetText(textDims, textFingerprint);
            }
            long now = version();
            if (now != version || textFingerprint != fingerprint) {
                Arrays.fill(others, 0f);
                Arrays.fill(othersMoment2, 0f);
                addOthers(task, others, othersMoment2, textDims, textFingerprint);
                version = now;
                fingerprint = textFingerprint;
            }
            float[] mine = own.weights().weights;
            float[] w0 = sum.weights().weights;
            for (int i = 0; i < w0.length; i++) {
                w0[i] = mine[i] + others[i];
            }
            sum.weights().step = own.weights().step;
            sum.weights().textFingerprint = textFingerprint;
        }

        /** Shares the own prior with the other tasks of this instance. */
        public void share() {
            put(task, own.weights().weights, own.weights().moment2, own.weights().textFingerprint);
        }

        /** This task's key on the prior topic. */
        public String task() {
            return task;
        }
    }

    /** How many tasks have shared a prior. */
    public int tasks() {
        return byTask.size();
    }
}
