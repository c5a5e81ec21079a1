package ripple.cli;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/**
 * Progress of an import, on standard error (the summary goes to standard output). On a terminal, one bar redrawn in place with {@code \r}; otherwise (a pipe, a log file, CI)
 * a plain line every few seconds, since carriage returns would pile up in a log as one endless line.
 */
final class ImportProgress {

    private static final long TERMINAL_INTERVAL = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long LOG_INTERVAL = TimeUnit.SECONDS.toNanos(5);
    private static final int BAR_WIDTH = 24;

    private final PrintWriter out;
    private final boolean terminal;
    private final String label;
    private final long totalBytes;
    private final long start = System.nanoTime();
    private long lastPrint = start;
    private int drawnWidth;

    /** @param totalBytes the input's size, for the percentage; 0 if unknown */
    ImportProgress(PrintWriter out, boolean terminal, String label, long totalBytes) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
        this.totalBytes = totalBytes;
    }

    void update(long read, long produced, long bad, long bytesRead) {
        long now = System.nanoTime();
        if (now - lastPrint < (terminal ? TERMINAL_INTERVAL : LOG_INTERVAL)) {
            return;
        }
        lastPrint = now;
        double seconds = (now - start) / 1e9;
        String counts = String.format("read %,d  produced %,d  bad %,d  %,.0f rows/s", read, produced, bad, read / seconds);
        if (terminal) {
            String line = label + " " + bar(bytesRead) + " " + counts;
            out.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
            drawnWidth = line.length();
        } else {
            out.println(label + ": " + percent(bytesRead) + counts);
        }
        out.flush();
    }

    /** Clears the bar so that the summary starts on a clean line. */
    void finish() {
        if (terminal && drawnWidth > 0) {
            out.print("\r" + " ".repeat(drawnWidth) + "\r");
            out.flush();
        }
    }

    private String bar(long bytesRead) {
        if (totalBytes <= 0) {
            return "";
        }
        double fraction = Math.min(1.0, (double) bytesRead / totalBytes);
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] " + String.format("%3.0f%%", fraction * 100);
    }

    private String percent(long bytesRead) {
        return totalBytes <= 0 ? "" : String.format("%.0f%%  ", Math.min(100.0, 100.0 * bytesRead / totalBytes));
    }
}
