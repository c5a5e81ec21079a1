package ripple.features;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One user touched the keyed item and {@code other} close together, at {@code time}: a unit of co-occurrence,
 * sent by the user-partitioned scorer to the by-item co-occurrence aggregator.
 */
public record CoVisit(String other, long time) {

    /** Epoch millis, then the other item's id in UTF-8. */
    public static Serde<CoVisit> serde() {
        Serializer<CoVisit> ser = (topic, v) -> {
            if (v == null) {
                return null;
            }
            byte[] id = v.other.getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(8 + id.length).putLong(v.time).put(id).array();
        };
        Deserializer<CoVisit> de = (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length < 9) {
                throw new SerializationException("co-visit record of " + data.length + " bytes is malformed");
            }
            ByteBuffer b = ByteBuffer.wrap(data);
            long time = b.getLong();
            return new CoVisit(new String(data, 8, data.length - 8, StandardCharsets.UTF_8), time);
        };
        return Serdes.serdeFrom(ser, de);
    }
}
