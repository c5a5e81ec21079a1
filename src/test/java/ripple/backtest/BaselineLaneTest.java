package ripple.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import ripple.avro.BehaviorType;

class BaselineLaneTest {
    /** Records what it was asked, in order; fails on one learning step when told to. */
    private static final class Recording implements Baseline {
        final List<String> calls = new ArrayList<>();
        final int failAt;

        Recording(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void admit(int index, String category) {
            calls.add("admit " + index + " " + category);
        }

        @Override
        public Metrics.Outcome evaluate(int user, int item, int[] negatives, int[] excluded, int maxRank) {
            calls.add("evaluate " + user + " " + item);
            return new Metrics.Outcome(item >= 0 ? 1 : 0, Double.NaN, Double.NaN);
        }

        @Override
        public void learn(int user, int item, long time, String category, BehaviorType type) {
            if (calls.size() >= failAt) {
                throw new IllegalStateException("baseline broke at call " + calls.size());
            }
            calls.add("learn " + user + " " + item + " " + category);
        }
    }

    private static BaselineLane lane(Replay.Result result, Recording baseline, boolean threaded) {
        result.names.add("ripple");
        return new BaselineLane(result, ReplayOptions.defaults(), 0, 1_000, ids -> List.of(baseline), threaded);
    }

    /** Event n admits item n, is evaluated on it (so item n is known before learning), then learns from it. */
    private static void feed(BaselineLane lane, int events) {
        for (int n = 0; n < events; n++) {
            BaselineLane.Step s = new BaselineLane.Step();
            s.user = n % 7;
            s.item = n - 1;
            s.now = n;
            s.evaluated(n, new Metrics.Outcome(0, Double.NaN, Double.NaN), 3, false, new int[0], new int[0]);
            s.firstAdmitted = n;
            s.admittedIds = new String[] {"i" + n};
            s.admittedCategories = new String[] {"c" + n % 3};
            s.learnType = BehaviorType.CLICK;
            s.learnItem = n;
            s.learnCategory = "c" + n % 3;
            lane.accept(s);
        }
    }

    @Test
    void itsOwnThreadRunsTheStepsAsInlineInTheSameOrder() {
        Recording inline = new Recording(Integer.MAX_VALUE);
        Recording threaded = new Recording(Integer.MAX_VALUE);
        Replay.Result inlineResult = new Replay.Result("ripple");
        Replay.Result threadedResult = new Replay.Result("ripple");
        try (BaselineLane a = lane(inlineResult, inline, false); BaselineLane b = lane(threadedResult, threaded, true)) {
            feed(a, 1000);
            feed(b, 1000);
            a.finish();
            b.finish();
            assertThat(a.itemId(999)).isEqualTo("i999");
        }
        assertThat(threaded.calls).hasSize(3000).isEqualTo(inline.calls);
        assertThat(threaded.calls.subList(0, 3)).containsExactly("evaluate 0 -1", "admit 0 c0", "learn 0 0 c0");
        assertThat(threadedResult.count).isEqualTo(1000);
        assertThat(threadedResult.rank(999, 1)).as("the baseline's rank, recorded beside Ripple's").isEqualTo((short) 1);
        assertThat(threadedResult.rank(999, 0)).isZero();
    }

    @Test
    void aBaselineThatFailsOnItsThreadFailsTheReplay() {
        Recording broken = new Recording(1500);
        try (BaselineLane lane = lane(new Replay.Result("ripple"), broken, true)) {
            feed(lane, 2000); // more batches than the queue holds: the scorer's side must not block on a dead lane
            assertThatThrownBy(lane::finish).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("baseline broke at call 1502"); // event 500 learns after 1502 calls
        }
    }
}
