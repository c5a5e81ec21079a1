package ripple.backtest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import ripple.avro.BehaviorType;

/**
 * The baselines' half of a replay's test-then-train, in event order: each baseline ranks the event's item, every
 * model's outcome is recorded (Ripple's comes ready-made from the scorer's side), then the baselines admit the
 * catalogue's new items and learn from the event. The baselines read nothing of the scorer's state, only what a
 * {@link Step} carries, so the main replay runs this lane on a thread of its own: the scorer never waits for the
 * baselines, and their figures are those of the same steps run inline.
 */
final class BaselineLane implements AutoCloseable {
    /** Steps handed over at once: one hand-over per batch, not per event. */
    private static final int BATCH = 256;
    private static final List<Step> END = List.of();

    /** One event's work for the lane; any part may be absent. */
    static final class Step {
        /** The event's position in the input; -1 when it is not evaluated. */
        int event = -1;
        /** The user's dense index, given on the user's first event. */
        int user;
        /** The event's catalogue index before it was scored; -1 when not a candidate yet. */
        int item;
        byte mask;
        long now;
        /** Ripple's outcome, and what it is recorded with. */
        Metrics.Outcome ripple;
        int candidates;
        boolean retrieved;
        int[] negatives;
        int[] excluded;
        /** Catalogue items that joined since the last step, from index {@link #firstAdmitted}: ids and categories. */
        int firstAdmitted;
        String[] admittedIds;
        String[] admittedCategories;
        /** The accepted event the baselines learn from (null when none): its catalogue index and category. */
        BehaviorType learnType;
        int learnItem;
        String learnCategory;

        /** Marks the event evaluated: Ripple's outcome, and what the baselines rank over and record with it. */
        void evaluated(int position, Metrics.Outcome rippleOutcome, int candidateCount, boolean wasRetrieved,
                       int[] negativeItems, int[] excludedItems) {
            event = position;
            ripple = rippleOutcome;
            candidates = candidateCount;
            retrieved = wasRetrieved;
            negatives = negativeItems;
            excluded = excludedItems;
        }
    }

    private final Replay.Result result;
    private final List<Baseline> models;
    private final ReplayOptions options;
    /** The deepest rank any metric reads: asked of every model for every event, and computed by a stream. */
    private final int maxK;
    private final long firstTime;
    private final long lastTime;
    /** Catalogue index -> item id, as admitted: what the baselines read through {@link #itemId}. */
    private final List<String> itemIds = new ArrayList<>();
    private final int[] ranks;
    private final Thread thread;
    private final BlockingQueue<List<Step>> queue;
    private List<Step> batch = new ArrayList<>(BATCH);
    private volatile Throwable failure;

    /**
     * Adds the baselines' names to the result after Ripple's (already there), and every model's empty sums.
     *
     * @param models   the baselines, built over {@link #itemId}; empty for a replay of Ripple alone
     * @param threaded whether the lane runs on a thread of its own
     */
    BaselineLane(Replay.Result result, ReplayOptions options, long firstTime, long lastTime,
                 java.util.function.Function<java.util.function.IntFunction<String>, List<Baseline>> models,
                 boolean threaded) {
        this.result = result;
        this.options = options;
        this.maxK = options.maxK();
        this.firstTime = firstTime;
        this.lastTime = lastTime;
        this.models = models.apply(itemIds::get);
        this.models.forEach(b -> result.names.add(b.name()));
        this.ranks = new int[result.names.size()];
        for (String name : result.names) {
            Map<String, MetricSums> segments = new LinkedHashMap<>();
            Segments.NAMES.forEach(s -> segments.put(s, new MetricSums(options.ks())));
            result.sums.put(name, segments);
            MetricSums[] buckets = new MetricSums[options.buckets()];
            for (int b = 0; b < buckets.length; b++) {
                buckets[b] = new MetricSums(options.ks());
            }
            result.series.put(name, buckets);
        }
        if (threaded && !this.models.isEmpty()) {
            queue = new ArrayBlockingQueue<>(8);
            thread = new Thread(this::drain, "ripple-backtest-baselines");
            thread.setDaemon(true);
            thread.start();
        } else {
            queue = null;
            thread = null;
        }
    }

    /** Catalogue index -> item id, for the baselines that read item ids (content kNN). */
    String itemId(int index) {
        return itemIds.get(index);
    }

    /** Hands one step over (or runs it, inline). */
    void accept(Step step) {
        if (thread == null) {
            run(step);
            return;
        }
        batch.add(step);
        if (batch.size() == BATCH) {
            handOver(batch);
            batch = new ArrayList<>(BATCH);
        }
    }

    /** Waits until every step has run; rethrows what failed on the lane's thread. */
    void finish() {
        if (thread != null) {
            if (!batch.isEmpty()) {
                handOver(batch);
            }
            handOver(END);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("replay interrupted", e);
            }
        }
        Throwable t = failure;
        if (t != null) {
            throw t instanceof RuntimeException r ? r : new IllegalStateException("baselines failed", t);
        }
    }

    /** Stops the lane's thread if {@link #finish} did not: the replay failed, and no more steps come. */
    @Override
    public void close() {
        if (thread != null && thread.isAlive()) {
            thread.interrupt();
        }
    }

    private void handOver(List<Step> steps) {
        try {
            queue.put(steps);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", e);
        }
    }

    private void drain() {
        try {
            for (List<Step> steps = queue.take(); steps != END; steps = queue.take()) {
                if (failure == null) {
                    try {
                        steps.forEach(this::run);
                    } catch (Throwable t) {
                        // keep taking batches, so the scorer's side never blocks; finish() rethrows
                        failure = t;
                    }
                }
            }
        } catch (InterruptedException e) {
            failure = e;
        }
    }

    private void run(Step s) {
        long started = System.nanoTime();
        if (s.event >= 0) {
            Metrics.Outcome[] out = new Metrics.Outcome[ranks.length];
            out[0] = s.ripple;
            for (int m = 0; m < models.size(); m++) {
                out[m + 1] = models.get(m).evaluate(s.user, s.item, s.negatives, s.excluded, maxK);
            }
            record(s, out);
        }
        if (s.admittedIds != null) {
            for (int i = 0; i < s.admittedIds.length; i++) {
                int index = s.firstAdmitted + i;
                if (index != itemIds.size()) {
                    throw new IllegalStateException("catalogue item " + index + " admitted out of order");
                }
                itemIds.add(s.admittedIds[i]);
                for (Baseline b : models) {
                    b.admit(index, s.admittedCategories[i]);
                }
            }
        }
        if (s.learnType != null) {
            for (Baseline b : models) {
                b.learn(s.user, s.learnItem, s.now, s.learnCategory, s.learnType);
            }
        }
        result.baselineSeconds += (System.nanoTime() - started) / 1e9;
    }

    private void record(Step s, Metrics.Outcome[] outcomes) {
        long span = Math.max(1, lastTime - firstTime + 1);
        int bucket = (int) Math.min(options.buckets() - 1, (s.now - firstTime) * options.buckets() / span);
        for (int m = 0; m < outcomes.length; m++) {
            Metrics.Outcome o = outcomes[m];
            ranks[m] = o.rank();
            Map<String, MetricSums> segments = result.sums.get(result.names.get(m));
            for (String segment : Segments.NAMES) {
                if (Segments.contains(segment, s.mask)) {
                    segments.get(segment).add(o);
                }
            }
            result.series.get(result.names.get(m))[bucket].add(o);
        }
        result.add(s.event, s.mask, s.candidates, s.retrieved, ranks);
    }
}
