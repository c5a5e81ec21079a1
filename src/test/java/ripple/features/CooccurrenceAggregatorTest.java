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

    private static final ItemNeighboursSerde SERDE = new ItemNeighboursSerde();

    private static ItemNeighbours add(ItemNeighbours old, String other, long at, int keep) {
        return SERDE.deserialize(null,
                CooccurrenceAggregator.add(old == null ? null : SERDE.serialize(null, old), other, at, HOUR, keep));
    }

    @Test
    void countsDecayAndTheWeakestGivesWayToANewcomer() {
        ItemNeighbours n = add(null, "b", T, 2);
        n = add(n, "b", T, 2);
        n = add(n, "c", T, 2);
        assertThat(n.ids()).containsExactly("b", "c");
        assertThat(n.counts()).containsExactly(2f, 1f);
        assertThat(n.selfCount()).isEqualTo(3f);

        // an hour later everything is worth half; d replaces c, the weakest, and inherits its count
        n = add(n, "d", T + 3_600_000L, 2);
        assertThat(n.ids()).containsExactly("b", "d");
        assertThat(n.counts()[0]).isCloseTo(1f, within(1e-5f));
        assertThat(n.counts()[1]).isCloseTo(1.5f, within(1e-5f));
        assertThat(n.selfCount()).isCloseTo(2.5f, within(1e-5f));
        assertThat(n.time()).isEqualTo(T + 3_600_000L);

        // a late visit counts at the newest time: decay never runs backwards
        ItemNeighbours late = add(n, "b", T, 2);
        assertThat(late.time()).isEqualTo(T + 3_600_000L);
        assertThat(late.counts()[0]).isCloseTo(2f, within(1e-5f));
    }

    /**
     * The aggregate on its bytes gives, to the bit, what decoding it, counting on strings and arrays (as it did
     * before it worked on bytes, kept here as the reference) and encoding again gives: ids of other lengths than the
     * one they evict, multi-byte ids, late visits and long gaps included.
     */
    @Test
    void countingOnTheBytesMatchesCountingOnDecodedNeighbours() {
        String[] pool = {"a", "item-17", "商品-3", "b", "item-\uD83D\uDE00", "ccccccccccccccc", "d", "鞋", "e", "item-2"};
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        for (int run = 0; run < 200; run++) {
            int keep = 1 + r.nextInt(6);
            ItemNeighbours expected = null;
            byte[] bytes = null;
            long t = T;
            for (int visit = 0; visit < 60; visit++) {
                t += r.nextInt(4) == 0 ? -r.nextLong(600_000) : r.nextLong(1_800_000);
                String other = pool[r.nextInt(pool.length)];
                expected = reference(expected, other, t, keep);
                bytes = CooccurrenceAggregator.add(bytes, other, t, HOUR, keep);
                assertThat(bytes).as("run %d, visit %d, keep %d", run, visit, keep)
                        .isEqualTo(SERDE.serialize(null, expected));
            }
        }
    }

    @Test
    void countingOnMalformedBytesIsRefused() {
        byte[] bytes = CooccurrenceAggregator.add(CooccurrenceAggregator.add(null, "b", T, HOUR, 4), "c", T, HOUR, 4);
        for (int cut = 1; cut < bytes.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(bytes, cut);
            assertThatThrownBy(() -> CooccurrenceAggregator.add(truncated, "d", T, HOUR, 4)).as("cut at %d", cut)
                    .isInstanceOf(SerializationException.class);
        }
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> CooccurrenceAggregator.add(longer, "d", T, HOUR, 4))
                .isInstanceOf(SerializationException.class).hasMessageContaining("trailing");
        byte[] future = bytes.clone();
        future[0] = 2;
        assertThatThrownBy(() -> CooccurrenceAggregator.add(future, "d", T, HOUR, 4))
                .isInstanceOf(SerializationException.class).hasMessageContaining("version 2");
    }

    /** The count on decoded neighbours: decay every count, then one more for other, evicting the weakest. */
    private static ItemNeighbours reference(ItemNeighbours old, String other, long at, int keep) {
        if (old == null) {
            return new ItemNeighbours(at, 1f, new String[] {other}, new float[] {1f});
        }
        long time = Math.max(old.time(), at);
        float f = (float) HOUR.factor(old.time(), time);
        int n = old.size();
        int found = -1;
        int weakest = 0;
        float[] counts = new float[n];
        for (int i = 0; i < n; i++) {
            counts[i] = old.counts()[i] * f;
            if (old.ids()[i].equals(other)) {
                found = i;
            }
            if (counts[i] < counts[weakest]) {
                weakest = i;
            }
        }
        String[] ids = old.ids().clone();
        if (found >= 0) {
            counts[found] += 1f;
        } else if (n < keep) {
            ids = java.util.Arrays.copyOf(ids, n + 1);
            counts = java.util.Arrays.copyOf(counts, n + 1);
            ids[n] = other;
            counts[n] = 1f;
        } else {
            ids[weakest] = other;
            counts[weakest] += 1f;
        }
        return new ItemNeighbours(time, old.selfCount() * f + 1f, ids, counts);
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
