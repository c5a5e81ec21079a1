package ripple.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * External tools run with a bound. Their output goes to files, so the test waits first and reads after: reading a
 * pipe to its end before waiting would let a hung tool hang the test, and the timeout would never fire.
 */
public final class Processes {
    private Processes() {
    }

    /** What a tool printed, and its exit code. */
    public record Result(int exitCode, byte[] stdout, String stderr) {
        public String text() {
            return new String(stdout, StandardCharsets.UTF_8) + stderr;
        }
    }

    /**
     * Starts {@code pb} with stdin closed, waits up to {@code timeout}, and fails naming the command (with what it
     * printed so far) if it has not finished by then. With {@code redirectErrorStream}, stderr is in stdout.
     */
    public static Result run(ProcessBuilder pb, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("ripple-process-", ".out");
        Path err = Files.createTempFile("ripple-process-", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail(String.join(" ", pb.command()) + " did not finish within " + timeout + "; it printed: "
                        + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readAllBytes(out), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
