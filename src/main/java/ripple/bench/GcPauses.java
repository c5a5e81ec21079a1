package ripple.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The collections this JVM reported while it listened, with their wall-clock start and end: laid beside each
 * score's wait, they tell how much of a latency tail the collector made. They are what the collector's beans
 * report: with G1 or the parallel collector every one is a stop-the-world pause; a concurrent collector reports
 * its cycles, most of which do not stop the application.
 */
public final class GcPauses implements AutoCloseable {
    /** One collection, in ms since the epoch. */
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

    /**
     * The JVM's start as the wall clock reads now: collections are timed from the JVM's start, scores by the wall
     * clock, and the start the JVM recorded when it started drifts from the wall clock as that is adjusted (5 s
     * in one test JVM of a few minutes, on a shared machine).
     */
    private final long jvmStartMs = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getUptime();
    private final List<Pause> pauses = new ArrayList<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onNotification;

    /** Starts listening to every collector bean of this JVM. */
    GcPauses() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    private void onNotification(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
        synchronized (pauses) {
            pauses.add(new Pause(jvmStartMs + info.getStartTime(), jvmStartMs + info.getEndTime()));
        }
    }

    /** The collections reported so far, in the order reported. */
    List<Pause> pauses() {
        synchronized (pauses) {
            return List.copyOf(pauses);
        }
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // already gone: nothing to undo
            }
        }
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
