package ripple.topics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics Ripple uses, each with its partitions and settings ({@link Topics#configs}), and describes them. */
public final class TopicAdmin {
    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
    /** How long {@link #awaitLeaders} waits for every partition to answer, and how often it asks again. */
    private static final int LEADER_WAIT_SECONDS = 60;
    private static final long LEADER_POLL_MS = 100;

    private TopicAdmin() {
    }

    /** Creates whichever of the topics are missing; returns the names it created. */
    public static List<String> ensure(Admin admin, Topics topics, int partitions, short replication)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        Map<String, Integer> partitionsOf = new HashMap<>();
        for (String name : topics.all()) {
            if (existing.contains(name)) {
                continue;
            }
            partitionsOf.put(name, topics.partitions(name, partitions));
            missing.add(new NewTopic(name, partitionsOf.get(name), replication).configs(topics.configs(name)));
        }
        List<String> created = new ArrayList<>();
        for (var e : admin.createTopics(missing).values().entrySet()) {
            try {
                e.getValue().get(30, TimeUnit.SECONDS);
                created.add(e.getKey());
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw ex;
                }
            }
        }
        if (!created.isEmpty()) {
            partitionsOf.keySet().retainAll(created);
            awaitLeaders(admin, partitionsOf);
            log.info("created topics {} (partitions {}, replication {})", created, partitionsOf, replication);
        }
        return created;
    }

    /**
     * Returns once every partition of the topics answers at its leader. A topic's creation is acknowledged before
     * its leader serves it: an idempotent producer's first batches then get NOT_LEADER_OR_FOLLOWER, and on a Kafka
     * 4.x broker a later batch could be appended ahead of an earlier one that failed so, whose retries were then
     * refused as out of order until they timed out (the end-to-end benchmark's producer lost 28 of 20,000 records
     * that way, after two minutes of OutOfOrderSequenceException). The admin client retries a listing of the end
     * offsets until each leader answers, but not a partition whose topic the broker it asks does not know yet
     * (UnknownTopicOrPartitionException, right after creation: it failed {@code ./ripple dev}'s start once in a
     * CI run); that listing is asked again here, every {@value #LEADER_POLL_MS} ms, within the same minute.
     */
    public static void awaitLeaders(Admin admin, List<String> topics, int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, Integer> partitionsOf = new HashMap<>();
        topics.forEach(t -> partitionsOf.put(t, partitions));
        awaitLeaders(admin, partitionsOf);
    }

    /** The same, for topics of different partition counts. */
    public static void awaitLeaders(Admin admin, Map<String, Integer> partitionsOf)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> all = new HashMap<>();
        partitionsOf.forEach((topic, partitions) -> {
            for (int p = 0; p < partitions; p++) {
                all.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        });
        Set<String> topics = partitionsOf.keySet();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LEADER_WAIT_SECONDS);
        while (true) {
            long left = deadline - System.nanoTime();
            try {
                admin.listOffsets(all).all().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
                return;
            } catch (ExecutionException e) {
                boolean timeForAnother = left > TimeUnit.MILLISECONDS.toNanos(LEADER_POLL_MS);
                if (!(e.getCause() instanceof RetriableException) || !timeForAnother) {
                    throw e;
                }
                log.debug("topics {} not served yet ({}); asking again", topics, e.getCause().toString());
                Thread.sleep(LEADER_POLL_MS);
            }
        }
    }

    public static Map<String, TopicDescription> describe(Admin admin, Topics topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<String> present = topics.all().stream().filter(existing::contains).toList();
        return admin.describeTopics(present).allTopicNames().get(30, TimeUnit.SECONDS);
    }
}
