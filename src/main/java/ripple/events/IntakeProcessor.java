package ripple.events;

import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ripple.avro.BehaviorEvent;
import ripple.metrics.RippleMetrics;
import ripple.privacy.Pseudonyms;

/**
 * First step of the scorer: raw bytes in, and out either a valid, complete {@link BehaviorEvent} keyed by user,
 * or a {@link ripple.avro.DeadLetter}. Events whose id was already seen within the dedupe window are dropped.
 * <p>
 * Dedupe is by point lookup: each accepted id is stored with its event time under the start of its time bucket
 * (buckets as long as the window), so a check is at most three gets (the event's bucket, then the nearer and the
 * farther neighbour; a copy with the same time is found by the first), where a range fetch over the window
 * opened an iterator on every segment it spanned. A stored id counts only when its time is within the window.
 */
public final class IntakeProcessor extends ContextualProcessor<byte[], byte[], String, SpecificRecord> {
    public static final String DEDUPE_STORE = "event-ids";
    private static final Logger log = LoggerFactory.getLogger(IntakeProcessor.class);

    private final EventValidator validator;
    private final Pseudonyms pseudonyms;
    private final long windowMs;
    private final RippleMetrics metrics;
    private WindowStore<String, Long> seen;
    private long duplicates;
    /** Newest event time this task has seen since it started. */
    private long newestEventTime = Long.MIN_VALUE;

    public IntakeProcessor(EventValidator validator, Duration dedupeWindow) {
        this(validator, dedupeWindow, RippleMetrics.noop(), Pseudonyms.NONE);
    }

    public IntakeProcessor(EventValidator validator, Duration dedupeWindow, RippleMetrics metrics, Pseudonyms pseudonyms) {
        this.validator = validator;
        this.pseudonyms = pseudonyms;
        this.windowMs = dedupeWindow.toMillis();
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        super.init(context);
        seen = context.getStateStore(DEDUPE_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context().recordMetadata().orElse(null);
        String topic = source == null ? "" : source.topic();
        EventValidator.Result result = validator.validate(topic, record.key(), record.value(), record.timestamp(),
                context().currentSystemTimeMs());
        if (result instanceof EventValidator.Invalid bad) {
            log.debug("dead letter {} at {}: {}", bad.reason(), source, bad.detail());
            metrics.deadLetter(RippleMetrics.Stage.INTAKE, bad.reason());
            byte[] key = record.key();
            byte[] value = record.value();
            if (pseudonyms.enabled()) {
                // The original bytes hold the raw user id: the dead letter keeps the key's pseudonym and no value;
                // its source topic, partition and offset still find the original while the topic retains it.
                key = DeadLetters.pseudonymousKey(key, pseudonyms);
                value = null;
            }
            context().forward(record.withKey((String) null).withValue(DeadLetters.of(bad.reason(), bad.detail(),
                    bad.error(), source, key, value, context().currentSystemTimeMs())));
            return;
        }
        EventValidator.Valid ok = (EventValidator.Valid) result;
        BehaviorEvent event = ok.event();
        long ts = event.getTimestamp().toEpochMilli();
        // The store keeps ids by event time, up to twice the window behind the newest event it has seen. An event
        // older than that (an old log replayed into a live topic) is scored without the duplicate check, rather
        // than written to an expired segment.
        newestEventTime = Math.max(newestEventTime, ts);
        if (ts >= newestEventTime - windowMs) {
            if (isDuplicate(event.getEventId(), ts)) {
                duplicates++;
                log.debug("dropped duplicate event {} ({} so far)", event.getEventId(), duplicates);
                return;
            }
            seen.put(event.getEventId(), ts, bucket(ts));
        }
        context().forward(new Record<>(ok.userId(), event, ts, record.headers()));
    }

    private boolean isDuplicate(String eventId, long ts) {
        long b = bucket(ts);
        long nearer = ts - b < windowMs / 2 ? b - windowMs : b + windowMs;
        long farther = nearer < b ? b + windowMs : b - windowMs;
        return within(seen.fetch(eventId, b), ts) || within(seen.fetch(eventId, nearer), ts)
                || within(seen.fetch(eventId, farther), ts);
    }

    private boolean within(Long stored, long ts) {
        return stored != null && Math.abs(stored - ts) <= windowMs;
    }

    /** Start of the time bucket that holds {@code ts}: buckets are as long as the window. */
    long bucket(long ts) {
        return windowMs <= 0 ? ts : Math.floorDiv(ts, windowMs) * windowMs;
    }

    /** The store of accepted event ids, by the start of their time bucket; RocksDB, logged. */
    public static StoreBuilder<WindowStore<String, Long>> dedupeStore(Duration window) {
        return Stores.windowStoreBuilder(Stores.persistentWindowStore(DEDUPE_STORE, retention(window),
                window.isZero() ? Duration.ofMillis(1) : window, false), Serdes.String(), Serdes.Long());
    }

    /** Retention the dedupe store needs: a check reaches one window before the bucket of an event up to one window late. */
    public static Duration retention(Duration window) {
        return window.multipliedBy(3).plusMinutes(1);
    }
}
