package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextQueryCacheTest {
    private static final int[] FOUND = {3, 1};

    @Test
    void hitsServeUntilTheRefreshStep() {
        TextQueryCache cache = new TextQueryCache(4, 10);
        TextQueryCache.Hits hits = new TextQueryCache.Hits(10, FOUND);
        assertThat(cache.fresh(hits, 10)).isTrue();
        assertThat(cache.fresh(hits, 13)).isTrue();
        assertThat(cache.fresh(hits, 14)).isFalse();
        assertThat(cache.fresh(null, 10)).isFalse();
    }

    @Test
    void aStepBeforeTheSearchedOneSearchesAgain() {
        // a user erased and starting over, or state restored from an older changelog
        assertThat(new TextQueryCache(16, 10).fresh(new TextQueryCache.Hits(10, FOUND), 2)).isFalse();
    }

    @Test
    void refreshingEveryEventReusesNothingFromAnEarlierEvent() {
        assertThat(new TextQueryCache(1, 10).fresh(new TextQueryCache.Hits(10, FOUND), 11)).isFalse();
    }

    @Test
    void keepsAtMostMaxUsersDroppingTheLeastRecentlyUsed() {
        TextQueryCache cache = new TextQueryCache(4, 2);
        cache.of("a").put("m", new TextQueryCache.Hits(0, FOUND));
        cache.of("b").put("m", new TextQueryCache.Hits(0, FOUND));
        cache.of("a");
        cache.of("c");
        assertThat(cache.users()).isEqualTo(2);
        assertThat(cache.of("a")).containsKey("m");
        assertThat(cache.of("b")).isEmpty();
    }
}
