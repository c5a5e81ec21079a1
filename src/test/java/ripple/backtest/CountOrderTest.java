package ripple.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** A count order ranks as a score order over the same counts, skips included, as items join and counts grow. */
class CountOrderTest {
    @Test
    void ranksAsAScoreOrderOverTheSameCounts() {
        SplittableRandom rnd = new SplittableRandom(3);
        CountOrder counts = new CountOrder();
        ScoreOrder scores = new ScoreOrder();
        int checked = 0;
        for (int step = 0; step < 20_000; step++) {
            if (counts.size() == 0 || rnd.nextInt(4) == 0) {
                counts.admit(counts.size());
                scores.admit(scores.size(), 0);
            }
            // skewed, so that some counts grow large and many items keep 0 or 1
            int item = rnd.nextInt(4) == 0 ? rnd.nextInt(Math.min(20, counts.size())) : rnd.nextInt(counts.size());
            counts.increment(item);
            scores.set(item, scores.score(item) + 1);
            // half the targets among the popular items, so that many are found within the cut-off
            int target = rnd.nextBoolean() ? rnd.nextInt(Math.min(30, counts.size())) : rnd.nextInt(counts.size());
            int skipped = rnd.nextInt(counts.size());
            IntPredicate skip = rnd.nextBoolean() ? j -> false : j -> j % 7 == 3 || j == skipped;
            int maxRank = 1 + rnd.nextInt(40);
            assertThat(counts.rank(target, maxRank, skip)).as("step %d", step).isEqualTo(scores.rank(target, maxRank, skip));
            assertThat((double) counts.count(target)).isEqualTo(scores.score(target));
            checked += counts.rank(target, maxRank, skip) > 0 ? 1 : 0;
        }
        assertThat(checked).as("targets found within the cut-off").isGreaterThan(2000);
    }
}
