package ripple.features;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import ripple.features.ItemCatalog.Influence;

/**
 * Item influence on its internal topic and in the aggregator's store: a count byte, the time the counts are
 * decayed to (epoch millis), then one float per {@link InfluenceGroup}.
 */
public final class InfluenceSerde implements Serde<Influence>, Serializer<Influence>, Deserializer<Influence> {
    @Override
    public byte[] serialize(String topic, Influence influence) {
        if (influence == null) {
            return null;
        }
        float[] counts = influence.counts();
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 * counts.length);
        b.put((byte) counts.length).putLong(influence.time());
        for (float c : counts) {
            b.putFloat(c);
        }
        return b.array();
    }

    @Override
    public Influence deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < 9 || data.length != 9 + 4 * (data[0] & 0xff)) {
            throw new SerializationException("item influence record of " + data.length + " bytes is malformed");
        }
        ByteBuffer b = ByteBuffer.wrap(data, 1, data.length - 1);
        long time = b.getLong();
        float[] counts = new float[data[0] & 0xff];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = b.getFloat();
        }
        return new Influence(counts, time);
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }

    @Override
    public Serializer<Influence> serializer() {
        return this;
    }

    @Override
    public Deserializer<Influence> deserializer() {
        return this;
    }
}
