package ripple.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary working directories of batch commands (backtests, benchmarks), removed when they finish. */
public final class TempDirs {
    private TempDirs() {
    }

    /**
     * Deletes a directory and everything under it, as far as it can: a leftover temporary directory is not worth
     * failing a finished run over.
     */
    public static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // left as it is
        }
    }
}
