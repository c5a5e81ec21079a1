package ripple.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InfluenceFeaturesTest {
    private static final FeatureLayout LAYOUT = new FeatureLayout(List.of("m"), 8);
    private static final long DAY = Duration.ofDays(1).toMillis();
    /** A half-life of a day has ticks of 1/1024 day, 84,375 ms. */
    private static final long TICK = DAY / 1024;
    private static final long T = 20_000_000 * TICK; // the start of a tick, in 2023

    private static ItemCatalog catalog() {
        return new ItemCatalog(LAYOUT, 42, new Decay(Duration.ofDays(1)), RetrievalSettings.defaults());
    }

    private static float[] counts(float view) {
        float[] c = new float[InfluenceGroup.COUNT];
        c[InfluenceGroup.VIEW.ordinal()] = view;
        return c;
    }

    private static float view(ItemCatalog catalog, String item, long now) {
        float[] f = new float[LAYOUT.size()];
        catalog.influenceFeatures(catalog.get(item), now, f);
        return f[LAYOUT.influenceOffset() + InfluenceGroup.VIEW.ordinal()];
    }

    @Test
    void areReadAsOfTheStartOfTheTickThatHoldsNow() {
        ItemCatalog catalog = catalog();
        assertThat(catalog.influenceTickMs()).isEqualTo(TICK);
        catalog.putInfluence("a", new ItemCatalog.Influence(counts(100f), T));
        catalog.putInfluence("b", new ItemCatalog.Influence(counts(1000f), T));
        float atStart = view(catalog, "a", T + DAY);
        assertThat(view(catalog, "a", T + DAY + TICK - 1)).isEqualTo(atStart);
        assertThat(view(catalog, "a", T + DAY + TICK)).isLessThan(atStart);
        // one half-life later: log(1 + 100 * 0.5) / log(1 + 1000), the largest count seen
        assertThat(atStart).isCloseTo((float) (Math.log(51) / Math.log1p(1000)), within(1e-5f));
        assertThat(view(catalog, "a", T + 2 * DAY)).isCloseTo((float) (Math.log(26) / Math.log1p(1000)), within(1e-5f));
    }

    @Test
    void ticksAreASecondAtLeast() {
        ItemCatalog catalog = new ItemCatalog(LAYOUT, 42, new Decay(Duration.ofMinutes(1)), RetrievalSettings.defaults());
        assertThat(catalog.influenceTickMs()).isEqualTo(1000);
    }

    @Test
    void followANewInfluenceAndANewLargestCountWithinTheSameSecond() {
        ItemCatalog catalog = catalog();
        catalog.putInfluence("a", new ItemCatalog.Influence(counts(100f), T));
        assertThat(view(catalog, "a", T)).isEqualTo(1f);
        catalog.putInfluence("b", new ItemCatalog.Influence(counts(1000f), T));
        assertThat(view(catalog, "a", T + 1)).isCloseTo((float) (Math.log(101) / Math.log1p(1000)), within(1e-6f));
        catalog.putInfluence("a", new ItemCatalog.Influence(counts(10f), T));
        assertThat(view(catalog, "a", T + 2)).isCloseTo((float) (Math.log(11) / Math.log1p(1000)), within(1e-6f));
    }

    @Test
    void theCategorysPopularityFollowsANewLeaderWithinTheTick() {
        // read before and after another item overtakes it in its category, within one tick and with no scale
        // growing (a larger item elsewhere holds every largest count): a value kept from the tick's first read
        // would make a ranking depend on which rankings came before it
        ItemCatalog catalog = catalog();
        catalog.putInfluence("z", new ItemCatalog.Influence(counts(100_000f), T, 100_000f, "d"));
        catalog.putInfluence("a", new ItemCatalog.Influence(counts(100f), T, 100f, "c"));
        catalog.putInfluence("b", new ItemCatalog.Influence(counts(10f), T, 10f, "c"));
        ItemCatalog.Entry a = catalog.get("a");
        float[] before = new float[catalog.layout().size()];
        catalog.influenceFeatures(a, T + 1, before);
        assertThat(catalog.categoryPopularity(a)).isEqualTo(1f);
        catalog.putInfluence("b", new ItemCatalog.Influence(counts(1000f), T + 2, 1000f, "c"));
        float[] after = new float[before.length];
        catalog.influenceFeatures(a, T + 3, after);
        assertThat(after).as("a's own features are unchanged within the tick").containsExactly(before);
        assertThat(catalog.categoryPopularity(a)).isCloseTo((float) (Math.log1p(100) / Math.log1p(1000)),
                within(1e-6f));
    }
}
