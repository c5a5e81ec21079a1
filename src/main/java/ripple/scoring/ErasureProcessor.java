package ripple.scoring;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.avro.Recommendations;

/**
 * Erases a user on request: a tombstone keyed by the user id on the erasure topic deletes the user's state (the
 * store's changelog gets a tombstone too, so compaction removes it there) and publishes a tombstone on
 * recommendations. Influence counts are aggregates over all users and keep no trace of who acted.
 */
final class ErasureProcessor extends ContextualProcessor<String, byte[], String, Recommendations> {
    private static final Logger log = LoggerFactory.getLogger(ErasureProcessor.class);

    private KeyValueStore<String, byte[]> users;

    @Override
    public void init(ProcessorContext<String, Recommendations> context) {
        super.init(context);
        users = context.getStateStore(ScoringProcessor.USER_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null || record.key().isEmpty() || record.value() != null) {
            // Only tombstones are requests; anything else is ignored rather than acted on.
            log.warn("ignored a record on the erasure topic that is not a tombstone keyed by a user id");
            return;
        }
        boolean known = users.delete(record.key()) != null;
        context().forward(new Record<>(record.key(), (Recommendations) null, record.timestamp()));
        log.info("erased a user's state ({})", known ? "state found" : "no state held");
    }
}
