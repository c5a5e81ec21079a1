package ripple.features;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import ripple.avro.BehaviorEvent;

/**
 * What the by-item aggregations read, keyed by item: a user's event on the item (its influence counts), the item's
 * co-visits with other items (its co-occurrence), or both. The scorer sends one signal keyed by the event's item
 * with the event and the item's co-visits with the user's recent items, and one co-visit keyed by each of those
 * items: 1 + n records an event rather than 1 + 2n. All travel in one topic ({@code topics.item-signals}), so that both
 * aggregations are one sub-topology: under exactly-once each task whose cached aggregate changed sends its records, and waits for
 * them, when the transaction commits, one task after another (bench e2e).
 */
public record ItemSignal(BehaviorEvent event, List<CoVisit> coVisits) {
    /** An event alone: its tag, then the event in the events' format. */
    private static final byte EVENT = 'E';
    /** One co-visit alone: its tag, then the co-visit in {@link CoVisit#serde}'s format. */
    private static final byte CO_VISIT = 'C';
    /**
     * Anything else: its tag; the event's length (-1 without one) and the event; the number of co-visits, and each
     * one's time, id length and id (UTF-8).
     */
    private static final byte SIGNAL = 'S';

    public ItemSignal {
        coVisits = List.copyOf(coVisits);
        if (event == null && coVisits.isEmpty()) {
            throw new IllegalArgumentException("an item signal carries an event, co-visits, or both");
        }
    }

    public static ItemSignal of(BehaviorEvent event) {
        return new ItemSignal(event, List.of());
    }

    public static ItemSignal of(CoVisit coVisit) {
        return new ItemSignal(null, List.of(coVisit));
    }

    /** The shortest of the three formats that holds the signal. */
    public static Serde<ItemSignal> serde(Serde<BehaviorEvent> events) {
        Serde<CoVisit> coVisits = CoVisit.serde();
        Serializer<ItemSignal> ser = (topic, s) -> {
            if (s == null) {
                return null;
            }
            if (s.coVisits.isEmpty()) {
                return tagged(EVENT, events.serializer().serialize(topic, s.event));
            }
            if (s.event == null && s.coVisits.size() == 1) {
                return tagged(CO_VISIT, coVisits.serializer().serialize(topic, s.coVisits.get(0)));
            }
            byte[] event = s.event == null ? null : events.serializer().serialize(topic, s.event);
            List<byte[]> ids = new ArrayList<>(s.coVisits.size());
            int size = 1 + 4 + (event == null ? 0 : event.length) + 4;
            for (CoVisit c : s.coVisits) {
                byte[] id = c.other().getBytes(StandardCharsets.UTF_8);
                ids.add(id);
                size += 8 + 4 + id.length;
            }
            ByteBuffer out = ByteBuffer.allocate(size).put(SIGNAL);
            out.putInt(event == null ? -1 : event.length);
            if (event != null) {
                out.put(event);
            }
            out.putInt(ids.size());
            for (int i = 0; i < ids.size(); i++) {
                out.putLong(s.coVisits.get(i).time()).putInt(ids.get(i).length).put(ids.get(i));
            }
            return out.array();
        };
        Deserializer<ItemSignal> de = (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length < 2) {
                throw new SerializationException("item signal of " + data.length + " bytes is malformed");
            }
            return switch (data[0]) {
                case EVENT -> of(events.deserializer().deserialize(topic, Arrays.copyOfRange(data, 1, data.length)));
                case CO_VISIT -> of(coVisits.deserializer().deserialize(topic, Arrays.copyOfRange(data, 1, data.length)));
                case SIGNAL -> signal(topic, data, events.deserializer());
                default -> throw new SerializationException("item signal with unknown tag " + data[0]);
            };
        };
        return Serdes.serdeFrom(ser, de);
    }

    private static byte[] tagged(byte tag, byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = tag;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    private static ItemSignal signal(String topic, byte[] data, Deserializer<BehaviorEvent> events) {
        try {
            ByteBuffer in = ByteBuffer.wrap(data, 1, data.length - 1);
            int eventLength = in.getInt();
            BehaviorEvent event = null;
            if (eventLength >= 0) {
                byte[] body = new byte[eventLength];
                in.get(body);
                event = events.deserialize(topic, body);
            }
            int n = in.getInt();
            if (n < 0 || n > in.remaining() / 12) {
                throw new SerializationException("item signal with " + n + " co-visits in " + data.length + " bytes");
            }
            List<CoVisit> coVisits = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long time = in.getLong();
                byte[] id = new byte[in.getInt()];
                in.get(id);
                coVisits.add(new CoVisit(new String(id, StandardCharsets.UTF_8), time));
            }
            if (in.hasRemaining()) {
                throw new SerializationException("item signal with " + in.remaining() + " bytes left over");
            }
            return new ItemSignal(event, coVisits);
        } catch (BufferUnderflowException | NegativeArraySizeException | IllegalArgumentException e) {
            throw new SerializationException("item signal of " + data.length + " bytes is malformed", e);
        }
    }
}
