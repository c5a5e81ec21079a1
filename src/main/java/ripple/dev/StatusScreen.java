package ripple.dev;

import java.io.FilterOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.utils.AttributedString;

/**
 * Draws a status line and a few blocks of lines (one per watched user). On a terminal the whole view is redrawn in
 * place, line by line, with plain ANSI cursor movements: nothing is cleared first, so nothing flickers, and the
 * screen above stays as it was. If something else wrote to the terminal since the last draw (a log line on
 * stderr), the view is drawn afresh below it instead, so that the log line is not overwritten. On a pipe or a
 * file: a status line at most every {@link #PLAIN_INTERVAL_NANOS}, and only the blocks that changed since they
 * were last printed, each flushed at once.
 */
public final class StatusScreen {
    /** How often a pipe or a file gets a status line: often enough to follow, rarely enough to read. */
    static final long PLAIN_INTERVAL_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final int width;
    private final AtomicBoolean othersWrote;
    /** What was last printed per block, so that a pipe gets a block only when it changed. */
    private final Map<String, List<String>> shown = new HashMap<>();
    private int drawn;
    private long lastPlain;

    /**
     * @param terminal    whether {@code out} is a terminal that can redraw in place
     * @param width       the terminal's width in columns, or 0 if unknown
     * @param othersWrote set when something else wrote to the terminal (see {@link #marking})
     */
    public StatusScreen(PrintStream out, boolean terminal, int width, AtomicBoolean othersWrote) {
        this.out = out;
        this.terminal = terminal;
        this.width = width;
        this.othersWrote = othersWrote;
    }

    /**
     * @param blocks the lines of each block by its key, in display order
     * @param force  print now even on a pipe (the last view before exiting)
     */
    public void draw(String status, Map<String, List<String>> blocks, boolean force) {
        long now = System.nanoTime();
        if (!terminal && !force && lastPlain != 0 && now - lastPlain < PLAIN_INTERVAL_NANOS) {
            return;
        }
        lastPlain = now;
        List<String> lines = new ArrayList<>();
        lines.add(status);
        blocks.forEach((key, block) -> {
            if (terminal || !block.equals(shown.get(key))) {
                lines.addAll(block);
                shown.put(key, List.copyOf(block));
            }
        });
        if (terminal) {
            StringBuilder b = new StringBuilder();
            if (drawn > 0 && !othersWrote.getAndSet(false)) {
                b.append("\033[").append(drawn).append('F'); // up to the start of the view's first line
            }
            for (String line : lines) {
                b.append(fit(line)).append("\033[K\n"); // the line overwritten, the old one's tail cleared
            }
            b.append("\033[J"); // a shorter view leaves no old lines below
            out.print(b);
            drawn = lines.size();
        } else {
            lines.forEach(out::println);
        }
        out.flush();
    }

    /** Cut to the terminal's width in columns (a CJK title takes two a character), so that no line wraps and the
     *  cursor goes up exactly the lines drawn. */
    private String fit(String line) {
        return width <= 1 ? line : new AttributedString(line).columnSubSequence(0, width - 1).toString();
    }

    /**
     * A stream that marks {@code wrote} on every write: wrapped around stderr on a terminal, it tells the screen
     * that a log line now sits below its view.
     */
    public static PrintStream marking(PrintStream target, AtomicBoolean wrote) {
        return new PrintStream(new FilterOutputStream(target) {
            @Override
            public void write(int b) {
                wrote.set(true);
                target.write(b);
            }

            @Override
            public void write(byte[] bytes, int off, int len) {
                wrote.set(true);
                target.write(bytes, off, len);
            }

            @Override
            public void flush() {
                target.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }
}
