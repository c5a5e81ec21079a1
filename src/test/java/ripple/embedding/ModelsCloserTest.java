package ripple.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ModelsCloserTest {
    /** The name the model's native threads inherit from the Java thread that opened it (Linux keeps 15 bytes). */
    private static final String OPENER = "models-opener";

    @Test
    void theEndOfTheTestPlanClosesTheSharedModelsAndTheirNativeThreads() throws Exception {
        // ONNX Runtime's environment is made with the first model and has threads of its own, until the JVM exits
        Models.bge();
        Models.closeAll();
        Thread opener = new Thread(Models::minilm, OPENER);
        opener.start();
        opener.join();
        assertThat(Models.open()).isEqualTo(1);
        assertThat(Models.minilm().embed(List.of("a red dress"))[0]).isNotEmpty();
        assertThat(nativeThreadsNamed(OPENER)).as("the session's own threads").isPositive();

        new ModelsCloser().testPlanExecutionFinished(null);

        assertThat(Models.open()).isZero();
        assertThat(nativeThreadsNamed(OPENER)).as("threads left once the session is closed").isZero();
        // a test after this one still gets a working model
        assertThat(Models.minilm().embed(List.of("a red dress"))[0]).isNotEmpty();
    }

    private static long nativeThreadsNamed(String name) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(t -> comm(t).equals(name)).count();
        }
    }

    private static String comm(Path task) {
        try {
            return Files.readString(task.resolve("comm")).trim();
        } catch (IOException e) {
            // the thread ended between the listing and the read
            return "";
        }
    }
}
