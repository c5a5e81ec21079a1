package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The top-K churn a weight update reports: the fraction of the previous list no longer in the new one. */
class ChurnTest {
    @Test
    void countsTheShareOfThePreviousListThatLeft() {
        assertThat(ScoringProcessor.churn(List.of("a", "b", "c", "d"), List.of("d", "e", "b", "f"))).isEqualTo(0.5);
        assertThat(ScoringProcessor.churn(List.of("a", "b"), List.of("b", "a"))).isEqualTo(0.0);
        assertThat(ScoringProcessor.churn(List.of("a", "b"), List.of())).isEqualTo(1.0);
        assertThat(ScoringProcessor.churn(List.of(), List.of("a"))).isEqualTo(0.0);
    }

    @Test
    void aLongListGivesTheSameShareAsAShortOne() {
        // past 64 ids the current list is looked up through a hash set instead of pairwise
        List<String> previous = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            previous.add("item-" + i);
            current.add("item-" + (i + 30));
        }
        assertThat(ScoringProcessor.churn(previous, current)).isCloseTo(0.3, within(1e-12));
    }
}
