package ripple.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import ripple.config.RippleConfig;
import ripple.dev.DevStack;

@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Start a real Kafka broker, the schema registry, all roles and a demo producer in this JVM, "
                + "and show live recommendations.")
final class DevCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: config/application.properties if it exists).")
    Path config;

    @Option(names = "--data-dir", description = "Broker data and state (default: ${DEFAULT-VALUE}).", defaultValue = ".ripple")
    Path dataDir;

    @Option(names = "--kafka-port", description = "Broker port on 127.0.0.1 (default: ${DEFAULT-VALUE}).", defaultValue = "9092")
    int kafkaPort;

    @Option(names = "--registry-port", description = "Registry port on 127.0.0.1 (default: ${DEFAULT-VALUE}).", defaultValue = "8081")
    int registryPort;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "HTTP port for /health, /metrics and queries (default: the http.port setting, 8080).")
    Integer httpPort;

    @Option(names = "--events", description = "Stop after this many demo events (default: run until Ctrl-C).", defaultValue = "0")
    long events;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long: 60 (seconds), 60s, 5m, PT1M.")
    Duration duration;

    @Option(names = "--rate", description = "Demo events per second (default: ${DEFAULT-VALUE}).", defaultValue = "200")
    int rate;

    @Option(names = "--users", defaultValue = "2000", description = "Synthetic users (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--items", defaultValue = "500", description = "Synthetic items (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the synthetic data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        Path file = config != null ? config : Files.isRegularFile(ConfigOptions.DEFAULT_CONFIG) ? ConfigOptions.DEFAULT_CONFIG : null;
        RippleConfig base = RippleConfig.load(file);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.set(true);
            try {
                done.await();
            } catch (InterruptedException e) {
                main.interrupt();
            }
        }, "ripple-dev-shutdown"));
        try {
            boolean terminal = Terminals.stdout();
            DevStack.Summary s = DevStack.run(base, new DevStack.Options(dataDir, kafkaPort, registryPort, httpPort,
                    events, duration, rate, users, items, seed), System.out, terminal,
                    terminal ? Terminals.stdoutWidth() : 0, stop);
            System.out.printf(Locale.ROOT, "ripple dev: %d events sent, %d recommendations received, first after %.1f s, "
                    + "ran %.1f s%n", s.eventsSent(), s.recommendations(), s.secondsToFirstRecommendation(), s.seconds());
            System.out.flush();
            return s.recommendations() > 0 ? 0 : 1;
        } finally {
            done.countDown();
        }
    }
}
