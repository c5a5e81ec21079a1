package ripple.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TextNeighboursTest {
    private static final FeatureLayout LAYOUT = new FeatureLayout(List.of("m"), 8);
    private static final RetrievalSettings EAGER = new RetrievalSettings(10, 10, 10, 5,
            EnumSet.allOf(RetrievalSettings.Source.class), Duration.ZERO, 16, 100, 1, 1, 0);
    private static final long T = 1_700_000_000_000L;

    private static float[] scaled(float[] v, float by) {
        float[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= by;
        }
        return out;
    }

    @Test
    void areKeptWhileTheCatalogueGrowsByUnderATenthThenSearchedAgain() {
        ItemCatalog catalog = new ItemCatalog(LAYOUT, 42, new Decay(Duration.ofDays(1)), EAGER);
        SplittableRandom rnd = new SplittableRandom(1);
        float[] first = null;
        for (int i = 0; i < 20; i++) {
            float[] embedding = new float[16];
            for (int d = 0; d < embedding.length; d++) {
                embedding[d] = (float) rnd.nextGaussian();
            }
            first = first == null ? embedding : first;
            catalog.putFeatures("i" + i, "m", "v1", embedding, T, null, null);
        }
        ItemCatalog.Entry item = catalog.get("i0");
        int[] searched = catalog.textNeighbours(item, 3);
        // items along i0's text, longer: the largest inner products with it once they are searchable
        catalog.putFeatures("near1", "m", "v1", scaled(first, 3f), T, null, null);
        catalog.putFeatures("near2", "m", "v1", scaled(first, 4f), T, null, null);
        assertThat(catalog.textNeighbours(item, 3)).isSameAs(searched); // 22 items: 1.1 times 20
        catalog.putFeatures("near3", "m", "v1", scaled(first, 5f), T, null, null);
        assertThat(catalog.textNeighbours(item, 3)).containsExactly(
                catalog.get("near3").index, catalog.get("near2").index, catalog.get("near1").index);
    }

    @Test
    void areSearchedAgainWhenTheItemsTextChanges() {
        ItemCatalog catalog = new ItemCatalog(LAYOUT, 42, new Decay(Duration.ofDays(1)), EAGER);
        float[] a = new float[16];
        a[0] = 1f;
        float[] b = new float[16];
        b[1] = 1f;
        catalog.putFeatures("a", "m", "v1", a, T, null, null);
        catalog.putFeatures("b", "m", "v1", b, T, null, null);
        catalog.putFeatures("x", "m", "v1", scaled(a, 2f), T, null, null);
        ItemCatalog.Entry x = catalog.get("x");
        assertThat(catalog.textNeighbours(x, 1)).containsExactly(x.index);
        catalog.putFeatures("b2", "m", "v1", scaled(b, 3f), T, null, null);
        catalog.putFeatures("x", "m", "v1", b, T, null, null);
        assertThat(catalog.textNeighbours(x, 1)).containsExactly(catalog.get("b2").index);
    }
}
