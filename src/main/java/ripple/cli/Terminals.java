package ripple.cli;

import java.util.Map;
import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;

/**
 * Whether standard output or standard error is a terminal, where a status can be redrawn in place; everywhere else
 * (a pipe, a file, CI) output must be plain lines. {@code System.console()} cannot tell: it speaks for stdin and
 * stdout together (so {@code ripple backtest > summary.txt} would draw no bar on the terminal stderr), and from
 * Java 22 it exists on pipes too. JLine asks the operating system (isatty) for each stream.
 */
public final class Terminals {

    /** JLine's ways to ask: its bundled native library first, then running {@code test -t}. */
    private static final String[] PROVIDERS = {"jni", "exec"};

    private Terminals() {
    }

    /** Standard output is an interactive terminal. */
    public static boolean stdout() {
        return is(SystemStream.Output, System.getenv());
    }

    /** Standard error is an interactive terminal (progress goes there). */
    public static boolean stderr() {
        return is(SystemStream.Error, System.getenv());
    }

    /** The width of the terminal on standard output in columns, or 0 when unknown. */
    public static int stdoutWidth() {
        for (String provider : PROVIDERS) {
            try {
                return Math.max(0, TerminalProvider.load(provider).systemStreamWidth(SystemStream.Output));
            } catch (Throwable e) {
                // not available here: try the next
            }
        }
        return 0;
    }

    static boolean is(SystemStream stream, Map<String, String> env) {
        // TERM=dumb (Emacs shells, some CI) cannot move the cursor; RIPPLE_CONSOLE=plain is the user's own say.
        if ("dumb".equals(env.get("TERM")) || "plain".equalsIgnoreCase(env.getOrDefault("RIPPLE_CONSOLE", ""))) {
            return false;
        }
        for (String provider : PROVIDERS) {
            try {
                return TerminalProvider.load(provider).isSystemStream(stream);
            } catch (Throwable e) {
                // this provider does not load here (no native library for the platform): try the next
            }
        }
        // no provider: the JDK's view, right for stdout on Java 17 to 21, and plain lines for stderr
        return stream == SystemStream.Output && System.console() != null;
    }
}
