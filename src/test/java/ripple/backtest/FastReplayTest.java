package ripple.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.config.RippleConfig;

/**
 * The fast replay (stores in memory, Ripple's rank taken from the scorer's own view) gives the same figures as the
 * slow reference path (RocksDB stores with changelogs, Ripple ranked again by a probe before each event), event by
 * event, on a fixed input with repeats, categories, co-visits, a duplicate and several behaviour types.
 */
class FastReplayTest {
    @TempDir
    Path dir;

    @Test
    void theFastReplayChangesNoFigure() {
        ReplayInput input = input(1500);
        Replay.Result fast = replay(input, Set.of(), false);
        compare(fast, replay(input, Set.of(), true));
        // the churn is measured on the same events both ways (compare), and on about the share it should be
        double measured = fast.churns.values().stream().mapToDouble(m -> m[0]).sum();
        double moved = fast.churns.values().stream().mapToDouble(m -> m[1]).sum();
        // one event in 16 of about 1,500 accepted
        assertThat(measured).as("events measured").isBetween(fast.accepted / 16.0 * 0.6, fast.accepted / 16.0 * 1.4);
        assertThat(moved / measured).as("mean churn: events move the lists, not all of them").isBetween(0.01, 0.99);
    }

    @Test
    void withheldEventsAreRankedTheSameWay() {
        ReplayInput input = input(600);
        Replay.Result fast = replay(input, Set.of(BehaviorType.CART), false);
        compare(fast, replay(input, Set.of(BehaviorType.CART), true));
        assertThat(fast.accepted).as("carts withheld, the rest piped").isLessThan(fast.count);
    }

    @Test
    void anAblationReplayWithoutTopKChangesNoFigure() {
        // without baselines (an ablation), the fast replay ranks no top-K after each event; the driver path does
        ReplayInput input = input(1500);
        compare(ablation(input).run(), ablation(input).reference().run());
    }

    private Replay ablation(ReplayInput input) {
        return new Replay("ripple", RippleConfig.defaultConfig(), false, Set.of(), input, ReplayOptions.defaults(),
                dir.resolve("ablation-" + System.nanoTime()), new AtomicLong());
    }

    @Test
    void theBaselinesOwnThreadChangesNoFigure() {
        ReplayInput input = input(1500);
        Replay inline = new Replay("ripple", RippleConfig.defaultConfig(), true, Set.of(), input,
                ReplayOptions.defaults(), dir.resolve("inline"), new AtomicLong()).inlineBaselines();
        compare(replay(input, Set.of(), false), inline.run());
    }

    private static void compare(Replay.Result fast, Replay.Result slow) {
        assertThat(fast.count).as("evaluated events").isGreaterThan(100).isEqualTo(slow.count);
        assertThat(fast.names).isEqualTo(slow.names);
        assertThat(fast.accepted).isEqualTo(slow.accepted);
        assertThat(fast.deadLetters).isEqualTo(slow.deadLetters);
        assertThat(Arrays.copyOf(fast.events, fast.count)).isEqualTo(Arrays.copyOf(slow.events, slow.count));
        assertThat(Arrays.copyOf(fast.masks, fast.count)).isEqualTo(Arrays.copyOf(slow.masks, slow.count));
        assertThat(Arrays.copyOf(fast.candidates, fast.count)).isEqualTo(Arrays.copyOf(slow.candidates, slow.count));
        assertThat(Arrays.copyOf(fast.retrieved, fast.count)).isEqualTo(Arrays.copyOf(slow.retrieved, slow.count));
        for (int i = 0; i < fast.count; i++) {
            boolean known = (fast.masks[i] & Segments.SEEN_ITEM) != 0;
            assertThat(fast.candidates[i] == Replay.UNCOUNTED).as("event %d: candidates counted only for a known item",
                    fast.events[i]).isEqualTo(!known);
        }
        int cells = fast.count * fast.models();
        assertThat(Arrays.copyOf(fast.ranks, cells)).isEqualTo(Arrays.copyOf(slow.ranks, cells));
        long hits = 0;
        for (int i = 0; i < fast.count; i++) {
            hits += fast.rank(i, 0) > 0 ? 1 : 0;
        }
        assertThat(hits).as("Ripple hits some events, so its ranks are compared, not only misses").isGreaterThan(20);
        fast.sums.forEach((model, segments) -> segments.forEach((segment, sums) ->
                assertThat(sums.toMap()).as(model + " " + segment).isEqualTo(slow.sums.get(model).get(segment).toMap())));
        assertThat(fast.weightMoves.keySet()).isEqualTo(slow.weightMoves.keySet());
        fast.weightMoves.forEach((type, m) -> assertThat(m).as("weight moves of %s", type)
                .isEqualTo(slow.weightMoves.get(type)));
        assertThat(fast.churns.keySet()).isEqualTo(slow.churns.keySet());
        fast.churns.forEach((type, m) -> assertThat(m).as("top-K churn of %s", type).isEqualTo(slow.churns.get(type)));
    }

    private Replay.Result replay(ReplayInput input, Set<BehaviorType> withheld, boolean reference) {
        Replay replay = new Replay("ripple", RippleConfig.defaultConfig(), true, withheld, input, ReplayOptions.defaults(),
                dir.resolve(reference + "-" + System.nanoTime()), new AtomicLong());
        return (reference ? replay.reference() : replay).run();
    }

    /** 40 users with a favourite category each, 120 items in 8 categories, a few repeats and one duplicate event. */
    private static ReplayInput input(int n) {
        SplittableRandom rnd = new SplittableRandom(17);
        BehaviorType[] types = {BehaviorType.BROWSE, BehaviorType.BROWSE, BehaviorType.CLICK, BehaviorType.CART,
                BehaviorType.PURCHASE};
        List<BehaviorEvent> events = new ArrayList<>();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < n; i++) {
            int user = rnd.nextInt(40);
            int item = rnd.nextInt(4) == 0 ? rnd.nextInt(120) : (user % 8) + 8 * rnd.nextInt(15);
            t = t.plusSeconds(1 + rnd.nextInt(120));
            events.add(BehaviorEvent.newBuilder().setEventId("e" + i).setUserId("u" + user).setItemId("i" + item)
                    .setType(types[rnd.nextInt(types.length)]).setTimestamp(t).setScenario("ecommerce")
                    .setContext(Map.of("category", "c" + item % 8)).build());
        }
        events.add(events.get(n / 2)); // a duplicate: the intake drops it, in both paths
        events.sort(java.util.Comparator.comparing(BehaviorEvent::getTimestamp));
        return ReplayInput.of("fixed", events, List.of());
    }
}
