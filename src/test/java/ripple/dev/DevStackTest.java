package ripple.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.config.RippleConfig;

/** What {@code ./ripple dev --events N} does, on free ports: it stops by itself and shows recommendations. */
@Tag("integration")
class DevStackTest {
    @TempDir
    Path dir;

    @Test
    void runsTheWholeStackAndStopsByItselfAfterTheEvents() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        DevStack.Summary s = DevStack.run(RippleConfig.defaultConfig().with("topics.partitions", "2").with("http.port", "0"),
                new DevStack.Options(dir, 0, 0, null, 400, null, 400, 100, 60, 42), out, false, 0, new AtomicBoolean());
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertThat(s.eventsSent()).isEqualTo(400);
        assertThat(s.recommendations()).isPositive();
        assertThat(shown).contains("schema registry: http://127.0.0.1:").contains("= text");
        assertThat(shown).containsPattern("user u\\d+ \\(top topic: \\w+\\)");
        // the broker's own log goes to a file of its own under the data directory, not to the console
        assertThat(dir.resolve("broker.log")).isNotEmptyFile();
        assertThat(Files.readString(dir.resolve("broker.log"))).contains("KafkaRaftServer");

        // A second start on the same data directory keeps the broker's data and works again: the demo's
        // events are new events, not duplicates of the first run's.
        DevStack.Summary again = DevStack.run(RippleConfig.defaultConfig().with("topics.partitions", "2").with("http.port", "0"),
                new DevStack.Options(dir, 0, 0, null, 200, null, 400, 100, 60, 42), out, false, 0, new AtomicBoolean());
        assertThat(again.recommendations()).isPositive();
    }
}
