package ripple.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import ripple.config.RippleConfig;
import ripple.runtime.Registries;
import ripple.runtime.RippleRuntime;
import ripple.runtime.Role;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run Ripple's roles against a Kafka cluster and a schema registry.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--role", description = "all, scorer or embedder (default: the 'role' setting).")
    String role;

    @Override
    public Integer call() throws Exception {
        RippleConfig c = options.load();
        Role r = c.with("role", role == null ? c.string("role") : role).enumValue("role", Role.class);
        CountDownLatch stopped = new CountDownLatch(1);
        try (RippleRuntime runtime = RippleRuntime.start(c, r, Registries.http(c))) {
            // SIGTERM and Ctrl-C close the streams cleanly (bounded by Kafka Streams' close timeout).
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                runtime.close();
                stopped.countDown();
            }, "ripple-shutdown"));
            System.err.printf("ripple: running role %s against %s%n", r.name().toLowerCase(), c.string("bootstrap.servers"));
            stopped.await();
        }
        return 0;
    }
}
