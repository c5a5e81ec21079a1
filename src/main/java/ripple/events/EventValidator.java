package ripple.events;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.metrics.Rejection;
import ripple.serde.SerdeException;
import ripple.serde.Utf8;

/**
 * Turns the raw bytes of a behaviour event into a valid, complete event, or says why it cannot be used.
 * Missing fields are filled with the documented defaults:
 * <ul>
 *   <li>eventId: "derived-" + a hash of user, item, type and timestamp, so a re-sent copy is still a duplicate;</li>
 *   <li>userId: the record key;</li>
 *   <li>timestamp: the Kafka record timestamp;</li>
 *   <li>scenario: {@code events.default-scenario};</li>
 *   <li>dwellMs: left missing (unknown dwell is not counted in dwell statistics).</li>
 * </ul>
 */
public final class EventValidator {
    private final Deserializer<BehaviorEvent> deserializer;
    private final IntakeSettings settings;

    public sealed interface Result permits Valid, Invalid {
    }

    public record Valid(String userId, BehaviorEvent event) implements Result {
    }

    public record Invalid(Rejection reason, String detail, Throwable error) implements Result {
    }

    public EventValidator(Deserializer<BehaviorEvent> deserializer, IntakeSettings settings) {
        this.deserializer = deserializer;
        this.settings = settings;
    }

    public Result validate(String topic, byte[] key, byte[] value, long recordTimestamp, long wallClock) {
        if (key == null || key.length == 0) {
            return new Invalid(Rejection.NULL_KEY, "the record has no key; events are keyed by user id", null);
        }
        String userKey;
        try {
            userKey = Utf8.decode(key);
        } catch (CharacterCodingException e) {
            return new Invalid(Rejection.MALFORMED_BYTES, "the key is not valid UTF-8", e);
        }
        if (userKey.length() > settings.maxFieldLength()) {
            return new Invalid(Rejection.OVERSIZED_FIELD, "key of " + userKey.length() + " characters", null);
        }
        if (value == null) {
            return new Invalid(Rejection.NULL_VALUE, "the record has no value", null);
        }
        BehaviorEvent e;
        try {
            e = deserializer.deserialize(topic, value);
        } catch (SerdeException ex) {
            return new Invalid(Rejection.of(ex.reason()), ex.getMessage(), ex);
        }
        if (e.getUserId() == null || e.getUserId().isEmpty()) {
            e.setUserId(userKey);
        } else if (!e.getUserId().equals(userKey)) {
            return new Invalid(Rejection.KEY_MISMATCH,
                    "userId '" + shown(e.getUserId()) + "' differs from the key '" + shown(userKey) + "'", null);
        }
        if (e.getItemId() == null || e.getItemId().isEmpty()) {
            return new Invalid(Rejection.MISSING_ITEM, "the event names no item", null);
        }
        if (e.getType() == null || e.getType() == BehaviorType.UNKNOWN) {
            return new Invalid(Rejection.UNKNOWN_BEHAVIOR_TYPE,
                    "behaviour type unknown to this version of Ripple (read as UNKNOWN)", null);
        }
        Invalid oversized = checkLengths(e);
        if (oversized != null) {
            return oversized;
        }
        Double dwell = e.getDwellMs();
        if (dwell != null && (dwell.isNaN() || dwell < 0 || dwell > settings.maxDwellMs())) {
            return new Invalid(Rejection.INVALID_DWELL,
                    "dwellMs " + dwell + " is not within 0.." + (long) settings.maxDwellMs() + " (events.max-dwell)", null);
        }
        if (e.getTimestamp() == null) {
            e.setTimestamp(Instant.ofEpochMilli(recordTimestamp));
        }
        long ts = e.getTimestamp().toEpochMilli();
        if (ts < settings.minTimestamp().toEpochMilli()) {
            return new Invalid(Rejection.TIMESTAMP_TOO_OLD,
                    "timestamp " + e.getTimestamp() + " is before " + settings.minTimestamp() + " (events.min-timestamp)", null);
        }
        if (ts > wallClock + settings.maxFutureSkew().toMillis()) {
            return new Invalid(Rejection.TIMESTAMP_IN_FUTURE, "timestamp " + e.getTimestamp()
                    + " is more than " + settings.maxFutureSkew() + " ahead of now (events.max-future-skew)", null);
        }
        if (e.getScenario() == null || e.getScenario().isEmpty()) {
            e.setScenario(settings.defaultScenario());
        }
        // From here on the user is the pseudonym (privacy.pseudonymise): the derived event id, every store, topic
        // and log line after intake see only it.
        String user = settings.pseudonyms().of(userKey);
        e.setUserId(user);
        if (e.getEventId() == null || e.getEventId().isEmpty()) {
            e.setEventId(derivedId(e));
        }
        return new Valid(user, e);
    }

    private Invalid checkLengths(BehaviorEvent e) {
        int max = settings.maxFieldLength();
        if (tooLong(e.getEventId(), max) || tooLong(e.getUserId(), max) || tooLong(e.getItemId(), max)
                || tooLong(e.getScenario(), max)) {
            return new Invalid(Rejection.OVERSIZED_FIELD, "an id or the scenario is longer than " + max
                    + " characters (events.max-field-length)", null);
        }
        if (e.getContext().size() > 64) {
            return new Invalid(Rejection.OVERSIZED_FIELD, "context has " + e.getContext().size() + " entries, at most 64", null);
        }
        for (Map.Entry<String, String> c : e.getContext().entrySet()) {
            if (tooLong(c.getKey(), max) || tooLong(c.getValue(), max)) {
                return new Invalid(Rejection.OVERSIZED_FIELD, "context entry '" + clip(c.getKey())
                        + "' is longer than " + max + " characters (events.max-field-length)", null);
            }
        }
        return null;
    }

    private static boolean tooLong(String s, int max) {
        return s != null && s.length() > max;
    }

    /** A user id as a dead letter may show it: its pseudonym when pseudonymising, else clipped. */
    private String shown(String userId) {
        return settings.pseudonyms().enabled() ? settings.pseudonyms().of(userId) : clip(userId);
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    static String derivedId(BehaviorEvent e) {
        String basis = e.getUserId() + '\u0000' + e.getItemId() + '\u0000' + e.getType() + '\u0000'
                + e.getTimestamp().toEpochMilli();
        return "derived-" + java.util.UUID.nameUUIDFromBytes(basis.getBytes(StandardCharsets.UTF_8));
    }
}
