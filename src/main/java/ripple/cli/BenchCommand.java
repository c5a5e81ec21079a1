package ripple.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ripple.bench.EmbeddingBenchmark;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks; each prints one JSON object on its last line.",
        subcommands = {BenchCommand.Embed.class, BenchCommand.EndToEnd.class})
final class BenchCommand {

    @Command(name = "embed", mixinStandardHelpOptions = true,
            description = "Ripple's embedding path (DJL) against a plain ONNX Runtime session on the same ONNX file, "
                    + "same batches, same pre-tokenised inputs, in one run.")
    static final class Embed implements Callable<Integer> {
        @Option(names = "--model", defaultValue = "bge-small-zh", description = "bge-small-zh, minilm-en, or their -fp32 variants (default: ${DEFAULT-VALUE}).")
        String model;

        @Option(names = "--items", defaultValue = "20000", description = "Item texts (default: ${DEFAULT-VALUE}).")
        int items;

        @Option(names = "--batch", defaultValue = "32", description = "Items per ONNX call (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--device", defaultValue = "auto", description = "cpu, gpu or auto (default: ${DEFAULT-VALUE}).")
        String device;

        @Option(names = "--threads", defaultValue = "0", description = "Intra-op threads; 0 = one per core.")
        int threads;

        @Override
        public Integer call() {
            int t = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            System.out.println(EmbeddingBenchmark.run(model, items, batch, device, t).toJson());
            return 0;
        }
    }

    @Command(name = "e2e", mixinStandardHelpOptions = true,
            description = "The scorer (exactly-once) against a pass-through Kafka Streams app and a floor (intake "
                    + "and each user's state, no scoring) on the same broker and data, then latency at half the "
                    + "measured maximum.")
    static final class EndToEnd implements Callable<Integer> {
        @Option(names = "--users", defaultValue = "200000", description = "Users (default: ${DEFAULT-VALUE}).")
        int users;

        @Option(names = "--items", defaultValue = "20000", description = "Items (default: ${DEFAULT-VALUE}).")
        int items;

        @Option(names = "--events", defaultValue = "400000", description = "Events per throughput phase; the "
                + "first tenth of each phase's output is its warm-up, left out (default: ${DEFAULT-VALUE}).")
        int events;

        @Option(names = "--partitions", defaultValue = "6", description = "Partitions (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--latency-seconds", defaultValue = "20", description = "Length of the latency phase.")
        int latencySeconds;

        @Option(names = "--latency-rate", paramLabel = "N",
                description = "Events/s of the latency phase (default: half the measured maximum).")
        Double latencyRate;

        @Option(names = "--bootstrap", description = "An existing broker; default: an embedded one.")
        String bootstrap;

        @Option(names = "--latency-log", paramLabel = "FILE", description = "Write each measured score of the "
                + "latency phase to this CSV file (received_ms, event_ms, latency_ms, partition).")
        java.nio.file.Path latencyLog;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A Ripple setting for the scorer "
                + "(and the baselines' Kafka Streams settings), e.g. "
                + "--set scoring.coalesce-interval=1s (repeatable).")
        java.util.Map<String, String> settings = new java.util.HashMap<>();

        @Override
        public Integer call() throws Exception {
            var result = ripple.bench.EndToEndBenchmark.run(new ripple.bench.EndToEndBenchmark.Options(bootstrap, users,
                    items, events, partitions, java.time.Duration.ofSeconds(latencySeconds), settings, latencyRate,
                    latencyLog),
                    System.err);
            System.out.println(result.toJson());
            return 0;
        }
    }
}
