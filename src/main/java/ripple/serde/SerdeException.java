package ripple.serde;

import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that could not be turned into bytes or back. Extends Kafka's {@link SerializationException}
 * so Kafka's deserialization-exception handlers see it; {@link #reason()} is the machine-readable
 * cause a dead-letter record carries.
 */
public class SerdeException extends SerializationException {

    public enum Reason {
        /** Too short, truncated, trailing bytes, or not Avro of the writer schema at all. */
        MALFORMED_BYTES,
        /** The first byte is not the Confluent wire format's magic byte 0. */
        BAD_MAGIC_BYTE,
        /** The registry does not know the schema id in the frame. */
        UNKNOWN_SCHEMA_ID,
        /** The writer schema cannot be resolved to the reader schema. */
        INCOMPATIBLE_SCHEMA,
        /** A record to serialize does not conform to its own schema (e.g. null in a required field). */
        INVALID_RECORD
    }

    private final Reason reason;

    public SerdeException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public SerdeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
