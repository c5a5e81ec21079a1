package ripple.embedding;

import java.nio.charset.CharacterCodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.avro.Item;
import ripple.avro.ItemFeatures;
import ripple.events.DeadLetters;
import ripple.metrics.Rejection;
import ripple.serde.SerdeException;
import ripple.serde.Utf8;

/**
 * Raw item records in; {@link ItemFeatures} keyed by item id (null for a deleted item), or a
 * {@link ripple.avro.DeadLetter} with a null key, out.
 *
 * <p>Valid items whose text changed wait in the {@link #PENDING_STORE} until a batch is full or the linger
 * punctuation fires, and are then embedded batch by batch. That store is persistent and changelogged on
 * purpose: under exactly-once, the offset of an item is committed in the same transaction as its write to
 * the pending changelog. Once the offset is committed the item is never read again, so an in-memory
 * buffer would lose every item that was consumed but not yet embedded when the process died; with the
 * store, the restored task finds it pending and embeds it at its first punctuation. If the process dies
 * before the commit, the transaction aborts and the item is simply read again.
 */
final class EmbedderProcessor extends ContextualProcessor<byte[], byte[], String, SpecificRecord> {
    static final String PENDING_STORE = "embedding-pending";
    static final String HASH_STORE = "embedded-text-hashes";
    private static final Logger log = LoggerFactory.getLogger(EmbedderProcessor.class);

    private final EmbedderSettings settings;
    private final ItemEmbedder embedder;
    private final Deserializer<Item> deserializer;
    private final EmbedderMetrics metrics;
    private KeyValueStore<String, byte[]> pending;
    private KeyValueStore<String, String> hashes;
    /** Entries in the pending store: its own count is only an estimate. */
    private int pendingCount;

    EmbedderProcessor(EmbedderSettings settings, ItemEmbedder embedder, Deserializer<Item> deserializer,
                      EmbedderMetrics metrics) {
        this.settings = settings;
        this.embedder = embedder;
        this.deserializer = deserializer;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        super.init(context);
        pending = context.getStateStore(PENDING_STORE);
        hashes = context.getStateStore(HASH_STORE);
        try (KeyValueIterator<String, byte[]> it = pending.all()) {
            while (it.hasNext()) {
                it.next();
                pendingCount++;
            }
        }
        // wall-clock time, because stream time stands still when no items arrive, and the last items
        // before a quiet spell must not wait for the next one
        context.schedule(settings.linger(), PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context().recordMetadata().orElse(null);
        byte[] key = record.key();
        if (key == null || key.length == 0) {
            deadLetter(Rejection.NULL_KEY, "the record has no key; items are keyed by item id", null, source,
                    key, record.value(), record.timestamp());
            return;
        }
        String itemId;
        try {
            itemId = Utf8.decode(key);
        } catch (CharacterCodingException e) {
            deadLetter(Rejection.MALFORMED_BYTES, "the key is not valid UTF-8", e, source, key, record.value(),
                    record.timestamp());
            return;
        }
        if (record.value() == null) {
            forget(itemId);
            // even for an item never embedded here: the features topic may hold one from an older model
            context().forward(new Record<>(itemId, null, record.timestamp(), record.headers()));
            return;
        }
        Item item;
        try {
            item = deserializer.deserialize(source == null ? "" : source.topic(), record.value());
        } catch (SerdeException e) {
            deadLetter(Rejection.of(e.reason()), e.getMessage(), e, source, key, record.value(), record.timestamp());
            return;
        }
        if (item.getItemId() != null && !item.getItemId().isEmpty() && !item.getItemId().equals(itemId)) {
            deadLetter(Rejection.KEY_MISMATCH, "itemId '" + clip(item.getItemId()) + "' differs from the key '"
                    + clip(itemId) + "'", null, source, key, record.value(), record.timestamp());
            return;
        }
        ItemText text;
        try {
            text = ItemText.of(item, settings.maxTextChars());
        } catch (BadItemTextException e) {
            Rejection reason = e.reason() == BadItemTextException.Reason.EMPTY_TEXT
                    ? Rejection.EMPTY_TEXT : Rejection.OVERSIZED_TEXT;
            deadLetter(reason, e.getMessage(), e, source, key, record.value(), record.timestamp());
            return;
        }
        String hash = textHash(text);
        if (hash.equals(hashes.get(itemId))) {
            metrics.countSkippedUnchanged();
            // a change and its undo within one linger: what is published already matches the newest text
            removePending(itemId);
            return;
        }
        PendingItem waiting = new PendingItem(source == null ? "" : source.topic(),
                source == null ? -1 : source.partition(), source == null ? -1 : source.offset(),
                record.timestamp(), key, record.value(), text, item.getCategory(), hash);
        if (pending.get(itemId) == null) {
            pendingCount++;
        }
        // a newer version of an item still pending replaces it: only the newest text is worth embedding
        pending.put(itemId, waiting.encode());
        if (pendingCount >= settings.batchSize()) {
            flush();
        }
    }

    /**
     * Identifies what the features were computed from. The embedder version is part of it so that a new
     * model never takes an old vector for current; the declared language because it can choose the model.
     */
    private String textHash(ItemText text) {
        return Sha256.hex(embedder.version() + '\u0000' + (text.declaredLanguage() == null ? "" : text.declaredLanguage())
                + '\u0000' + text.text());
    }

    private void forget(String itemId) {
        removePending(itemId);
        hashes.delete(itemId);
    }

    private void removePending(String itemId) {
        if (pending.delete(itemId) != null) {
            pendingCount--;
        }
    }

    /** Embeds everything pending, at most batchSize items per call. */
    private void flush() {
        if (pendingCount == 0) {
            return;
        }
        List<KeyValue<String, PendingItem>> all = new ArrayList<>(pendingCount);
        try (KeyValueIterator<String, byte[]> it = pending.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                all.add(KeyValue.pair(kv.key, PendingItem.decode(kv.value)));
            }
        }
        for (int from = 0; from < all.size(); from += settings.batchSize()) {
            embedBatch(all.subList(from, Math.min(all.size(), from + settings.batchSize())));
        }
    }

    private void embedBatch(List<KeyValue<String, PendingItem>> batch) {
        List<ItemText> texts = batch.stream().map(kv -> kv.value.text()).toList();
        List<ItemEmbedding> vectors;
        long started = System.nanoTime();
        try {
            vectors = embedder.embed(texts);
            if (vectors.size() != texts.size()) {
                throw new IllegalStateException(vectors.size() + " embeddings for " + texts.size() + " texts");
            }
            metrics.countBatch(System.nanoTime() - started, texts.size());
        } catch (RuntimeException e) {
            // one item the model cannot take must not cost the others their features: find it alone
            log.warn("embedding a batch of {} items failed, embedding them one at a time: {}", texts.size(),
                    e.toString());
            vectors = null;
        }
        for (int i = 0; i < batch.size(); i++) {
            String itemId = batch.get(i).key;
            PendingItem p = batch.get(i).value;
            if (vectors != null) {
                publish(itemId, p, vectors.get(i));
            } else {
                embedAlone(itemId, p);
            }
            removePending(itemId);
        }
    }

    private void embedAlone(String itemId, PendingItem p) {
        ItemEmbedding embedding;
        try {
            embedding = embedder.embed(List.of(p.text())).get(0);
        } catch (RuntimeException e) {
            log.warn("embedding item '{}' failed: {}", clip(itemId), e.toString());
            deadLetter(Rejection.EMBEDDING_FAILED, "the model failed on this item's text: " + e.getMessage(), e, p,
                    p.key(), p.value(), p.timestamp());
            return;
        }
        publish(itemId, p, embedding);
    }

    private void publish(String itemId, PendingItem p, ItemEmbedding embedding) {
        List<Float> unit = unitVector(embedding.vector());
        if (unit == null) {
            // a NaN or zero vector would poison every score it takes part in
            deadLetter(Rejection.EMBEDDING_FAILED, "the model returned a vector with no direction (zero or not finite)",
                    null, p, p.key(), p.value(), p.timestamp());
            return;
        }
        ItemFeatures features = ItemFeatures.newBuilder()
                .setItemId(itemId)
                .setModelId(embedding.modelId())
                .setModelVersion(embedding.modelVersion())
                .setEmbedding(unit)
                .setComputedAt(Instant.ofEpochMilli(context().currentSystemTimeMs()))
                .setCategory(p.category())
                .setTextHash(p.textHash())
                .setLanguage(embedding.language())
                .build();
        context().forward(new Record<>(itemId, features, p.timestamp()));
        hashes.put(itemId, p.textHash());
        metrics.countEmbedded(embedding.truncated());
    }

    /**
     * The vector scaled to length 1, or null if it has none. The models already normalise; this holds the
     * topic's contract whichever {@link ItemEmbedder} made the vector.
     */
    private static List<Float> unitVector(float[] v) {
        double sumSquares = 0;
        for (float x : v) {
            sumSquares += (double) x * x;
        }
        double norm = Math.sqrt(sumSquares);
        if (!(norm > 0) || !Double.isFinite(norm)) {
            return null;
        }
        List<Float> out = new ArrayList<>(v.length);
        for (float x : v) {
            out.add((float) (x / norm));
        }
        return out;
    }

    private void deadLetter(Rejection reason, String detail, Throwable error, RecordMetadata source, byte[] key,
                            byte[] value, long timestamp) {
        log.debug("dead letter {} at {}: {}", reason, source, detail);
        metrics.countDeadLettered(reason);
        context().forward(new Record<>((String) null, DeadLetters.of(reason, detail, error, source, key, value,
                context().currentSystemTimeMs()), timestamp));
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
