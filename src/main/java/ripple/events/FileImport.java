package ripple.events;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import ripple.registry.SchemaRegistryException;

/**
 * Produces the rows of a file to a topic: every parsed row, keyed by {@code key}; bad rows counted with their line
 * numbers. The record timestamp is left to the producer (now) rather than set to the event's time: retention and
 * compaction go by record timestamps, and a replay of a 2017 log stamped 2017 would be deleted by retention as soon
 * as written. The event's own time travels in its {@code timestamp} field.
 */
public final class FileImport {
    private FileImport() {
    }

    /** After each row: rows read, records acknowledged, bad rows, bytes of the file read. */
    @FunctionalInterface
    public interface Progress {
        void update(long read, long acked, long bad, long bytesRead);
    }

    /**
     * What loading one file came to. {@code failure} is the first error producing, which stops the load.
     *
     * @param bad the file's bad rows, for the report
     */
    public record Outcome(long read, long produced, BadRows bad, Exception failure) {
    }

    /**
     * @param limit at most this many records are sent
     * @param pacer spaces the records, or null for as fast as Kafka takes them
     */
    public static <T> Outcome produce(FileRows<T> rows, Producer<String, T> producer, String topic,
                                      Function<T, String> key, long limit, Pacer pacer, Progress progress)
            throws InterruptedException {
        BadRows bad = new BadRows();
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long[] read = {0};
        long[] sent = {0};
        InterruptedException[] interrupted = {null};
        FileRows.forEach(rows, bad, () -> sent[0] < limit && failure.get() == null && interrupted[0] == null, p -> {
            if (pacer != null) {
                try {
                    pacer.await();
                } catch (InterruptedException e) {
                    interrupted[0] = e;
                    return;
                }
            }
            try {
                producer.send(new ProducerRecord<>(topic, key.apply(p.value()), p.value()), (meta, e) -> {
                    if (e == null) {
                        acked.incrementAndGet();
                    } else {
                        failure.compareAndSet(null, e);
                    }
                });
                sent[0]++;
            } catch (KafkaException | SchemaRegistryException e) {
                // Raised before sending: the value could not be serialised (registry down) or the producer is
                // closed or fenced; every later record would fail the same way.
                failure.compareAndSet(null, e);
            }
        }, () -> progress.update(++read[0], acked.get(), bad.count(), rows.bytesRead()));
        if (interrupted[0] != null) {
            throw interrupted[0];
        }
        producer.flush();
        return new Outcome(read[0], acked.get(), bad, failure.get());
    }
}
