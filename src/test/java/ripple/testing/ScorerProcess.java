package ripple.testing;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scorer in a child JVM ({@code ripple run --role scorer}), so that a test can kill it with SIGKILL: an open
 * transaction, uncommitted offsets and unflushed RocksDB, which no close in this JVM leaves behind.
 */
public final class ScorerProcess {
    private static final Logger log = LoggerFactory.getLogger(ScorerProcess.class);

    private ScorerProcess() {
    }

    /** Writes {@code settings} as a properties file for {@link #start}. */
    public static Path configFile(Path file, Map<String, String> settings) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (var e : settings.entrySet()) {
                w.write(e.getKey() + "=" + e.getValue().replace("\\", "\\\\") + "\n");
            }
        }
        return file;
    }

    /** Starts the scorer; its output goes to target/{@code name}.log, kept after the test for a look. */
    public static Process start(Path configFile, String name) throws IOException {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(javaBin.toString(), "-Xmx512m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=ripple.avro,java.lang,java.util,java.math,java.time",
                "-cp", System.getProperty("java.class.path"),
                "ripple.cli.Main", "run", "--role", "scorer", "--config", configFile.toString());
        Path out = Path.of("target", name + ".log").toAbsolutePath();
        Files.createDirectories(out.getParent());
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        log.info("starting scorer process {} (output in {})", name, out);
        return pb.start();
    }
}
