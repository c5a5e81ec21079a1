package ripple.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PopularItemsTest {
    /** Items updated in random order with growing keys: the kept list equals a full sort of the final keys. */
    @Test
    void keepsExactlyTheTopItemsWhenKeysOnlyGrow() {
        int n = 500;
        int capacity = 20;
        PopularItems popular = new PopularItems(capacity);
        ItemCatalog.Entry[] entries = new ItemCatalog.Entry[n];
        double[] keys = new double[n];
        for (int i = 0; i < n; i++) {
            entries[i] = new ItemCatalog.Entry("i" + i, i);
        }
        SplittableRandom rnd = new SplittableRandom(3);
        for (int step = 0; step < 20_000; step++) {
            // skewed, so that some items climb into the list after having been evicted
            int i = (int) Math.min(n - 1, Math.abs(rnd.nextGaussian()) * n / 3);
            keys[i] += rnd.nextInt(3);
            popular.offer(entries[i], keys[i]);
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (keys[i] > 0) {
                expected.add(i);
            }
        }
        expected.sort(Comparator.<Integer>comparingDouble(i -> -keys[i]).thenComparingInt(i -> i));
        assertThat(Arrays.stream(popular.top()).map(e -> e.index).toList())
                .isEqualTo(expected.subList(0, capacity));
    }

    @Test
    void anEvictedItemComesBackWhenItOvertakes() {
        PopularItems popular = new PopularItems(2);
        ItemCatalog.Entry a = new ItemCatalog.Entry("a", 0);
        ItemCatalog.Entry b = new ItemCatalog.Entry("b", 1);
        ItemCatalog.Entry c = new ItemCatalog.Entry("c", 2);
        popular.offer(a, 1);
        popular.offer(b, 2);
        popular.offer(c, 3);
        assertThat(popular.top()).containsExactly(c, b);
        popular.offer(a, 5);
        assertThat(popular.top()).containsExactly(a, c);
        // equal keys: the earlier catalogue item first
        popular.offer(b, 5);
        assertThat(popular.top()).containsExactly(a, b);
    }
}
