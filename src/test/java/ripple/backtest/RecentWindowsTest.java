package ripple.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentWindowsTest {
    @Test
    void eachUserKeepsTheirLastDistinctItemsMostRecentFirst() {
        RecentWindows w = new RecentWindows(3);
        assertThat(w.touch(0, 5)).as("new to the window").isTrue();
        assertThat(w.touch(0, 6)).isTrue();
        assertThat(w.touch(0, 5)).as("already there: moved to the front").isFalse();
        assertThat(w.get(0)).containsExactly(5, 6);
        assertThat(w.touch(0, 7)).isTrue();
        assertThat(w.touch(0, 8)).as("the oldest, 6, falls out").isTrue();
        assertThat(w.get(0)).containsExactly(8, 7, 5);
        assertThat(w.contains(0, 6)).isFalse();
        assertThat(w.last(0)).isEqualTo(8);
    }

    @Test
    void usersBeyondTheFirstGrowthKeepTheirsApartAndUnknownUsersHaveNone() {
        RecentWindows w = new RecentWindows(2);
        w.touch(1, 10);
        // user 200 grows the arrays past their first size; user 1's window must survive the copy
        w.touch(200, 20);
        w.touch(200, 21);
        w.touch(1, 11);
        assertThat(w.get(1)).containsExactly(11, 10);
        assertThat(w.get(200)).containsExactly(21, 20);
        assertThat(w.get(199)).isEmpty();
        assertThat(w.last(5000)).isEqualTo(-1);
        assertThat(w.contains(5000, 10)).isFalse();
        int[] copy = w.get(1);
        w.touch(1, 12);
        assertThat(copy).as("get returns a copy").containsExactly(11, 10);
    }
}
