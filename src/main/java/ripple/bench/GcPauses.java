package ripple.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordingStream;

/**
 * The collector's pauses in this JVM while it listened, with their wall-clock start and end: laid beside each
 * score's wait, they tell how much of a latency tail the collector made. They come from JFR's pause events, which
 * count stop-the-world pauses only (a concurrent collector's cycles are left out), on the wall clock.
 */
public final class GcPauses implements AutoCloseable {
    /** One pause, in ms since the epoch. */
    record Pause(long startMs, long endMs) {
        long millis() {
            return endMs - startMs;
        }
    }

    /** A score's wait: its event's time and when the score was read, in ms since the epoch. */
    record Wait(long eventMs, long receivedMs) {
        long millis() {
            return receivedMs - eventMs;
        }

        boolean overlaps(Pause p) {
            return p.endMs() >= eventMs && p.startMs() <= receivedMs;
        }
    }

    /** What the collections did to a phase's latencies. */
    public record Summary(int pauses, double pauseMsMean, double pauseTimeShare, double tailInPauseShare) {
        String toJson() {
            return String.format(Locale.ROOT, "{\"pauses\": %d, \"pause_ms_mean\": %.1f, \"pause_time_share\": %.4f, "
                    + "\"p99_tail_in_pause_share\": %.3f}", pauses, pauseMsMean, pauseTimeShare, tailInPauseShare);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d collections of %.1f ms on average (%.1f%% of the phase); %.0f%% of "
                    + "the scores at or above the p99 waited through one", pauses, pauseMsMean, 100 * pauseTimeShare,
                    100 * tailInPauseShare);
        }
    }

    /** JFR's event for each stop-the-world pause of any collector, with its sub-phases left out. */
    private static final String PAUSE_EVENT = "jdk.GCPhasePause";
    /** Longer than JFR's one-second flush, so that a pause before a call has been delivered by its end. */
    private static final Duration DELIVERY = Duration.ofSeconds(5);

    // Not the collector beans' notifications: they time a collection from the management clock's start, which
    // came about 40 ms after the start RuntimeMXBean's uptime counts from, so every pause read 40 ms early, before
    // the scores it delayed, and a tail made of pauses read as made of none (0% of the tail, 2026-12-05; with the
    // pauses from -Xlog:gc's wall-clock times, 35% of it waited through one). JFR's times are on the wall clock.
    private final RecordingStream stream = new RecordingStream();
    private final List<Pause> pauses = new ArrayList<>();
    private final Object flushed = new Object();
    private long flushes;

    /** Starts listening to this JVM's pauses. */
    GcPauses() {
        stream.enable(PAUSE_EVENT);
        stream.onEvent(PAUSE_EVENT, e -> {
            synchronized (pauses) {
                pauses.add(new Pause(e.getStartTime().toEpochMilli(), e.getEndTime().toEpochMilli()));
            }
        });
        stream.onFlush(() -> {
            synchronized (flushed) {
                flushes++;
                flushed.notifyAll();
            }
        });
        stream.startAsync();
    }

    /**
     * The pauses so far, in the order reported: it waits for JFR to deliver those before the call, which it does
     * about once a second.
     */
    List<Pause> pauses() throws InterruptedException {
        long deadline = System.nanoTime() + DELIVERY.toNanos();
        synchronized (flushed) {
            // the first flush may have begun before the call: the one after it holds everything before the call
            long wanted = flushes + 2;
            while (flushes < wanted) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(flushed, left);
            }
        }
        synchronized (pauses) {
            return List.copyOf(pauses);
        }
    }

    @Override
    public void close() {
        stream.close();
    }

    /**
     * The collections that overlapped the phase (from the first event to the last score), and the share of the
     * scores at or above {@code tailMs} that waited through at least one of them.
     */
    static Summary summarise(List<Wait> waits, List<Pause> all, double tailMs) {
        if (waits.isEmpty()) {
            return new Summary(0, 0, 0, 0);
        }
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (Wait w : waits) {
            from = Math.min(from, w.eventMs());
            to = Math.max(to, w.receivedMs());
        }
        List<Pause> in = new ArrayList<>();
        long pausedMs = 0;
        for (Pause p : all) {
            if (p.endMs() >= from && p.startMs() <= to) {
                in.add(p);
                pausedMs += p.millis();
            }
        }
        int tail = 0;
        int tailInPause = 0;
        for (Wait w : waits) {
            if (w.millis() >= tailMs) {
                tail++;
                if (in.stream().anyMatch(w::overlaps)) {
                    tailInPause++;
                }
            }
        }
        return new Summary(in.size(), in.isEmpty() ? 0 : (double) pausedMs / in.size(),
                to > from ? (double) pausedMs / (to - from) : 0, tail == 0 ? 0 : (double) tailInPause / tail);
    }
}
