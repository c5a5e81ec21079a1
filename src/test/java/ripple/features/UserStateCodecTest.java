package ripple.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import ripple.avro.BehaviorType;
import ripple.features.UserHistory.CategoryAffinity;
import ripple.features.UserHistory.RecentItem;

class UserStateCodecTest {
    private static final int TEXT_DIMS = 8;
    private static final long T0 = 1_780_000_000_000L;

    @Test
    void aPopulatedStateComesBackFieldForField() {
        UserState state = populated();

        UserState back = UserState.decode(state.encode());

        assertSameState(back, state);
        assertThat(back.encode()).isEqualTo(state.encode());
    }

    @Test
    void writesVersion3() {
        assertThat(populated().encode()[0]).isEqualTo((byte) 3);
    }

    @Test
    void idsOutsideAsciiAreStoredAsUtf8() {
        UserState state = UserState.startingFrom(new float[4], 2, 0);
        // Latin-1, CJK, a supplementary character and a lone surrogate (which UTF-8 writes as '?', like getBytes).
        List<String> ids = List.of("café", "商品-7", "item-\uD83D\uDE00", "bad-\uD800");
        state.lastTopK().replace(ids, T0);

        byte[] bytes = state.encode();
        UserState back = UserState.decode(bytes);

        assertThat(back.lastTopK().ids).containsExactly("café", "商品-7", "item-\uD83D\uDE00", "bad-?");
        for (String id : ids) {
            assertThat(UserStateCodec.utf8Length(id)).isEqualTo(id.getBytes(StandardCharsets.UTF_8).length);
        }
        assertThat(bytes).hasSize(expectedSize(state));
    }

    @Test
    void readsVersion2WrittenByDataOutputStream() throws IOException {
        UserState state = populated();

        UserState back = UserState.decode(dataOutputLayout(state, 2));

        assertSameState(back, state);
    }

    @Test
    void readsVersion1WithPerItemTypeCountsAtZero() throws IOException {
        UserState state = populated();
        byte[] version1 = dataOutputLayout(state, 1);
        for (RecentItem r : state.history().recentItems) {
            Arrays.fill(r.typeCounts, 0f);
        }

        UserState back = UserState.decode(version1);

        assertSameState(back, state);
        assertThat(back.history().recentItems).allSatisfy(r -> assertThat(r.typeCounts).hasSize(InfluenceGroup.COUNT));
    }

    @Test
    void aMigratedStateIsWrittenBackAsVersion3() throws IOException {
        UserState state = populated();

        byte[] rewritten = UserState.decode(dataOutputLayout(state, 2)).encode();

        assertThat(rewritten[0]).isEqualTo((byte) 3);
        assertThat(rewritten).isEqualTo(state.encode());
    }

    @Test
    void anUnknownVersionIsCorrupt() {
        byte[] bytes = populated().encode();
        for (byte version : new byte[] {0, 4, 99, -1}) {
            bytes[0] = version;
            assertThatThrownBy(() -> UserState.decode(bytes))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("corrupt user state")
                    .hasMessageContaining("unknown version " + version);
        }
    }

    @Test
    void everyTruncationIsCorrupt() throws IOException {
        UserState state = populated();
        for (byte[] valid : List.of(state.encode(), dataOutputLayout(state, 2), dataOutputLayout(state, 1))) {
            for (int n = 0; n < valid.length; n++) {
                byte[] truncated = Arrays.copyOf(valid, n);
                assertThatThrownBy(() -> UserState.decode(truncated))
                        .as("truncated to %d of %d bytes (version %d)", n, valid.length, valid[0])
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith("corrupt user state");
            }
        }
    }

    @Test
    void bytesAfterTheEndAreCorrupt() {
        byte[] valid = populated().encode();
        byte[] longer = Arrays.copyOf(valid, valid.length + 1);

        assertThatThrownBy(() -> UserState.decode(longer))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("corrupt user state");
    }

    @Test
    void theEncodingIsAsLongAsTheComputedSize() {
        UserState empty = UserState.startingFrom(new float[3], 2, 0);
        UserState full = populated();

        assertThat(empty.encode()).hasSize(UserStateCodec.encodedSize(empty)).hasSize(expectedSize(empty));
        assertThat(full.encode()).hasSize(UserStateCodec.encodedSize(full)).hasSize(expectedSize(full));
    }

    @Test
    void aCountTooLargeForItsFieldIsRefusedRatherThanWrapped() {
        UserState state = UserState.startingFrom(new float[3], 2, 0);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            ids.add("item-" + i);
        }
        state.lastTopK().replace(ids, T0);

        assertThatThrownBy(state::encode).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("top-K");
    }

    /** Several recent items with per-type counts and dwell, categories (one without dwell), moments and a top-K. */
    private static UserState populated() {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] w = random(rnd, 20);
        UserState state = UserState.startingFrom(w, TEXT_DIMS, 77);
        Decay decay = new Decay(Duration.ofHours(6));
        BehaviorType[] types = BehaviorType.values();
        for (int i = 0; i < 30; i++) {
            Float dwell = i % 4 == 0 ? null : (float) rnd.nextDouble(100, 30_000);
            String category = i % 7 == 6 ? null : "cat-" + i % 5;
            state.history().observe("item-" + rnd.nextInt(12), category, types[i % types.length], T0 + i * 60_000L,
                    dwell, 0.7f, random(rnd, TEXT_DIMS), decay, 6, 4);
        }
        state.history().observe("item-no-dwell", "cat-quiet", BehaviorType.CLICK, T0 + 31 * 60_000L, null, 1f,
                null, decay, 6, 4);
        UserWeights learned = state.weights();
        System.arraycopy(random(rnd, w.length), 0, learned.moment1, 0, w.length);
        System.arraycopy(random(rnd, w.length), 0, learned.moment2, 0, w.length);
        learned.step = 31;
        state.lastTopK().replace(List.of("item-3", "item-9", "item-1"), T0 + 30 * 60_000L);

        assertThat(state.history().recentItems).hasSizeGreaterThanOrEqualTo(4);
        assertThat(state.history().categories).hasSizeGreaterThanOrEqualTo(3);
        assertThat(state.history().recentItems).anySatisfy(r -> assertThat(r.dwellCount).isPositive());
        assertThat(state.history().recentItems)
                .anySatisfy(r -> assertThat(r.typeCounts).satisfies(c -> assertThat(sum(c)).isGreaterThan(1f)));
        return state;
    }

    /** Versions 1 and 2 as UserState.encode wrote them with DataOutputStream (version 1 lacks per-item counts). */
    private static byte[] dataOutputLayout(UserState state, int version) throws IOException {
        UserWeights w = state.weights();
        UserHistory h = state.history();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(version);
            out.writeLong(w.step);
            out.writeLong(h.lastTime);
            out.writeInt(w.textFingerprint);
            out.writeShort(w.weights.length);
            writeFloats(out, w.weights);
            writeFloats(out, w.moment1);
            writeFloats(out, w.moment2);
            out.writeShort(h.textProfile.length);
            writeFloats(out, h.textProfile);
            out.writeByte(h.typeCounts.length);
            writeFloats(out, h.typeCounts);
            out.writeFloat(h.dwellScaler.min());
            out.writeFloat(h.dwellScaler.max());
            out.writeByte(h.recentItems.size());
            for (RecentItem r : h.recentItems) {
                out.writeUTF(r.itemId);
                out.writeLong(r.lastTime);
                out.writeInt(r.count);
                out.writeFloat(r.dwellSum);
                out.writeInt(r.dwellCount);
                if (version >= 2) {
                    writeFloats(out, r.typeCounts);
                }
            }
            out.writeByte(h.categories.size());
            for (CategoryAffinity c : h.categories) {
                out.writeUTF(c.category);
                out.writeFloat(c.score);
                out.writeFloat(c.dwellSum);
                out.writeInt(c.dwellCount);
            }
            out.writeByte(state.lastTopK().ids.size());
            for (String id : state.lastTopK().ids) {
                out.writeUTF(id);
            }
            out.writeLong(state.lastTopK().time);
        }
        return bytes.toByteArray();
    }

    /** Version 3's length, added up from its layout independently of the codec. */
    private static int expectedSize(UserState state) {
        UserWeights w = state.weights();
        UserHistory h = state.history();
        int size = 1 + 8 + 4 + 2 + 3 * 4 * w.weights.length;
        size += 8 + 2 + 4 * h.textProfile.length + 1 + 4 * h.typeCounts.length + 4 + 4 + 1;
        size += 1;
        for (RecentItem r : h.recentItems) {
            size += string(r.itemId) + 8 + 4 + 4 + 4 + 4 * InfluenceGroup.COUNT;
        }
        size += 1;
        for (CategoryAffinity c : h.categories) {
            size += string(c.category) + 4 + 4 + 4;
        }
        size += 1;
        for (String id : state.lastTopK().ids) {
            size += string(id);
        }
        return size + 8;
    }

    private static int string(String s) {
        return 2 + s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static void assertSameState(UserState actual, UserState expected) {
        UserWeights aw = actual.weights();
        UserWeights ew = expected.weights();
        assertThat(aw.weights).containsExactly(ew.weights);
        assertThat(aw.moment1).containsExactly(ew.moment1);
        assertThat(aw.moment2).containsExactly(ew.moment2);
        assertThat(aw.step).isEqualTo(ew.step);
        assertThat(aw.textFingerprint).isEqualTo(ew.textFingerprint);

        UserHistory ah = actual.history();
        UserHistory eh = expected.history();
        assertThat(ah.lastTime).isEqualTo(eh.lastTime);
        assertThat(ah.textProfile).containsExactly(eh.textProfile);
        assertThat(ah.typeCounts).containsExactly(eh.typeCounts);
        assertThat(ah.dwellScaler.min()).isEqualTo(eh.dwellScaler.min());
        assertThat(ah.dwellScaler.max()).isEqualTo(eh.dwellScaler.max());
        assertThat(ah.recentItems).hasSameSizeAs(eh.recentItems);
        for (int i = 0; i < eh.recentItems.size(); i++) {
            RecentItem a = ah.recentItems.get(i);
            RecentItem e = eh.recentItems.get(i);
            assertThat(a.itemId).isEqualTo(e.itemId);
            assertThat(a.lastTime).isEqualTo(e.lastTime);
            assertThat(a.count).isEqualTo(e.count);
            assertThat(a.dwellSum).isEqualTo(e.dwellSum);
            assertThat(a.dwellCount).isEqualTo(e.dwellCount);
            assertThat(a.typeCounts).containsExactly(e.typeCounts);
        }
        assertThat(ah.categories).hasSameSizeAs(eh.categories);
        for (int i = 0; i < eh.categories.size(); i++) {
            CategoryAffinity a = ah.categories.get(i);
            CategoryAffinity e = eh.categories.get(i);
            assertThat(a.category).isEqualTo(e.category);
            assertThat(a.score).isEqualTo(e.score);
            assertThat(a.dwellSum).isEqualTo(e.dwellSum);
            assertThat(a.dwellCount).isEqualTo(e.dwellCount);
        }

        assertThat(actual.lastTopK().ids).isEqualTo(expected.lastTopK().ids);
        assertThat(actual.lastTopK().time).isEqualTo(expected.lastTopK().time);
    }

    private static void writeFloats(DataOutputStream out, float[] values) throws IOException {
        for (float v : values) {
            out.writeFloat(v);
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextDouble(-1, 1);
        }
        return v;
    }

    private static float sum(float[] values) {
        float s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }
}
