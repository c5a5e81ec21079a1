package ripple.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;
import ripple.runtime.KafkaClientSettings;
import ripple.runtime.KafkaSettings;
import ripple.runtime.Registries;
import ripple.serde.SchemaRegistry;

/** Registry and Kafka clients for command-line tools, built from Ripple's settings. */
public final class CliSupport {

    /**
     * Exit code of a command that ran but failed: bad input everywhere, Kafka or the registry unreachable, a port
     * in use. What the user must change is outside the command line.
     */
    public static final int EXIT_FAILURE = 1;

    /**
     * Exit code of a command that could not start as asked: an unknown or malformed flag, a bad setting in the
     * configuration file or the environment (picocli's own code for invalid input). What the user must change is
     * how the command is called or configured.
     */
    public static final int EXIT_USAGE = 2;

    /** How long commands wait for Kafka's admin calls (the limit TopicAdmin waits for, too). */
    static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    /**
     * How long a command waits for a first answer from Kafka before saying it got none. Long enough for a broker
     * that is starting or a cluster across a slow link; short enough that a wrong address does not look like a hang.
     */
    static final Duration REACH_TIMEOUT = Duration.ofSeconds(10);

    private CliSupport() {
    }

    /**
     * The registry client, with the configured credentials and trust store, behind a cache.
     *
     * @throws ConfigException naming the registry setting that is wrong
     */
    public static SchemaRegistry registry(RippleConfig config) {
        // the one factory of the registry client: the commands' client is the runtime's
        return Registries.http(config);
    }

    /**
     * A producer for bulk loads: idempotent with acks=all, so a retried send neither duplicates nor reorders a
     * user's events, and batched (linger, lz4) because an import is all throughput. Pass-through {@code kafka.*}
     * settings still win, as everywhere in Ripple.
     */
    public static Properties producerProperties(RippleConfig config, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.putAll(KafkaSettings.client(KafkaClientSettings.from(config)));
        return p;
    }

    /**
     * A consumer that reads partitions it assigns itself: no group, so nothing is committed and watching a topic
     * leaves no trace on the cluster. It reads committed data only, because Ripple writes its outputs in
     * exactly-once transactions and records of aborted ones would be shown as if they had happened.
     */
    public static Properties assignedConsumerProperties(RippleConfig config, String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        p.putAll(KafkaSettings.client(KafkaClientSettings.from(config)));
        return p;
    }

    /**
     * An admin client whose calls give up after 30 s, as long as a command waits for them: with Kafka's default of
     * 60 s, closing the client after a timed-out call would keep a command hanging for another half minute.
     */
    public static Admin admin(RippleConfig config) {
        Properties p = new Properties();
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        p.putAll(KafkaSettings.client(KafkaClientSettings.from(config)));
        return Admin.create(p);
    }

    /**
     * Asks the cluster for its id, waiting at most {@link #REACH_TIMEOUT}: null when Kafka answered, else the one
     * line to show. Commands call this first, so that a dead address fails in seconds with a message rather than
     * after Kafka's own 60 s timeouts with a bare TimeoutException.
     */
    static String checkKafka(RippleConfig config) {
        Properties p = new Properties();
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REACH_TIMEOUT.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REACH_TIMEOUT.toMillis());
        // a few tries in the wait rather than twenty: each refused one logs a NetworkClient warning, which should
        // show (it names the address) without burying the one-line answer
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 1000);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 4000);
        p.putAll(KafkaSettings.client(KafkaClientSettings.from(config)));
        String servers = config.string("bootstrap.servers");
        Admin admin = Admin.create(p);
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) REACH_TIMEOUT.toMillis()))
                    .clusterId().get(REACH_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                return noAnswer(servers, REACH_TIMEOUT);
            }
            // an answer, but a refusal: authentication, authorisation, TLS
            return "Kafka at " + servers + " refused the connection: " + e.getCause().getMessage()
                    + " (check the kafka.* security settings)";
        } catch (java.util.concurrent.TimeoutException e) {
            return noAnswer(servers, REACH_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while waiting for Kafka at " + servers;
        } finally {
            // nothing is in flight worth waiting for; a dead address would otherwise hold close() too
            admin.close(Duration.ZERO);
        }
    }

    static String noAnswer(String servers, Duration waited) {
        return "no answer from Kafka at " + servers + " within " + waited.toSeconds()
                + " s (is it running? --bootstrap-servers)";
    }

    /** Prints a bad setting as one line on the command's error stream and returns {@link #EXIT_USAGE}. */
    static int configError(PrintWriter err, String command, ConfigException e) {
        err.println("ripple " + command + ": " + e.getMessage());
        err.flush();
        return EXIT_USAGE;
    }

    /** Prints a failure as one line on the command's error stream and returns {@link #EXIT_FAILURE}. */
    static int fail(PrintWriter err, String command, String message) {
        err.println("ripple " + command + ": " + message);
        err.flush();
        return EXIT_FAILURE;
    }
}
