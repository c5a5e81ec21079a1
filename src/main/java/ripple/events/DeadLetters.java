package ripple.events;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import ripple.avro.DeadLetter;
import ripple.metrics.Rejection;
import ripple.privacy.Pseudonyms;
import ripple.serde.Utf8;

/** Builds dead-letter records that say where a record came from and why it was not processed. */
public final class DeadLetters {
    private DeadLetters() {
    }

    public static DeadLetter of(Rejection reason, String detail, Throwable error, RecordMetadata source,
                                byte[] key, byte[] value, long now) {
        return DeadLetter.newBuilder()
                .setSourceTopic(source == null ? "" : source.topic())
                .setPartition(source == null ? -1 : source.partition())
                .setOffset(source == null ? -1 : source.offset())
                .setReason(reason.name())
                .setDetail(detail)
                .setErrorClass(error == null ? null : error.getClass().getName())
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setFailedAt(java.time.Instant.ofEpochMilli(now))
                .build();
    }

    /**
     * The key a dead letter may keep when pseudonymising: the pseudonym of a UTF-8 key (so that the user's dead
     * letters stay together), nothing for a key that is not text.
     */
    public static byte[] pseudonymousKey(byte[] key, Pseudonyms pseudonyms) {
        if (key == null) {
            return null;
        }
        String text = Utf8.decodeOrNull(key);
        return text == null ? null : pseudonyms.of(text).getBytes(StandardCharsets.UTF_8);
    }

    /** The dead letter's key on its topic: the original key's bytes. */
    public static byte[] originalKey(DeadLetter d) {
        ByteBuffer b = d.getOriginalKey();
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
