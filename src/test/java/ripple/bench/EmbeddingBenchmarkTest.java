package ripple.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Not part of the default run (the pom excludes the "benchmark" tag). Run with
 * {@code mvn test -Dtest=EmbeddingBenchmarkTest -Dsurefire.excludedGroups= -Dbenchmark.items=2000}.
 * Prints one JSON line per model; it asserts correctness only, never timing.
 */
@Tag("benchmark")
class EmbeddingBenchmarkTest {

    @ParameterizedTest
    @ValueSource(strings = {"bge-small-zh", "minilm-en"})
    void ripplePathAgainstRawOnnxRuntime(String model) {
        EmbeddingBenchmark.Result result = EmbeddingBenchmark.run(model,
                Integer.getInteger("benchmark.items", 1000), Integer.getInteger("benchmark.batch", 32),
                System.getProperty("benchmark.device", "auto"),
                Integer.getInteger("benchmark.threads", Runtime.getRuntime().availableProcessors()));
        System.out.println("BENCHMARK " + result.toJson());
        assertThat(result.maxAbsDiff()).isLessThan(1e-5);
    }
}
