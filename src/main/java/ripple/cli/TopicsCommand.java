package ripple.cli;

import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;
import ripple.config.RippleConfig;
import ripple.runtime.Registries;
import ripple.topics.TopicAdmin;
import ripple.topics.Topics;

@Command(name = "topics", mixinStandardHelpOptions = true, description = "Create or describe the topics Ripple uses.")
final class TopicsCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "create or describe")
    String action;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        if (!action.equals("create") && !action.equals("describe")) {
            throw new ParameterException(spec.commandLine(), "expected 'create' or 'describe', got '" + action + "'");
        }
        RippleConfig c = options.load();
        String unreachable = CliSupport.checkKafka(c);
        if (unreachable != null) {
            return CliSupport.fail(spec.commandLine().getErr(), "topics", unreachable);
        }
        Topics topics = Topics.create(c, Registries.http(c));
        try (Admin admin = CliSupport.admin(c)) {
            switch (action) {
                case "create":
                    var created = TopicAdmin.ensure(admin, topics, topics.settings().partitions(),
                            topics.settings().replication());
                    System.out.println(created.isEmpty() ? "all topics exist" : "created " + created);
                    return 0;
                case "describe":
                    for (TopicDescription d : TopicAdmin.describe(admin, topics).values()) {
                        System.out.printf("%s partitions=%d replication=%d%s%n", d.name(), d.partitions().size(),
                                d.partitions().get(0).replicas().size(),
                                topics.compacted().contains(d.name()) ? " compacted" : "");
                    }
                    return 0;
                default:
                    throw new IllegalStateException("checked above: " + action);
            }
        }
    }
}
