package ripple.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import ripple.scoring.Ranker;

/** Ripple's rank, AUC and log loss from its candidates, whatever order they come in, under the shared tie rule. */
class RippleOutcomeTest {

    @Test
    void equalScoresGoToTheLowerCatalogueIndexWhateverTheListOrder() {
        // 7 and 3 tie at 2.0; 3 is the earlier catalogue item, so it ranks first even though 7 is listed first
        List<Ranker.Scored> candidates = List.of(scored(7, 2.0), scored(5, 3.0), scored(3, 2.0), scored(9, 1.0));
        assertThat(Replay.outcome(candidates, 5, 20).rank()).isEqualTo(1);
        assertThat(Replay.outcome(candidates, 3, 20).rank()).isEqualTo(2);
        assertThat(Replay.outcome(candidates, 7, 20).rank()).isEqualTo(3);
        assertThat(Replay.outcome(candidates, 9, 20).rank()).isEqualTo(4);
        assertThat(Replay.outcome(candidates, 9, 3).rank()).as("beyond the cut-off").isZero();
    }

    @Test
    void aucAndLoglossAreOverTheCandidatesAndUndefinedForAnItemNotRetrieved() {
        List<Ranker.Scored> candidates = List.of(scored(0, 1.0), scored(1, 0.0), scored(2, 1.0), scored(3, -1.0));
        Metrics.Outcome o = Replay.outcome(candidates, 0, 20);
        // below: 1 and 3; tie: 2
        assertThat(o.auc()).isEqualTo(2.5 / 3);
        double partition = 2 * Math.exp(1.0) + Math.exp(0.0) + Math.exp(-1.0);
        assertThat(o.logloss()).isCloseTo(Math.log(partition) - 1.0, within(1e-12));
        Metrics.Outcome missed = Replay.outcome(candidates, 4, 20);
        assertThat(missed.rank()).isZero();
        assertThat(missed.auc()).isNaN();
        assertThat(missed.logloss()).isNaN();
        assertThat(Replay.outcome(candidates, -1, 20).rank()).as("not in the catalogue").isZero();
    }

    private static Ranker.Scored scored(int index, double score) {
        return new Ranker.Scored("i" + index, index, score, 0, 0, score, false, 0);
    }
}
