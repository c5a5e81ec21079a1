package ripple.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The raw text sample topics are fitted on: bounded, and the same whatever order the items came in. */
class TextSampleTest {
    @Test
    void sampleIsBoundedAndIndependentOfArrivalOrder() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            ids.add("item-" + i);
        }
        TextSample inOrder = new TextSample(50);
        ids.forEach(id -> inOrder.offer(id, new float[] {id.length()}, null));
        List<String> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, new Random(3));
        TextSample outOfOrder = new TextSample(50);
        shuffled.forEach(id -> outOfOrder.offer(id, new float[] {id.length()}, null));

        assertThat(inOrder.size()).isEqualTo(50);
        assertThat(outOfOrder.itemIds()).isEqualTo(inOrder.itemIds());
        // spread over the catalogue, not the first or last items offered
        assertThat(inOrder.itemIds()).anyMatch(id -> Integer.parseInt(id.substring(5)) < 250)
                .anyMatch(id -> Integer.parseInt(id.substring(5)) >= 250);
    }

    @Test
    void aNewEmbeddingReplacesTheOldAndARemovedItemLeaves() {
        TextSample sample = new TextSample(10);
        sample.offer("a", new float[] {1f}, null);
        sample.offer("a", new float[] {2f}, "en");
        assertThat(sample.size()).isEqualTo(1);
        assertThat(sample.raw("a")).containsExactly(2f);
        sample.remove("a");
        assertThat(sample.size()).isZero();
        assertThat(sample.raw("a")).isNull();
    }
}
