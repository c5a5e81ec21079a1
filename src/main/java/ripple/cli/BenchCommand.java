package ripple.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ripple.embedding.EmbeddingBenchmark;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks; each prints one JSON object on its last line.",
        subcommands = BenchCommand.Embed.class)
final class BenchCommand {

    @Command(name = "embed", mixinStandardHelpOptions = true,
            description = "Ripple's embedding path (DJL) against a plain ONNX Runtime session on the same ONNX file, "
                    + "same batches, same pre-tokenised inputs, in one run.")
    static final class Embed implements Callable<Integer> {
        @Option(names = "--model", defaultValue = "bge-small-zh", description = "bge-small-zh, minilm-en, or their -fp32 variants (default: ${DEFAULT-VALUE}).")
        String model;

        @Option(names = "--items", defaultValue = "5000", description = "Item texts (default: ${DEFAULT-VALUE}).")
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
}
