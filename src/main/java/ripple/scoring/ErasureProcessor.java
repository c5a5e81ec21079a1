package ripple.scoring;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.avro.Recommendations;
import ripple.privacy.Pseudonyms;

/**
 * Erases a user on request: a tombstone keyed by the user id on the erasure topic deletes the user's state (the
 * store's changelog gets a tombstone too, so compaction removes it there) and publishes a tombstone on
 * recommendations. The request names the raw user id; with pseudonymisation on, the state and the tombstone are
 * keyed by its pseudonym, as intake keyed them. Influence counts are aggregates over all users and keep no trace of who acted.
 */
final class ErasureProcessor extends ContextualProcessor<String, byte[], String, Recommendations> {
    private static final Logger log = LoggerFactory.getLogger(ErasureProcessor.class);

    private final Pseudonyms pseudonyms;
    private KeyValueStore<String, byte[]> users;

    /** @param pseudonyms how intake replaced user ids: requests name the raw id, state is kept by its pseudonym */
    ErasureProcessor(Pseudonyms pseudonyms) {
        this.pseudonyms = pseudonyms;
    }

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
        String user = pseudonyms.of(record.key());
        boolean known = users.delete(user) != null;
        context().forward(new Record<>(user, (Recommendations) null, record.timestamp()));
        log.info("erased a user's state ({})", known ? "state found" : "no state held");
    }
}
