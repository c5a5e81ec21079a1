package ripple.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BaselinesTest {

    @Test
    void popularityRanksByCountAndBreaksTiesByCatalogueOrder() {
        PopularityBaseline p = new PopularityBaseline("popularity", null);
        for (int i = 0; i < 4; i++) {
            p.admit(i);
        }
        p.learn("u", 2, 0);
        p.learn("u", 2, 0);
        p.learn("u", 3, 0);
        // order: 2 (2), 3 (1), 0 (0), 1 (0)
        assertThat(p.evaluate("v", 2, new int[0], 20).rank()).isEqualTo(1);
        assertThat(p.evaluate("v", 3, new int[0], 20).rank()).isEqualTo(2);
        assertThat(p.evaluate("v", 1, new int[0], 20).rank()).isEqualTo(4);
        assertThat(p.evaluate("v", 1, new int[0], 3).rank()).as("beyond the cut-off").isZero();
        assertThat(p.evaluate("v", -1, new int[0], 20).rank()).as("not a candidate").isZero();
        // 3 beats 0 and 1, loses to 2
        assertThat(p.evaluate("v", 3, new int[] {0, 1, 2}, 20).auc()).isEqualTo(2.0 / 3);
        assertThat(p.evaluate("v", 3, new int[] {0}, 20).logloss()).isNaN();
    }

    @Test
    void recentPopularityLetsNewActivityOvertakeOld() {
        PopularityBaseline p = new PopularityBaseline("recent-popularity", Duration.ofHours(1));
        p.admit(0);
        p.admit(1);
        long hour = Duration.ofHours(1).toMillis();
        p.learn("u", 0, 0);
        p.learn("u", 0, 0);
        p.learn("u", 0, 0);
        // three events two hours ago weigh 3/4 of one event now
        p.learn("u", 1, 2 * hour);
        assertThat(p.evaluate("v", 1, new int[0], 20).rank()).isEqualTo(1);
        PopularityBaseline plain = new PopularityBaseline("popularity", null);
        plain.admit(0);
        plain.admit(1);
        plain.learn("u", 0, 0);
        plain.learn("u", 0, 0);
        plain.learn("u", 1, 2 * hour);
        assertThat(plain.evaluate("v", 1, new int[0], 20).rank()).isEqualTo(2);
    }

    @Test
    void cooccurrenceRanksWhatFollowedTheUsersRecentItemsFirstThenPopularity() {
        PopularityBaseline popularity = new PopularityBaseline("popularity", null);
        CoOccurrenceBaseline c = new CoOccurrenceBaseline(popularity);
        for (int i = 0; i < 5; i++) {
            popularity.admit(i);
            c.admit(i);
        }
        // a: 0 -> 3; b: 0 -> 3 -> 4; item 1 is the most popular overall
        learn(popularity, c, "a", 0);
        learn(popularity, c, "a", 3);
        learn(popularity, c, "b", 0);
        learn(popularity, c, "b", 3);
        learn(popularity, c, "b", 4);
        for (int i = 0; i < 4; i++) {
            learn(popularity, c, "x" + i, 1);
        }
        // a new user who saw 0: 3 followed 0 twice, 4 once (within b's recent items)
        learn(popularity, c, "u", 0);
        assertThat(c.evaluate("u", 3, new int[0], 20).rank()).isEqualTo(1);
        assertThat(c.evaluate("u", 4, new int[0], 20).rank()).isEqualTo(2);
        // then the rest by popularity: 1 (4 events), 0 (3), 2 (none)
        assertThat(c.evaluate("u", 1, new int[0], 20).rank()).isEqualTo(3);
        assertThat(c.evaluate("u", 2, new int[0], 20).rank()).isEqualTo(5);
        assertThat(c.evaluate("u", 3, new int[] {1, 2}, 20).auc()).isEqualTo(1.0);
    }

    private static void learn(PopularityBaseline p, CoOccurrenceBaseline c, String user, int item) {
        p.learn(user, item, 0);
        c.learn(user, item, 0);
    }
}
