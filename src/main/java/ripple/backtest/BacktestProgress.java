package ripple.backtest;

import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Progress of a backtest, on standard error so that the summary on standard output can be redirected: the steps
 * before the replays (reading, sorting, embedding), then all replays together. On a terminal a line redrawn in place
 * (the replays: a bar with events/s and ETA); otherwise (a pipe, a log, CI) a plain line every few seconds, since
 * carriage returns would pile up in a log.
 */
public final class BacktestProgress {
    private static final long LOG_INTERVAL = TimeUnit.SECONDS.toNanos(5);
    private static final long TERMINAL_INTERVAL = TimeUnit.MILLISECONDS.toNanos(200);
    private static final int BAR_WIDTH = 30;

    /** The steps before the replays, timed for the report's phases. */
    public enum Phase { READ, SORT, EMBED }

    private final PrintWriter out;
    private final boolean terminal;
    private final Map<Phase, Double> seconds = new EnumMap<>(Phase.class);
    private final long start = System.nanoTime();
    private long lastLine = start;
    private int drawn;

    public BacktestProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Prints nothing: for tests and library use. */
    public static BacktestProgress silent() {
        return new BacktestProgress(null, false);
    }

    /** Called every few hundred milliseconds while replays run. */
    void update(long done, long total) {
        if (out == null) {
            return;
        }
        long now = System.nanoTime();
        if (!terminal && now - lastLine < LOG_INTERVAL) {
            return;
        }
        lastLine = now;
        double seconds = (now - start) / 1e9;
        double rate = done / Math.max(seconds, 1e-9);
        String eta = rate > 0 && done < total ? formatSeconds((total - done) / rate) : "-";
        String counts = String.format(Locale.ROOT, "%,d/%,d events  %,.0f events/s  ETA %s", done, total, rate, eta);
        if (terminal) {
            double fraction = total == 0 ? 1 : Math.min(1.0, (double) done / total);
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            String line = String.format(Locale.ROOT, "backtest [%s%s] %3.0f%% %s", "#".repeat(filled),
                    "-".repeat(BAR_WIDTH - filled), fraction * 100, counts);
            out.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
            drawn = line.length();
        } else {
            out.println("backtest: " + counts);
        }
        out.flush();
    }

    /**
     * Starts a step before the replays (reading a file or a topic, sorting, embedding), so that a long one shows
     * it is alive: on a terminal one line redrawn with its count, elsewhere a line when it starts, one every few
     * seconds while it runs and one when it ends.
     */
    public Step step(Phase phase, String label) {
        return new Step(phase, label);
    }

    /** The seconds the ended steps of a phase took, together. */
    public synchronized double seconds(Phase phase) {
        return seconds.getOrDefault(phase, 0.0);
    }

    private synchronized void add(Phase phase, double s) {
        seconds.merge(phase, s, Double::sum);
    }

    /** One step of the preparation; {@link #update} as it goes, {@link #end} when done. */
    public final class Step {
        private final Phase phase;
        private final String label;
        private final long started = System.nanoTime();
        private long lastShown = started;
        private int width;

        private Step(Phase phase, String label) {
            this.phase = phase;
            this.label = label;
            if (out != null && !terminal) {
                out.println("backtest: " + label + " ...");
                out.flush();
            }
        }

        /** @param total 0 when unknown */
        public void update(long done, long total) {
            if (out == null) {
                return;
            }
            long now = System.nanoTime();
            if (now - lastShown < (terminal ? TERMINAL_INTERVAL : LOG_INTERVAL)) {
                return;
            }
            lastShown = now;
            String count = total > 0
                    ? String.format(Locale.ROOT, "%3.0f%% (%,d/%,d)", 100.0 * Math.min(done, total) / total, done, total)
                    : String.format(Locale.ROOT, "%,d", done);
            if (terminal) {
                String line = "backtest: " + label + " " + count;
                out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
                width = line.length();
            } else {
                out.println("backtest: " + label + ": " + count);
            }
            out.flush();
        }

        public void end() {
            add(phase, (System.nanoTime() - started) / 1e9);
            if (out == null) {
                return;
            }
            String line = String.format(Locale.ROOT, "backtest: %s: done in %.1f s", label,
                    (System.nanoTime() - started) / 1e9);
            out.println((terminal ? "\r" : "") + line + " ".repeat(terminal ? Math.max(0, width - line.length()) : 0));
            out.flush();
        }
    }

    /** Clears the bar so that what follows starts on a clean line. */
    void finish() {
        if (out != null && terminal && drawn > 0) {
            out.print("\r" + " ".repeat(drawn) + "\r");
            out.flush();
        }
    }

    private static String formatSeconds(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, t / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
    }
}
