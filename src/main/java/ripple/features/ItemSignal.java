package ripple.features;

import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import ripple.avro.BehaviorEvent;

/**
 * What the by-item aggregations read, keyed by item: a user's event on the item (its influence counts) or a
 * co-visit of it with another item (its co-occurrence); exactly one of the two is set. Both travel in one
 * repartition topic, so that both aggregations are one sub-topology with one task per partition rather than two:
 * under exactly-once each task whose cached aggregate changed sends its records, and waits for them, when the
 * transaction commits, one task after another, and that wait was most of a commit (bench e2e).
 */
public record ItemSignal(BehaviorEvent event, CoVisit coVisit) {
    private static final byte EVENT = 'E';
    private static final byte CO_VISIT = 'C';

    public ItemSignal {
        if ((event == null) == (coVisit == null)) {
            throw new IllegalArgumentException("an item signal is an event or a co-visit, exactly one of them");
        }
    }

    public static ItemSignal of(BehaviorEvent event) {
        return new ItemSignal(event, null);
    }

    public static ItemSignal of(CoVisit coVisit) {
        return new ItemSignal(null, coVisit);
    }

    /** A tag byte ('E' or 'C'), then the event in {@code events}' format or the co-visit in {@link CoVisit#serde}'s. */
    public static Serde<ItemSignal> serde(Serde<BehaviorEvent> events) {
        Serde<CoVisit> coVisits = CoVisit.serde();
        Serializer<ItemSignal> ser = (topic, s) -> {
            if (s == null) {
                return null;
            }
            byte[] body = s.event != null ? events.serializer().serialize(topic, s.event)
                    : coVisits.serializer().serialize(topic, s.coVisit);
            byte[] out = new byte[body.length + 1];
            out[0] = s.event != null ? EVENT : CO_VISIT;
            System.arraycopy(body, 0, out, 1, body.length);
            return out;
        };
        Deserializer<ItemSignal> de = (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length < 2) {
                throw new SerializationException("item signal of " + data.length + " bytes is malformed");
            }
            byte[] body = Arrays.copyOfRange(data, 1, data.length);
            return switch (data[0]) {
                case EVENT -> of(events.deserializer().deserialize(topic, body));
                case CO_VISIT -> of(coVisits.deserializer().deserialize(topic, body));
                default -> throw new SerializationException("item signal with unknown tag " + data[0]);
            };
        };
        return Serdes.serdeFrom(ser, de);
    }
}
