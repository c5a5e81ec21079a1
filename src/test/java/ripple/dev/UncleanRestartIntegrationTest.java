package ripple.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker killed with SIGKILL in the middle of transactions (as {@code ripple dev} is by {@code kill -9}) must, once
 * restarted on the same directory, finish every transaction it had decided: a committed offset read with
 * {@code read_committed} (what an exactly-once Kafka Streams app does when it takes its tasks) must come back, and
 * every output partition's last stable offset must reach its end.
 *
 * <p>Kafka 4.4 drops a transaction marker whose partition has no leader at the moment it is (re)sent, taking the
 * partition for deleted (KAFKA-20734), and still writes the transaction as complete. A combined-mode node restarted
 * after {@code kill -9} used to act on its previous incarnation's registration (itself the leader of every partition,
 * so its transaction coordinator loaded and queued the pending markers) until the controller fenced that incarnation
 * a broker session later, which left every partition without a leader for a moment: a marker retried then was lost,
 * and the offsets it should have committed stayed pending for ever. Several producers commit offsets in a loop so
 * that the kill is likely to land between a commit's decision and its markers; a few rounds make it likelier still.
 *
 * <p>The bounds are correctness bounds, not timings: a lost marker leaves the fetch failing for ever, while a
 * resolved one answers within a transaction timeout and a clean-up interval (seconds).
 */
@Tag("integration")
class UncleanRestartIntegrationTest {

    private static final int ROUNDS = 5;
    private static final int PRODUCERS = 6;
    private static final int OUT_PARTITIONS = 3;
    private static final String IN = "in";
    private static final String OUT = "out";
    private static final String LOADED = "LOADED";
    /** Far longer than a transaction timeout (3 s) plus the clean-up interval (1 s) the restarted broker uses. */
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    @Test
    void transactionsCutByAKillAreFinishedAfterRestart() throws Exception {
        for (int round = 1; round <= ROUNDS; round++) {
            killMidTransactions(round);
            EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir.resolve("kafka")).port(0)
                    // abort the killed producers' open (undecided) transactions soon after their 3 s timeout
                    .brokerConfig("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000")
                    .build().start();
            try {
                assertCommittedOffsetsReadable(kafka, round);
                assertNoOpenTransactionOnOutput(kafka, round);
            } finally {
                kafka.close();
            }
        }
    }

    /** Runs {@link Load} in a child JVM on the data directory, and kills it with SIGKILL while it commits. */
    private void killMidTransactions(int round) throws IOException, InterruptedException {
        Path out = dataDir.resolve("load-" + round + ".out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                Load.class.getName(), dataDir.resolve("kafka").toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            p.getOutputStream().close();
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (!Files.readString(out, StandardCharsets.UTF_8).contains(LOADED)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    fail("round " + round + ": the load never started committing; it printed:\n" + tail(out));
                }
                Thread.sleep(100);
            }
            Thread.sleep(ThreadLocalRandom.current().nextInt(300));
        } finally {
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no controlled shutdown
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void assertCommittedOffsetsReadable(EmbeddedKafka kafka, int round) {
        for (int i = 0; i < PRODUCERS; i++) {
            Map<String, Object> props = Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, group(i),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // asks for stable offsets
            try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
                var partition = new TopicPartition(IN, i);
                // throws TimeoutException ("... last committed offset ... could be determined") while unstable
                Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(partition), BOUND);
                assertThat(committed.get(partition)).as("round %d: committed offset of %s", round, group(i)).isNotNull();
            }
        }
    }

    private static void assertNoOpenTransactionOnOutput(EmbeddedKafka kafka, int round) throws InterruptedException {
        List<TopicPartition> partitions = IntStream.range(0, OUT_PARTITIONS)
                .mapToObj(p -> new TopicPartition(OUT, p)).toList();
        try (var committed = consumer(kafka, "read_committed"); var uncommitted = consumer(kafka, "read_uncommitted")) {
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (true) {
                Map<TopicPartition, Long> stable = committed.endOffsets(partitions);
                Map<TopicPartition, Long> end = uncommitted.endOffsets(partitions);
                if (stable.equals(end)) {
                    return;
                }
                assertThat(System.nanoTime()).as("round %d: last stable offsets %s still behind the ends %s",
                        round, stable, end).isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedKafka kafka, String isolation) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private static String group(int i) {
        return "group-" + i;
    }

    private static String tail(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return lines.subList(Math.max(0, lines.size() - 40), lines.size()).stream().collect(Collectors.joining("\n"));
    }

    /**
     * The child JVM: a broker on the given directory and {@value #PRODUCERS} transactional producers, each committing
     * in a loop one record to {@value #OUT} and an offset of {@value #IN} for its own group, as a stream task does.
     * Prints {@value #LOADED} once every producer has committed a few transactions; runs until killed.
     */
    public static final class Load {
        public static void main(String[] args) throws Exception {
            EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(Path.of(args[0])).port(0).build().start();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                for (NewTopic t : List.of(new NewTopic(IN, PRODUCERS, (short) 1), new NewTopic(OUT, OUT_PARTITIONS, (short) 1))) {
                    try {
                        admin.createTopics(List.of(t)).all().get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (!(e.getCause() instanceof TopicExistsException)) {
                            throw e;
                        }
                    }
                }
            }
            AtomicLongArray commits = new AtomicLongArray(PRODUCERS);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < PRODUCERS; i++) {
                int id = i;
                Thread t = new Thread(() -> commitInALoop(kafka.bootstrapServers(), id, commits), "load-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            while (IntStream.range(0, PRODUCERS).anyMatch(i -> commits.get(i) < 10)) {
                Thread.sleep(20);
            }
            System.out.println(LOADED);
            System.out.flush();
            for (Thread t : threads) {
                t.join();
            }
        }

        private static void commitInALoop(String bootstrap, int id, AtomicLongArray commits) {
            Map<String, Object> props = new HashMap<>();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "load-" + id);
            props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 3000);
            props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                for (long n = 1; ; n++) {
                    producer.beginTransaction();
                    producer.send(new ProducerRecord<>(OUT, id % OUT_PARTITIONS, "k" + id, "v" + n));
                    producer.sendOffsetsToTransaction(Map.of(new TopicPartition(IN, id), new OffsetAndMetadata(n)),
                            new ConsumerGroupMetadata(group(id)));
                    producer.commitTransaction();
                    commits.incrementAndGet(id);
                }
            }
        }
    }
}
