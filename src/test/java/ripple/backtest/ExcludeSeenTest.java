package ripple.backtest;

import static ripple.backtest.Baselines.A;
import static ripple.backtest.Baselines.B;
import static ripple.backtest.Baselines.C;
import static ripple.backtest.Baselines.D;
import static ripple.backtest.Baselines.NEW;
import static ripple.backtest.Baselines.U;
import static ripple.backtest.Baselines.V;
import static ripple.backtest.Baselines.VIEW;
import static ripple.backtest.Baselines.X;
import static ripple.backtest.Baselines.Y;
import static ripple.backtest.Baselines.admit;
import static ripple.backtest.Baselines.learn;
import static ripple.backtest.Baselines.ranks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.config.RippleConfig;

/**
 * Exclude-seen: every model skips the same items (the user's last N distinct items), ranks stay exact under the tie
 * rule with those items taken out, and an excluded target is a miss for every model.
 */
class ExcludeSeenTest {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void popularitySkipsExcludedItemsAndTheyFreeSlotsBeforeTheCutOff() {
        PopularityBaseline p = new PopularityBaseline("popularity", null);
        admit(4, p);
        learn(U, 2, p);
        learn(U, 2, p);
        learn(U, 3, p);
        // order 2 (2), 3 (1), 0 (0), 1 (0); without 2: 3, 0, 1
        assertThat(ranks(p, U, 4, new int[0])).containsExactly(3, 4, 1, 2);
        assertThat(ranks(p, U, 4, new int[] {2})).containsExactly(2, 3, 0, 1);
        assertThat(p.evaluate(U, 1, new int[0], new int[0], 3).rank()).as("beyond the cut-off").isZero();
        assertThat(p.evaluate(U, 1, new int[0], new int[] {2}, 3).rank()).as("within it once 2 is out")
                .isEqualTo(3);
        // two out: 2 first, then 1
        assertThat(ranks(p, U, 4, new int[] {3, 0})).containsExactly(0, 2, 1, 0);
    }

    @Test
    void recentPlusPopListsOnlyTheRecentItemsThatAreNotExcluded() {
        PopularityBaseline pop = new PopularityBaseline("popularity", null);
        RecentItemsBaseline b = new RecentItemsBaseline(pop);
        admit(5, pop, b);
        Baselines.xThenU(pop, b);
        // without: 2, 0 (recent), then 1 (2), 4 (1), 3 (0)
        assertThat(ranks(b, U, 5, new int[0])).containsExactly(2, 3, 1, 5, 4);
        // u's last 2 distinct items out: popularity only, 1, 4, 3
        assertThat(ranks(b, U, 5, new int[] {2, 0})).containsExactly(0, 1, 0, 3, 2);
        // the last one only: 0 is the one recent item left
        assertThat(ranks(b, U, 5, new int[] {2})).containsExactly(1, 2, 0, 4, 3);
    }

    @Test
    void itemKnnLosesTheSelfSimilarityOfExcludedItemsAndNorepeatBecomesTheSameModel() {
        PopularityBaseline pop = new PopularityBaseline("popularity", null);
        ItemKnnBaseline knn = new ItemKnnBaseline(pop, true);
        ItemKnnBaseline sameUnderExclusion = new ItemKnnBaseline("itemknn-norepeat", pop, true);
        admit(5, pop, knn, sameUnderExclusion);
        for (int[] pair : new int[][] {{A, 0}, {A, 1}, {B, 0}, {B, 1}, {C, 0}, {C, 2}}) {
            learn(pair[0], pair[1], pop, knn, sameUnderExclusion);
        }
        for (int i = 0; i < 5; i++) {
            learn(X, 3, pop, knn, sameUnderExclusion);
        }
        learn(U, 0, pop, knn, sameUnderExclusion);
        // without: 0 (itself, 1), 1 (.71), 2 (.5), then 3 (5), 4 (0)
        assertThat(ranks(knn, U, 5, new int[0])).containsExactly(1, 2, 3, 4, 5);
        assertThat(ranks(knn, U, 5, new int[] {0})).containsExactly(0, 1, 2, 3, 4);
        // 1 out as well (as if u had touched it): a personal item gone, 2 first
        assertThat(ranks(knn, U, 5, new int[] {0, 1})).containsExactly(0, 0, 1, 2, 3);
        assertThat(ranks(sameUnderExclusion, U, 5, new int[] {0}))
                .containsExactly(ranks(knn, U, 5, new int[] {0}));
    }

    @Test
    void categoryPopularityTakesExcludedItemsOutOfEveryLevel() {
        CategoryPopularityBaseline b = new CategoryPopularityBaseline();
        String[] categories = {"a", "a", "b", "b", "c", "a"};
        for (int i = 0; i < categories.length; i++) {
            b.admit(i, categories[i]);
        }
        for (int item : new int[] {3, 3, 4, 4, 4, 1}) {
            b.learn(X, item, 0, null, VIEW);
        }
        b.learn(U, 0, 0, null, VIEW);
        b.learn(U, 2, 0, null, VIEW);
        // without: recent 2, 0; category b: 3; category a: 1, 5; the rest: 4
        assertThat(ranks(b, U, 6, new int[0])).containsExactly(2, 4, 1, 3, 6, 5);
        // a recent item out: 0 moves up, and 2 leaves its category block as well
        assertThat(ranks(b, U, 6, new int[] {2})).containsExactly(1, 3, 0, 2, 5, 4);
        // a category item out: its block shrinks, so later blocks move up
        assertThat(ranks(b, U, 6, new int[] {3})).containsExactly(2, 3, 1, 0, 5, 4);
        // one out of the middle of a block, one out of the rest
        assertThat(ranks(b, U, 6, new int[] {1, 4})).containsExactly(2, 0, 1, 3, 0, 4);
    }

    @Test
    void personalBaselinesSkipExcludedItemsInTheirPopularityFillToo() {
        PopularityBaseline pop = new PopularityBaseline("popularity", null);
        SuccessorBaseline s = new SuccessorBaseline(pop);
        admit(4, pop, s);
        learn(A, 0, pop, s);
        learn(A, 1, pop, s);
        learn(X, 3, pop, s);
        learn(X, 3, pop, s);
        learn(U, 0, pop, s);
        // without: 1 (follows 0), then 3 (2), 0 (2), 2 (0): 0 and 3 tie, the lower index first
        assertThat(ranks(s, U, 4, new int[0])).containsExactly(2, 1, 4, 3);
        assertThat(ranks(s, U, 4, new int[] {0})).containsExactly(0, 1, 3, 2);
    }

    /**
     * u touches A and B, then C (new to u; the only item u has not seen), then A again. Under exclude-seen every
     * model must rank C first (anything above it would be a seen item) and miss A (a repeat within the last N).
     */
    @Test
    void underExcludeSeenNoModelRanksASeenItemAndARecentRepeatIsAMissForAll() {
        String[][] rows = {{"x", "A"}, {"x", "B"}, {"x", "C"}, {"u", "A"}, {"u", "B"}, {"u", "C"}, {"u", "A"}};
        ReplayInput input = input(rows);
        Replay.Result with = replay(input, true, RippleConfig.defaultConfig());
        Replay.Result without = replay(input, false, RippleConfig.defaultConfig());
        assertThat(with.names).contains("ripple", "popularity", "recent+pop", "recent+catpop", "itemknn",
                "itemknn-norepeat", "successor", "sknn");
        assertThat(with.count).isEqualTo(rows.length);
        for (int m = 0; m < with.models(); m++) {
            String name = with.names.get(m);
            assertThat((int) with.rank(5, m)).as(name + ": C is the only unseen item").isEqualTo(1);
            assertThat((int) with.rank(6, m)).as(name + ": A is a recent repeat").isZero();
        }
        int recentPop = without.names.indexOf("recent+pop");
        assertThat((int) without.rank(5, recentPop)).as("without, u's own B and A come first").isEqualTo(3);
        assertThat((int) without.rank(6, recentPop)).as("without, a repeat can hit").isEqualTo(3);
        // the repeat is still evaluated, and counted in the repeat segment as a miss
        assertThat(with.sums.get("popularity").get("repeat").count()).isEqualTo(1);
    }

    /** On a random sequence, each baseline's rank under exclusion is what excluding the user's last N gives. */
    @Test
    void onARandomSequenceExcludedTargetsMissAndOtherRanksOnlyImprove() {
        Random random = new Random(3);
        String[][] rows = new String[400][];
        for (int n = 0; n < rows.length; n++) {
            // a skewed item choice so that popularity has a shape; few users so that windows fill
            rows[n] = new String[] {"u" + random.nextInt(6), "i" + (int) Math.floor(30 * Math.pow(random.nextDouble(), 2))};
        }
        ReplayInput input = input(rows);
        int window = 5;
        RippleConfig config = RippleConfig.defaultConfig().with("features.recent-items", String.valueOf(window));
        Replay.Result with = replay(input, true, config);
        Replay.Result without = replay(input, false, config);
        assertThat(with.count).isEqualTo(without.count).isEqualTo(rows.length);
        RecentWindows seen = new RecentWindows(window);
        java.util.Map<String, Integer> ids = new java.util.HashMap<>();
        int excludedTargets = 0;
        int improved = 0;
        for (int n = 0; n < rows.length; n++) {
            int item = ids.computeIfAbsent(rows[n][1], k -> ids.size());
            int user = Integer.parseInt(rows[n][0].substring(1));
            boolean excluded = seen.contains(user, item);
            excludedTargets += excluded ? 1 : 0;
            // baselines only: their state does not depend on the setting; Ripple's learning may
            for (int m = 1; m < with.models(); m++) {
                String name = with.names.get(m);
                int a = with.rank(n, m);
                // under exclusion itemknn-norepeat is itemknn: compared with plain itemknn without it
                int b = without.rank(n, without.names.indexOf(name.equals("itemknn-norepeat") ? "itemknn" : name));
                if (excluded) {
                    assertThat(a).as(name + " event " + n).isZero();
                } else if (b > 0) {
                    assertThat(a).as(name + " event " + n).isBetween(Math.max(1, b - window), b);
                    improved += a < b ? 1 : 0;
                }
            }
            assertThat(with.rank(n, with.names.indexOf("itemknn-norepeat")))
                    .isEqualTo(with.rank(n, with.names.indexOf("itemknn")));
            seen.touch(user, item);
        }
        assertThat(excludedTargets).as("the sequence has recent repeats").isGreaterThan(20);
        assertThat(improved).as("exclusion moved ranks").isGreaterThan(20);
    }

    private Replay.Result replay(ReplayInput input, boolean excludeSeen, RippleConfig config) {
        RippleConfig c = excludeSeen ? config.with("scoring.exclude-seen", "true") : config;
        return new Replay("ripple", c, true, Set.of(), input, ReplayOptions.defaults().withExcludeSeen(excludeSeen),
                dir.resolve(excludeSeen + "-" + System.nanoTime()), new AtomicLong()).run();
    }

    private static ReplayInput input(String[][] rows) {
        List<BehaviorEvent> events = new ArrayList<>();
        for (int n = 0; n < rows.length; n++) {
            events.add(BehaviorEvent.newBuilder().setEventId("e" + n).setUserId(rows[n][0]).setItemId(rows[n][1])
                    .setType(VIEW).setTimestamp(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(n))
                    .setScenario("ecommerce").setContext(Map.of()).build());
        }
        return ReplayInput.of("hand-made", events, List.of());
    }
}
