package ripple.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
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
    /** Per-type counts over all items, as versions 1 to 3 stored them; version 4 drops them. */
    private static final float[] OLD_TYPE_COUNTS = {1.5f, 0f, 2.25f, 0f, 0f, 0.5f, 0f, 0f, 3f};

    @Test
    void aPopulatedStateComesBackWithOnlyTheHalfFieldsRounded() {
        UserState state = populated();

        byte[] bytes = state.encode();
        UserState back = UserState.decode(bytes);

        assertSameState(back, state, true);
        assertThat(back.encode()).as("a decoded state is written back to the same bytes").isEqualTo(bytes);
    }

    @Test
    void writesVersion5() {
        assertThat(populated().encode()[0]).isEqualTo((byte) 5);
    }

    @Test
    void catalogueHintsComeBack() {
        UserState state = populated();
        UserHistory h = state.history();
        h.hintedCatalogue = -8_123_456_789L;
        for (int i = 0; i < h.recentItems.size(); i++) {
            h.recentItems.get(i).catalogueIndex = i == 1 ? -1 : 1_000_000 * i + 7; // one item the catalogue lacked
        }
        for (int i = 0; i < h.categories.size(); i++) {
            h.categories.get(i).canonicalId = i;
        }

        byte[] bytes = state.encode();
        UserState back = UserState.decode(bytes);

        assertSameState(back, state, true);
        assertThat(back.history().recentItems.get(2).catalogueIndex).isEqualTo(2_000_007);
        assertThat(back.encode()).isEqualTo(bytes);
        // their catalogue, then 1 to 3 bytes a hint
        int hints = h.recentItems.size() + h.categories.size();
        assertThat(bytes.length - populated().encode().length).isBetween(Long.BYTES + hints, Long.BYTES + 3 * hints);
    }

    @Test
    void readsVersion4WithoutHints() {
        UserState state = populated();
        byte[] version5 = state.encode();
        // version 4 is version 5 without hints (flag 4)
        byte[] version4 = version5.clone();
        version4[0] = 4;

        UserState back = UserState.decode(version4);

        assertSameState(back, state, true);
        assertThat(back.history().hintedCatalogue).isZero();
        assertThat(back.encode()).as("written back as version 5").isEqualTo(version5);
    }

    @Test
    void hintsInVersion4AreCorrupt() {
        UserState state = populated();
        state.history().hintedCatalogue = 1;
        byte[] bytes = state.encode();
        bytes[0] = 4;

        assertThatThrownBy(() -> UserState.decode(bytes))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("catalogue hints in version 4");
    }

    @Test
    void aHintOutOfRangeIsCorrupt() {
        UserState state = populated();
        state.history().hintedCatalogue = 1;
        byte[] bytes = state.encode();
        // the last category's hint (0, one byte) replaced by 2^31 + 1, five bytes: as an int, out of range
        byte[] lying = Arrays.copyOf(bytes, bytes.length + 4);
        int at = bytes.length - 1;
        byte[] big = {(byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
        System.arraycopy(big, 0, lying, at, big.length);

        assertThatThrownBy(() -> UserState.decode(lying))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("corrupt user state")
                .hasMessageContaining("catalogue hint");
    }

    @Test
    void anAdaGradUsersOwnPartIsStoredAsHalfAndMoment1LeftOut() {
        UserState adam = populated();
        UserState adaGrad = populated();
        Arrays.fill(adaGrad.weights().moment1, 0f);

        UserState back = UserState.decode(adaGrad.encode());

        assertThat(back.weights().weights).containsExactly(halves(adaGrad.weights().weights));
        assertThat(back.weights().weights).isNotEqualTo(adaGrad.weights().weights);
        assertThat(back.weights().moment1).containsOnly(0f).hasSameSizeAs(adaGrad.weights().weights);
        assertThat(back.weights().moment2).containsExactly(halves(adaGrad.weights().moment2));
        assertThat(back.weights().moment2).isNotEqualTo(adaGrad.weights().moment2);
        int k = adaGrad.weights().weights.length;
        // weights and moment2 at 2 bytes instead of 4, and no moment1 (its length and kind, 2 bytes, too)
        assertThat(adaGrad.encode().length).isEqualTo(adam.encode().length - 2 * k - 4 * k - 2 * k - 2);
        assertThat(back.encode()).as("stored again unchanged").isEqualTo(adaGrad.encode());
    }

    @Test
    void theDefaultPullTowardsThePriorSurvivesFloat16Storage() {
        // The scorer's default learner on a user's own part (AdaGrad, rate 0.3, user-shrink 0.01), decoded and
        // stored again every event as the scorer does: with no gradient the part must still decay as 0.997^n,
        // not stick where a float16 rounding step exceeds the change.
        ripple.scoring.OnlineLearner learner =
                new ripple.scoring.OnlineLearner(ripple.scoring.Optimizer.ADAGRAD, 0.3, 1e-4);
        float[] start = {0.8f, -0.37f, 0.05f, 1e-3f};
        UserState state = UserState.startingFrom(start, 0, 0);
        int events = 500;
        for (int i = 0; i < events; i++) {
            UserWeights w = state.weights();
            learner.apply(w.weights, w.moment1, w.moment2, w.step, new double[start.length], 0.01);
            state = UserState.decode(state.encode());
        }
        double keep = Math.pow((1 - 0.3 * 1e-4) * (1 - 0.3 * 0.01), events);
        for (int i = 0; i < start.length; i++) {
            assertThat((double) state.weights().weights[i]).as("weight %d", i)
                    .isCloseTo(start[i] * keep, org.assertj.core.data.Percentage.withPercentage(2));
        }
    }

    @Test
    void thePriorKeepsItsWeightsAndOptimiserStateInFull() {
        UserState prior = populated();
        Arrays.fill(prior.weights().moment1, 0f);
        prior.weights().storeExactly();

        UserState back = UserState.decode(prior.encode());

        assertThat(back.weights().weights).containsExactly(prior.weights().weights);
        assertThat(back.weights().moment2).containsExactly(prior.weights().moment2);
        assertThat(back.encode()).isEqualTo(prior.encode());
    }

    @Test
    void zeroWeightsAreStoredSparsely() {
        UserState dense = populated();
        UserState sparse = populated();
        // As for a catalogue without text: the user's text weights and their moments never move.
        for (float[] v : List.of(sparse.weights().weights, sparse.weights().moment1, sparse.weights().moment2)) {
            Arrays.fill(v, 0, TEXT_DIMS + 4, 0f);
        }

        UserState back = UserState.decode(sparse.encode());

        assertSameState(back, sparse, true);
        assertThat(back.weights().weights).startsWith(new float[TEXT_DIMS + 4]);
        assertThat(sparse.encode().length).isLessThan(dense.encode().length - 3 * 4 * TEXT_DIMS);
    }

    @Test
    void aNewUserIsSmall() {
        UserState fresh = UserState.startingFrom(new float[93], 64, 5);

        byte[] bytes = fresh.encode();

        assertThat(bytes.length).isLessThan(64);
        assertSameState(UserState.decode(bytes), fresh, false);
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
    }

    @Test
    void readsVersion3() {
        UserState state = populated();

        UserState back = UserState.decode(version3Layout(state));

        assertSameState(back, state, false);
    }

    @Test
    void readsVersion2WrittenByDataOutputStream() throws IOException {
        UserState state = populated();

        UserState back = UserState.decode(dataOutputLayout(state, 2));

        assertSameState(back, state, false);
    }

    @Test
    void readsVersion1WithPerItemTypeCountsAtZero() throws IOException {
        UserState state = populated();
        byte[] version1 = dataOutputLayout(state, 1);
        for (RecentItem r : state.history().recentItems) {
            Arrays.fill(r.typeCounts, 0f);
        }

        UserState back = UserState.decode(version1);

        assertSameState(back, state, false);
        assertThat(back.history().recentItems).allSatisfy(r -> assertThat(r.typeCounts).hasSize(InfluenceGroup.COUNT));
    }

    @Test
    void aMigratedStateIsWrittenBackAsVersion5() throws IOException {
        UserState state = populated();
        for (byte[] old : List.of(version3Layout(state), dataOutputLayout(state, 2))) {
            byte[] rewritten = UserState.decode(old).encode();

            assertThat(rewritten[0]).isEqualTo((byte) 5);
            assertThat(rewritten).isEqualTo(state.encode());
        }
    }

    @Test
    void version4IsAtMostHalfOfVersion3ForAPopulatedAdaGradUser() {
        UserState state = populated();
        Arrays.fill(state.weights().moment1, 0f);

        assertThat(state.encode().length * 2).isLessThanOrEqualTo(version3Layout(state).length);
    }

    @Test
    void anUnknownVersionIsCorrupt() {
        byte[] bytes = populated().encode();
        for (byte version : new byte[] {0, 6, 99, -1}) {
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
        Arrays.fill(state.weights().moment1, 0f); // the AdaGrad form too
        for (byte[] valid : List.of(populated().encode(), state.encode(), version3Layout(state),
                dataOutputLayout(state, 2), dataOutputLayout(state, 1))) {
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
    void aCountThatOverrunsTheRecordIsCorruptRatherThanAllocated() {
        UserState state = UserState.startingFrom(new float[3], 2, 0);
        byte[] bytes = state.encode();
        // version, flags, step 0, fingerprint: then the weights' length, here made 2^28 - 1
        byte[] lying = new byte[bytes.length + 3];
        System.arraycopy(bytes, 0, lying, 0, 7);
        lying[7] = (byte) 0xFF;
        lying[8] = (byte) 0xFF;
        lying[9] = (byte) 0xFF;
        lying[10] = 0x7F;
        System.arraycopy(bytes, 8, lying, 11, bytes.length - 8);

        assertThatThrownBy(() -> UserState.decode(lying))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("corrupt user state");
    }

    @Test
    void theWidestFieldsFitTheBound() {
        UserState state = populated();
        UserWeights w = state.weights();
        w.step = Long.MAX_VALUE;
        w.textFingerprint = -1;
        Arrays.fill(w.weights, -Float.MAX_VALUE);
        UserHistory h = state.history();
        h.lastTime = Long.MAX_VALUE;
        h.hintedCatalogue = Long.MIN_VALUE;
        for (RecentItem r : h.recentItems) {
            r.lastTime = Long.MIN_VALUE;
            r.count = Integer.MAX_VALUE;
            r.catalogueIndex = Integer.MAX_VALUE - 1;
        }
        for (CategoryAffinity c : h.categories) {
            c.canonicalId = Integer.MAX_VALUE - 1;
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add("商品-" + i); // more than a u8 count held in version 3, and three bytes a character
        }
        state.lastTopK().replace(ids, Long.MIN_VALUE);

        byte[] bytes = state.encode();
        UserState back = UserState.decode(bytes);

        assertThat(bytes.length).isLessThanOrEqualTo(UserStateCodec.maxEncodedSize(state));
        assertSameState(back, state, true);
    }

    @Test
    void aStringTooLongForItsFieldIsRefused() {
        UserState state = UserState.startingFrom(new float[3], 2, 0);
        state.lastTopK().replace(List.of("x".repeat(0x10000)), T0);

        assertThatThrownBy(state::encode).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("string");
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
            out.writeByte(OLD_TYPE_COUNTS.length);
            writeFloats(out, OLD_TYPE_COUNTS);
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

    /** Version 3 as UserStateCodec wrote it before version 4 (fixed widths, per-type counts over all items). */
    private static byte[] version3Layout(UserState state) {
        UserWeights w = state.weights();
        UserHistory h = state.history();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        buf.put((byte) 3).putLong(w.step).putInt(w.textFingerprint).putShort((short) w.weights.length);
        putFloats(buf, w.weights);
        putFloats(buf, w.moment1);
        putFloats(buf, w.moment2);
        buf.putLong(h.lastTime).putShort((short) h.textProfile.length);
        putFloats(buf, h.textProfile);
        buf.put((byte) OLD_TYPE_COUNTS.length);
        putFloats(buf, OLD_TYPE_COUNTS);
        buf.putFloat(h.dwellScaler.min()).putFloat(h.dwellScaler.max()).put((byte) InfluenceGroup.COUNT);
        buf.put((byte) h.recentItems.size());
        for (RecentItem r : h.recentItems) {
            putString(buf, r.itemId);
            buf.putLong(r.lastTime).putInt(r.count).putFloat(r.dwellSum).putInt(r.dwellCount);
            putFloats(buf, r.typeCounts);
        }
        buf.put((byte) h.categories.size());
        for (CategoryAffinity c : h.categories) {
            putString(buf, c.category);
            buf.putFloat(c.score).putFloat(c.dwellSum).putInt(c.dwellCount);
        }
        buf.put((byte) state.lastTopK().ids.size());
        for (String id : state.lastTopK().ids) {
            putString(buf, id);
        }
        buf.putLong(state.lastTopK().time);
        return Arrays.copyOf(buf.array(), buf.position());
    }

    private static void putFloats(ByteBuffer buf, float[] values) {
        for (float v : values) {
            buf.putFloat(v);
        }
    }

    private static void putString(ByteBuffer buf, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        buf.putShort((short) utf8.length).put(utf8);
    }

    /** The expected values of the float16 fields when {@code half}, the exact ones otherwise. */
    private static float[] maybeHalves(float[] values, boolean half) {
        return half ? halves(values) : values;
    }

    private static float[] halves(float[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Half.round(values[i]);
        }
        return out;
    }

    /** {@code half}: the fields version 4 stores as float16 compared after rounding (weights and moments of this Adam-like state never are). */
    private static void assertSameState(UserState actual, UserState expected, boolean half) {
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
        assertThat(ah.hintedCatalogue).isEqualTo(eh.hintedCatalogue);
        assertThat(ah.textProfile).containsExactly(maybeHalves(eh.textProfile, half));
        // as bits: NaN before any dwell
        assertThat(Float.floatToIntBits(ah.dwellScaler.min())).isEqualTo(Float.floatToIntBits(eh.dwellScaler.min()));
        assertThat(Float.floatToIntBits(ah.dwellScaler.max())).isEqualTo(Float.floatToIntBits(eh.dwellScaler.max()));
        assertThat(ah.recentItems).hasSameSizeAs(eh.recentItems);
        for (int i = 0; i < eh.recentItems.size(); i++) {
            RecentItem a = ah.recentItems.get(i);
            RecentItem e = eh.recentItems.get(i);
            assertThat(a.itemId).isEqualTo(e.itemId);
            assertThat(a.lastTime).isEqualTo(e.lastTime);
            assertThat(a.count).isEqualTo(e.count);
            assertThat(a.dwellSum).isEqualTo(e.dwellSum);
            assertThat(a.dwellCount).isEqualTo(e.dwellCount);
            assertThat(a.typeCounts).containsExactly(maybeHalves(e.typeCounts, half));
            assertThat(a.catalogueIndex).isEqualTo(e.catalogueIndex);
        }
        assertThat(ah.categories).hasSameSizeAs(eh.categories);
        for (int i = 0; i < eh.categories.size(); i++) {
            CategoryAffinity a = ah.categories.get(i);
            CategoryAffinity e = eh.categories.get(i);
            assertThat(a.category).isEqualTo(e.category);
            assertThat(a.score).isEqualTo(half ? Half.round(e.score) : e.score);
            assertThat(a.dwellSum).isEqualTo(e.dwellSum);
            assertThat(a.dwellCount).isEqualTo(e.dwellCount);
            assertThat(a.canonicalId).isEqualTo(e.canonicalId);
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
