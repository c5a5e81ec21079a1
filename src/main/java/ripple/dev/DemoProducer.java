package ripple.dev;

import java.time.Instant;
import java.util.Iterator;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import ripple.avro.BehaviorEvent;
import ripple.avro.Item;
import ripple.topics.Topics;

/**
 * Streams the synthetic catalogue and behaviour events to Kafka, as a platform would: items first, then events at a
 * steady rate, re-stamped with the wall clock so that the demo is live.
 */
public final class DemoProducer implements AutoCloseable {
    private final SyntheticGenerator generator;
    private final KafkaProducer<String, BehaviorEvent> events;
    private final KafkaProducer<String, Item> items;
    private final Topics topics;
    private final AtomicLong sent = new AtomicLong();
    /** The generator numbers events from 0 on every start; without this a restarted demo would be deduplicated. */
    private final String runPrefix = "dev" + Long.toString(System.currentTimeMillis(), 36) + "-";

    public DemoProducer(SyntheticGenerator generator, Properties clientProps, Topics topics) {
        this.generator = generator;
        this.topics = topics;
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.events = new KafkaProducer<>(p, new StringSerializer(), topics.behaviorEvents.valueSerde().serializer());
        this.items = new KafkaProducer<>(p, new StringSerializer(), topics.items.valueSerde().serializer());
    }

    public void sendCatalogue() {
        for (Item item : generator.items()) {
            items.send(new ProducerRecord<>(topics.items.name(), item.getItemId(), item));
        }
        items.flush();
    }

    /** Sends {@code max} events (or until interrupted) at about {@code perSecond}. */
    public void run(long max, int perSecond, java.util.function.BooleanSupplier keepGoing) throws InterruptedException {
        Iterator<BehaviorEvent> it = generator.events();
        long start = System.nanoTime();
        while (sent.get() < max && keepGoing.getAsBoolean()) {
            BehaviorEvent e = it.next();
            e.setTimestamp(Instant.now());
            e.setEventId(runPrefix + e.getEventId());
            events.send(new ProducerRecord<>(topics.behaviorEvents.name(), e.getUserId(), e));
            long n = sent.incrementAndGet();
            long due = start + n * 1_000_000_000L / perSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        events.flush();
    }

    public long sent() {
        return sent.get();
    }

    @Override
    public void close() {
        events.close();
        items.close();
    }
}
