package ripple.features;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import ripple.features.ItemCatalog.Influence;

/**
 * Item influence on its internal topic and in the aggregator's store: a count byte, the time the counts are
 * decayed to (epoch millis), one float per {@link InfluenceGroup}; then (since the all-time count was added) the
 * all-time count and the category (a UTF-8 length-prefixed string, length -1 for none). Records without the tail,
 * written before it existed, still read: their all-time count is 0 and their category unknown.
 */
public final class InfluenceSerde implements Serde<Influence>, Serializer<Influence>, Deserializer<Influence> {
    @Override
    public byte[] serialize(String topic, Influence influence) {
        if (influence == null) {
            return null;
        }
        float[] counts = influence.counts();
        byte[] category = influence.category() == null ? null : influence.category().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 * counts.length + 4 + 2 + (category == null ? 0 : category.length));
        b.put((byte) counts.length).putLong(influence.time());
        for (float c : counts) {
            b.putFloat(c);
        }
        b.putFloat(influence.total());
        if (category == null) {
            b.putShort((short) -1);
        } else {
            b.putShort((short) category.length).put(category);
        }
        return b.array();
    }

    @Override
    public Influence deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int head = data.length < 1 ? 0 : 9 + 4 * (data[0] & 0xff);
        if (data.length < 9 || data.length < head || (data.length > head && data.length < head + 6)) {
            throw new SerializationException("item influence record of " + data.length + " bytes is malformed");
        }
        ByteBuffer b = ByteBuffer.wrap(data, 1, data.length - 1);
        long time = b.getLong();
        float[] counts = new float[data[0] & 0xff];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = b.getFloat();
        }
        if (data.length == head) {
            return new Influence(counts, time);
        }
        float total = b.getFloat();
        int length = b.getShort();
        if (length > b.remaining() || (length < 0 && length != -1) || (length >= 0 && length != b.remaining())) {
            throw new SerializationException("item influence record of " + data.length + " bytes is malformed");
        }
        String category = null;
        if (length >= 0) {
            byte[] c = new byte[length];
            b.get(c);
            category = new String(c, StandardCharsets.UTF_8);
        }
        return new Influence(counts, time, total, category);
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
