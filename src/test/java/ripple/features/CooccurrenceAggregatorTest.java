package ripple.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class CooccurrenceAggregatorTest {
    private static final Decay HOUR = new Decay(Duration.ofHours(1));
    private static final long T = 1_700_000_000_000L;

    @Test
    void countsDecayAndTheWeakestGivesWayToANewcomer() {
        ItemNeighbours n = CooccurrenceAggregator.add(null, "b", T, HOUR, 2);
        n = CooccurrenceAggregator.add(n, "b", T, HOUR, 2);
        n = CooccurrenceAggregator.add(n, "c", T, HOUR, 2);
        assertThat(n.ids()).containsExactly("b", "c");
        assertThat(n.counts()).containsExactly(2f, 1f);
        assertThat(n.selfCount()).isEqualTo(3f);

        // an hour later everything is worth half; d replaces c, the weakest, and inherits its count
        n = CooccurrenceAggregator.add(n, "d", T + 3_600_000L, HOUR, 2);
        assertThat(n.ids()).containsExactly("b", "d");
        assertThat(n.counts()[0]).isCloseTo(1f, within(1e-5f));
        assertThat(n.counts()[1]).isCloseTo(1.5f, within(1e-5f));
        assertThat(n.selfCount()).isCloseTo(2.5f, within(1e-5f));
        assertThat(n.time()).isEqualTo(T + 3_600_000L);

        // a late visit counts at the newest time: decay never runs backwards
        ItemNeighbours late = CooccurrenceAggregator.add(n, "b", T, HOUR, 2);
        assertThat(late.time()).isEqualTo(T + 3_600_000L);
        assertThat(late.counts()[0]).isCloseTo(2f, within(1e-5f));
    }

    @Test
    void bestKeepsTheLargestCountsInOrder() {
        ItemNeighbours all = new ItemNeighbours(T, 9f, new String[] {"x", "y", "z", "w"}, new float[] {1f, 3f, 2f, 3f});
        ItemNeighbours best = CooccurrenceAggregator.best(all, 3);
        assertThat(best.ids()).containsExactly("w", "y", "z");
        assertThat(best.counts()).containsExactly(3f, 3f, 2f);
        assertThat(best.selfCount()).isEqualTo(9f);
    }

    @Test
    void neighboursRoundTripAndMalformedBytesAreRefused() {
        ItemNeighboursSerde serde = new ItemNeighboursSerde();
        ItemNeighbours n = new ItemNeighbours(T, 4.5f, new String[] {"商品-1", "b"}, new float[] {2f, 0.5f});
        ItemNeighbours back = serde.deserialize("t", serde.serialize("t", n));
        assertThat(back.time()).isEqualTo(T);
        assertThat(back.selfCount()).isEqualTo(4.5f);
        assertThat(back.ids()).containsExactly("商品-1", "b");
        assertThat(back.counts()).containsExactly(2f, 0.5f);
        byte[] bytes = serde.serialize("t", n);
        // the layout as written with String.getBytes, odd characters included, reads back decoded in place
        String[] ids = {"商品-1", "b", "item-\uD83D\uDE00", "bad-\uD800"};
        ItemNeighbours wide = new ItemNeighbours(T, 4.5f, ids, new float[] {2f, 0.5f, 1f, 3f});
        assertThat(serde.serialize("t", wide)).isEqualTo(getBytesLayout(wide));
        assertThat(serde.deserialize("t", getBytesLayout(wide)).ids())
                .containsExactly("商品-1", "b", "item-\uD83D\uDE00", "bad-?");
        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(bytes, cut);
            assertThatThrownBy(() -> serde.deserialize("t", truncated)).as("cut at %d", cut)
                    .isInstanceOf(SerializationException.class);
        }
    }

    /** The neighbours record's layout, written independently of the codec, with String.getBytes per id. */
    private static byte[] getBytesLayout(ItemNeighbours n) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream data = new java.io.DataOutputStream(out);
        try {
            data.writeByte(1);
            data.writeLong(n.time());
            data.writeFloat(n.selfCount());
            data.writeShort(n.size());
            for (int i = 0; i < n.size(); i++) {
                byte[] id = n.ids()[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
                data.writeShort(id.length);
                data.write(id);
                data.writeFloat(n.counts()[i]);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Test
    void influenceKeepsItsAllTimeCountAndCategoryAndReadsTheOlderFormat() {
        InfluenceSerde serde = new InfluenceSerde();
        ItemCatalog.Influence inf = new ItemCatalog.Influence(new float[] {1f, 2f, 0f, 0f, 3f}, T, 17f, "鞋");
        ItemCatalog.Influence back = serde.deserialize("t", serde.serialize("t", inf));
        assertThat(back.counts()).containsExactly(1f, 2f, 0f, 0f, 3f);
        assertThat(back.total()).isEqualTo(17f);
        assertThat(back.category()).isEqualTo("鞋");
        assertThat(back.decayedTotal()).isEqualTo(6f);
        // Written before the all-time count existed: a count byte, the time, the counts.
        java.nio.ByteBuffer old = java.nio.ByteBuffer.allocate(1 + 8 + 4 * 5).put((byte) 5).putLong(T);
        for (int i = 0; i < 5; i++) {
            old.putFloat(i);
        }
        ItemCatalog.Influence migrated = serde.deserialize("t", old.array());
        assertThat(migrated.counts()).containsExactly(0f, 1f, 2f, 3f, 4f);
        assertThat(migrated.total()).isZero();
        assertThat(migrated.category()).isNull();
        byte[] bytes = serde.serialize("t", inf);
        assertThatThrownBy(() -> serde.deserialize("t", java.util.Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(SerializationException.class);
    }
}
