package ripple.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import ripple.avro.BehaviorEvent;
import ripple.avro.Item;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;
import ripple.events.FileImport;
import ripple.events.Pacer;
import ripple.events.EventFileReader;
import ripple.events.FileRows;
import ripple.events.ItemFileReader;
import ripple.registry.SchemaRegistryException;
import ripple.topics.Topic;
import ripple.topics.TopicAdmin;
import ripple.topics.Topics;

/**
 * {@code ripple import}: loads behaviour events (and optionally catalogue items) from files into Kafka, in Ripple's
 * Avro format through the schema registry. Rows that cannot be imported are counted and reported with their line
 * numbers, never dropped silently. Exits 0 when anything was imported, 1 when nothing was or producing failed.
 */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Import behaviour events and catalogue items from files into Kafka.",
                "Items are imported first, so the catalogue is in place when the events arrive."},
        footer = {"", "Examples:",
                "  ripple import --format taobao --input UserBehavior.csv --rate 2000",
                "  ripple import --format csv --input log.csv --header --ts-unit s \\",
                "      --columns user=0,item=1,type=3,ts=4,category=2 --types pv=BROWSE,buy=PURCHASE",
                "  ripple import --format jsonl --input events.jsonl --items items.jsonl"})
public final class ImportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions;

    @Mixin
    EventFileOptions files;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Events topic (default: topics.behavior-events).")
    String topic;

    @Option(names = "--rate", paramLabel = "N", description = "At most N events per second (default: as fast as Kafka takes them).")
    Double rate;

    @Option(names = "--limit", paramLabel = "N", description = "Import at most N events.")
    Long limit;

    @Override
    public Integer call() {
        Path input = files.input;
        Path items = files.items;
        EventFileReader eventReader = input == null ? null : files.eventReader();
        ItemFileReader itemReader = items == null ? null : files.itemReader();
        if (eventReader == null && itemReader == null) {
            throw new ParameterException(spec.commandLine(), "nothing to import: give --input and/or --items");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (Path file : new Path[] {items, input}) {
            if (file != null && !Files.isReadable(file)) {
                return CliSupport.fail(err, "import", "cannot read " + file.toAbsolutePath());
            }
        }
        RippleConfig config;
        try {
            config = configOptions.load();
        } catch (ConfigException e) {
            return CliSupport.configError(err, "import", e);
        }
        try {
            if (eventReader != null) {
                // Checked here, not when parsing options, because the configuration sets the accepted range; and
                // before Kafka is asked anything, so that a bad setting is reported as such.
                eventReader = eventReader.withTimestampRange(config.instant("events.min-timestamp"),
                        Instant.now().plus(config.duration("events.max-future-skew")));
            }
            String unreachable = CliSupport.checkKafka(config);
            if (unreachable != null) {
                return CliSupport.fail(err, "import", unreachable);
            }
            String eventsTopic = topic != null ? topic : config.nonEmpty("topics.behavior-events");
            Topics topics = Topics.create(config.with("topics.behavior-events", eventsTopic), CliSupport.registry(config));
            ensureTopics(config, topics);
            long imported = 0;
            if (itemReader != null) {
                FileImport.Outcome o = load(config, items, itemReader::open, topics.items, Item::getItemId,
                        Long.MAX_VALUE, null, "items");
                imported += o.produced();
                if (o.failure() != null) {
                    return CliSupport.fail(err, "import", "stopped after a failure producing to " + topics.items.name()
                            + ": " + describe(o.failure()));
                }
            }
            if (eventReader != null) {
                FileImport.Outcome o = load(config, input, eventReader::open, topics.behaviorEvents,
                        BehaviorEvent::getUserId, limit == null ? Long.MAX_VALUE : limit,
                        rate == null ? null : new Pacer(rate), "events");
                imported += o.produced();
                if (o.failure() != null) {
                    return CliSupport.fail(err, "import", "stopped after a failure producing to " + eventsTopic
                            + ": " + describe(o.failure()));
                }
            }
            if (imported == 0) {
                return CliSupport.fail(err, "import", "nothing imported");
            }
            return 0;
        } catch (ConfigException e) {
            return CliSupport.configError(err, "import", e);
        } catch (SchemaRegistryException | KafkaException | IllegalArgumentException e) {
            // IllegalArgumentException: a column the mapping names is not in the file's header
            return CliSupport.fail(err, "import", e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            return CliSupport.fail(err, "import", "cannot read input: " + e.getMessage());
        } catch (TimeoutException e) {
            return CliSupport.fail(err, "import", CliSupport.noAnswer(config.string("bootstrap.servers"), CliSupport.ADMIN_TIMEOUT));
        } catch (ExecutionException e) {
            return CliSupport.fail(err, "import", "cannot check or create the topics at "
                    + config.string("bootstrap.servers") + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CliSupport.fail(err, "import", "interrupted");
        } finally {
            out.flush();
        }
    }

    /** Opens a file's rows. */
    private interface Opener<T> {
        FileRows<T> open(Path file) throws IOException;
    }

    /** Produces a file's rows (see {@link FileImport}), with progress on stderr and the counts on stdout. */
    private <T> FileImport.Outcome load(RippleConfig config, Path file, Opener<T> opener, Topic<String, T> topic,
                                        Function<T, String> key, long limit, Pacer pacer, String what)
            throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        long startNanos = System.nanoTime();
        // progress on stderr, so that the summary on stdout can be redirected
        ImportProgress progress = new ImportProgress(spec.commandLine().getErr(), Terminals.stderr(), what, size(file));
        FileImport.Outcome o;
        try (FileRows<T> rows = opener.open(file);
             KafkaProducer<String, T> producer = new KafkaProducer<>(
                     CliSupport.producerProperties(config, "ripple-import-" + what),
                     topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            o = FileImport.produce(rows, producer, topic.name(), key, limit, pacer, progress::update);
        }
        progress.finish();
        o.bad().print(out, file.toString());
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        out.printf(Locale.ROOT, "%s from %s -> %s: read %d, produced %d, bad %d (%.1f s)%n",
                what, file, topic.name(), o.read(), o.produced(), o.bad().count(), seconds);
        out.flush();
        return o;
    }

    /** Creates whichever of Ripple's topics are missing, partitioned as configured, before anything is produced:
     *  a broker that auto-creates topics would otherwise make the events topic with its default partition count. */
    private static void ensureTopics(RippleConfig config, Topics topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = CliSupport.admin(config)) {
            TopicAdmin.ensure(admin, topics, topics.settings().partitions(),
                    topics.settings().replication());
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0; // only the progress percentage is lost
        }
    }

    private static String describe(Throwable e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
