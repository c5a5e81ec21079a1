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

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import ripple.avro.BehaviorType;
import ripple.avro.ItemFeatures;

/**
 * Every baseline on tiny hand-made sequences whose ranks can be worked out by hand. The tie rule (equal scores go
 * to the lower catalogue index) and repeats (a user's own items may be recommended) are checked explicitly.
 */
class BaselinesTest {

    @Test
    void popularityRanksByCountAndBreaksTiesByCatalogueOrder() {
        PopularityBaseline p = new PopularityBaseline("popularity", null);
        admit(4, p);
        p.learn(U, 2, 0, null, VIEW);
        p.learn(U, 2, 0, null, VIEW);
        p.learn(U, 3, 0, null, VIEW);
        // order: 2 (2), 3 (1), 0 (0), 1 (0): 0 and 1 tie, the lower index first
        assertThat(rank(p, V, 2)).isEqualTo(1);
        assertThat(rank(p, V, 3)).isEqualTo(2);
        assertThat(rank(p, V, 0)).isEqualTo(3);
        assertThat(rank(p, V, 1)).isEqualTo(4);
        assertThat(p.evaluate(V, 1, new int[0], 3).rank()).as("beyond the cut-off").isZero();
        assertThat(rank(p, V, -1)).as("not a candidate").isZero();
        // 3 beats 0 and 1, loses to 2
        assertThat(p.evaluate(V, 3, new int[] {0, 1, 2}, 20).auc()).isEqualTo(2.0 / 3);
        assertThat(p.evaluate(V, 0, new int[] {1}, 20).auc()).as("a tie counts half").isEqualTo(0.5);
        assertThat(p.evaluate(V, 3, new int[0], 20).auc()).as("no candidate set, no auc").isNaN();
        assertThat(p.evaluate(V, 3, new int[] {0}, 20).logloss()).isNaN();
    }

    @Test
    void recentPopularityLetsNewActivityOvertakeOld() {
        PopularityBaseline p = new PopularityBaseline("recent-popularity", Duration.ofHours(1));
        admit(2, p);
        long hour = Duration.ofHours(1).toMillis();
        p.learn(U, 0, 0, null, VIEW);
        p.learn(U, 0, 0, null, VIEW);
        p.learn(U, 0, 0, null, VIEW);
        // three events two hours ago weigh 3/4 of one event now
        p.learn(U, 1, 2 * hour, null, VIEW);
        assertThat(rank(p, V, 1)).isEqualTo(1);
        PopularityBaseline plain = new PopularityBaseline("popularity", null);
        admit(2, plain);
        plain.learn(U, 0, 0, null, VIEW);
        plain.learn(U, 0, 0, null, VIEW);
        plain.learn(U, 1, 2 * hour, null, VIEW);
        assertThat(rank(plain, V, 1)).isEqualTo(2);
    }

    @Test
    void recentItemsComeFirstMostRecentFirstThenPopularity() {
        PopularityBaseline pop = new PopularityBaseline("popularity", null);
        RecentItemsBaseline b = new RecentItemsBaseline(pop);
        admit(5, pop, b);
        Baselines.xThenU(pop, b);
        // u: 2 (latest), 0; then popularity 1 (2), 4 (1), 3 (0)
        assertThat(ranks(b, U, 5)).containsExactly(2, 3, 1, 5, 4);
        assertThat(rank(b, U, 2)).as("a repeat is allowed, at the top").isEqualTo(1);
        // a new user: popularity 1 (2), 2 (2), 0 (1), 4 (1), 3 (0); equal counts in index order
        assertThat(ranks(b, NEW, 5)).containsExactly(3, 1, 2, 5, 4);
        // 0 is second: above 1 and 3, below 2
        assertThat(b.evaluate(U, 0, new int[] {1, 2, 3}, 20).auc()).isEqualTo(2.0 / 3);
    }

    @Test
    void categoryPopularityListsRecentItemsThenTheUsersCategoriesThenTheRest() {
        CategoryPopularityBaseline b = new CategoryPopularityBaseline();
        String[] categories = {"a", "a", "b", "b", "c", "a"};
        for (int i = 0; i < categories.length; i++) {
            b.admit(i, categories[i]);
        }
        learn(b, X, 3, 3, 4, 4, 4, 1);
        learn(b, U, 0, 2);
        // recent: 2, 0; category b (touched last): 3; category a: 1 (count 1), 5 (0); the rest: 4
        assertThat(ranks(b, U, 6)).containsExactly(2, 4, 1, 3, 6, 5);
        // a new user: popularity 4 (3), 3 (2), then 0, 1, 2 tied at 1 in index order, then 5
        assertThat(ranks(b, NEW, 6)).containsExactly(3, 4, 5, 2, 1, 6);
        assertThat(b.evaluate(U, 5, new int[0], 4).rank()).as("beyond the cut-off").isZero();
        assertThat(b.evaluate(U, 4, new int[0], 5).rank()).as("block sizes count toward the cut-off").isZero();
        // 1 (a category item) is above 5 and 4, below 3 and the recent items
        assertThat(b.evaluate(U, 1, new int[] {0, 2, 3, 4, 5}, 20).auc()).isEqualTo(2.0 / 5);
        // the event's category counts when the catalogue has none
        CategoryPopularityBaseline late = new CategoryPopularityBaseline();
        for (int i = 0; i < 3; i++) {
            late.admit(i, null);
        }
        late.learn(X, 2, 0, "k", VIEW);
        late.learn(X, 2, 0, "k", VIEW);
        late.learn(U, 1, 0, "k", VIEW);
        late.learn(X, 0, 0, "z", VIEW);
        late.learn(X, 0, 0, "z", VIEW);
        late.learn(X, 0, 0, "z", VIEW);
        // u: 1, then category k: 2, then 0 despite its count
        assertThat(ranks(late, U, 3)).containsExactly(3, 1, 2);
    }

    @Test
    void itemKnnScoresByCosineOverRecentWindowsWithAndWithoutRepeats() {
        PopularityBaseline pop = new PopularityBaseline("popularity", null);
        ItemKnnBaseline knn = new ItemKnnBaseline(pop, true);
        ItemKnnBaseline norepeat = new ItemKnnBaseline(pop, false);
        admit(5, pop, knn, norepeat);
        learn(A, 0, pop, knn, norepeat);
        learn(A, 1, pop, knn, norepeat);
        learn(B, 0, pop, knn, norepeat);
        learn(B, 1, pop, knn, norepeat);
        learn(C, 0, pop, knn, norepeat);
        learn(C, 2, pop, knn, norepeat);
        for (int i = 0; i < 5; i++) {
            learn(X, 3, pop, knn, norepeat);
        }
        learn(U, 0, pop, knn, norepeat);
        // n0 = 4, n1 = 2, n2 = 1: sim(0,1) = 2/sqrt(8) = .71, sim(0,2) = 1/sqrt(4) = .5; 0 itself 1
        // then popularity: 3 (5), 4 (0)
        assertThat(ranks(knn, U, 5)).containsExactly(1, 2, 3, 4, 5);
        // without repeats 0 is never recommended: a miss, and it leaves the list
        assertThat(ranks(norepeat, U, 5)).containsExactly(0, 1, 2, 3, 4);
        assertThat(norepeat.evaluate(U, 0, new int[] {1, 2}, 20).auc()).isZero();
    }

    @Test
    void personalTiesGoToPopularityThenToTheLowerIndex() {
        PopularityBaseline pop = new PopularityBaseline("popularity", null);
        ItemKnnBaseline knn = new ItemKnnBaseline(pop, false);
        admit(4, pop, knn);
        // 1 and 3 co-occur with 0 once each, so both have the same similarity to 0; 2 is in no window with 0
        learn(A, 0, pop, knn);
        learn(A, 3, pop, knn);
        learn(B, 0, pop, knn);
        learn(B, 1, pop, knn);
        learn(U, 0, pop, knn);
        assertThat(rank(knn, U, 1)).as("equal score and popularity: the lower index").isEqualTo(1);
        assertThat(rank(knn, U, 3)).isEqualTo(2);
        assertThat(knn.evaluate(U, 1, new int[] {3}, 20).auc()).as("a tie counts half").isEqualTo(0.5);
        pop.learn(Y, 3, 0, null, VIEW);
        assertThat(rank(knn, U, 3)).as("equal score: the more popular first").isEqualTo(1);
    }

    @Test
    void successorRanksWhatCameRightAfterTheUsersLastItems() {
        PopularityBaseline pop = new PopularityBaseline("popularity", null);
        SuccessorBaseline s = new SuccessorBaseline(pop);
        admit(5, pop, s);
        learn(A, 0, pop, s);
        learn(A, 1, pop, s);
        learn(B, 0, pop, s);
        learn(B, 1, pop, s);
        learn(C, 0, pop, s);
        learn(C, 0, pop, s);
        learn(C, 2, pop, s);
        learn(D, 4, pop, s);
        learn(D, 3, pop, s);
        for (int i = 0; i < 3; i++) {
            learn(X, 4, pop, s);
        }
        learn(U, 0, pop, s);
        // after 0: 1 twice, 2 once (c's repeat of 0 is no successor); then popularity 0 (5), 4 (4), 3 (1)
        assertThat(ranks(s, U, 5)).containsExactly(3, 1, 2, 5, 4);
        learn(U, 4, pop, s);
        // last 4 (weight 1): 3 once; the one before, 0 (weight 1/2): 1 (1.0), 2 (0.5), 4 (0.5, from u itself).
        // 1 and 3 tie at 1.0: 1 is more popular; 4 and 2 tie at 0.5: 4 is; then 0
        assertThat(ranks(s, U, 5)).containsExactly(5, 1, 4, 2, 3);
    }

    @Test
    void sessionKnnScoresItemsBySimilarityOfTheSessionsHoldingThem() {
        PopularityBaseline pop = new PopularityBaseline("popularity", null);
        SessionKnnBaseline s = new SessionKnnBaseline(pop);
        admit(6, pop, s);
        learn(A, 0, pop, s);
        learn(A, 1, pop, s);
        learn(B, 0, pop, s);
        learn(B, 2, pop, s);
        learn(B, 3, pop, s);
        learn(X, 5, pop, s);
        learn(X, 5, pop, s);
        learn(U, 0, pop, s);
        // u {0}: a {0,1} sim 1/sqrt(2) = .71, b {0,2,3} sim 1/sqrt(3) = .58
        // 0: 1.28 (a repeat); 1: .71; 2 and 3: .58, equal popularity, lower index first; then 5 (2), 4 (0)
        assertThat(ranks(s, U, 6)).containsExactly(1, 2, 3, 4, 6, 5);
        // x's session {5} shares nothing with u: no neighbour, popularity only
        // 0 (3), 5 (2), then 1, 2, 3 (1 each) in index order, 4
        assertThat(ranks(s, X, 6)).containsExactly(1, 3, 4, 5, 6, 2);
    }

    @Test
    void contentKnnScoresByCosineToTheUsersRecentItemsAndFillsByPopularity() {
        List<String> ids = List.of("a", "b", "c", "d", "e");
        List<ItemFeatures> features = List.of(vector("a", 2, 0), vector("b", 0.8f, 0.6f), vector("c", 0, 1),
                vector("d", -1, 0));
        PopularityBaseline pop = new PopularityBaseline("popularity", null);
        ContentKnnBaseline c = new ContentKnnBaseline(pop, features, ids::get);
        admit(5, pop, c);
        learn(X, 3, pop, c);
        learn(X, 3, pop, c);
        learn(X, 4, pop, c);
        learn(U, 0, pop, c);
        // cos to a: a 1, b .8, c 0, d -1 (no personal score); then popularity d (2), a (1), e (1), c (0)
        assertThat(ranks(c, U, 5)).containsExactly(1, 2, 5, 3, 4);
    }

    private static ItemFeatures vector(String id, float x, float y) {
        return ItemFeatures.newBuilder().setItemId(id).setModelId("m").setModelVersion("1")
                .setEmbedding(List.of(x, y)).setComputedAt(java.time.Instant.EPOCH).build();
    }

    private static int rank(Baseline b, int user, int item) {
        return b.evaluate(user, item, new int[0], 20).rank();
    }

    /** The rank of each item 0..n-1. */
    private static int[] ranks(Baseline b, int user, int n) {
        return Baselines.ranks(b, user, n, new int[0]);
    }
}
