package ripple.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import ripple.config.RippleConfig;
import ripple.runtime.Registries;
import ripple.runtime.RippleRuntime;
import ripple.runtime.Role;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run Ripple's roles against a Kafka cluster and a schema registry.")
final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Option(names = "--role", description = "all, scorer or embedder (default: the 'role' setting).")
    String role;

    @Override
    public Integer call() throws Exception {
        RippleConfig c = options.load();
        Role r = (role == null ? c : c.with("role", role, "--role")).enumValue("role", Role.class);
        String unreachable = CliSupport.checkKafka(c);
        if (unreachable != null) {
            return CliSupport.fail(spec.commandLine().getErr(), "run", unreachable);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (RippleRuntime runtime = RippleRuntime.start(c, r, Registries.http(c))) {
            // SIGTERM and Ctrl-C: close() stops HTTP and the streams within shutdown.timeout, logging each step,
            // so the process exits before an orchestrator's grace period ends in SIGKILL.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.info("shutdown requested; stopping within {}", c.duration("shutdown.timeout"));
                runtime.close();
                stopped.countDown();
            }, "ripple-shutdown"));
            System.err.printf("ripple: running role %s against %s; HTTP on %s%n", r.name().toLowerCase(),
                    c.string("bootstrap.servers"), runtime.httpUrl());
            stopped.await();
        }
        return 0;
    }
}
