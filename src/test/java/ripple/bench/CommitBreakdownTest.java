package ripple.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CommitBreakdownTest {

    @Test
    void theMeanOfWhatWasAddedComesFromTwoAllTimeMeans() {
        // 10 requests at a mean of 2 ms, then 20 more at 4 ms: all 30 average 3.33 ms
        assertThat(CommitBreakdown.meanBetween(10, 2.0, 30, 10 * 2.0 / 30 + 20 * 4.0 / 30)).isCloseTo(4.0, within(1e-9));
        assertThat(CommitBreakdown.meanBetween(10, 2.0, 10, 2.0)).isZero();
    }

    @Test
    void countersAreTurnedIntoRatesAndTimesPerCommit() {
        CommitBreakdown.Counters from = new CommitBreakdown.Counters(0, 100, 1e9, 2e8, 1e8, 1000, 1.0, 100, 5.0);
        // two seconds later: 20 more commits, 0.6 s more flushing, 60 more produce requests at 2 ms each
        CommitBreakdown.Counters to = new CommitBreakdown.Counters(2_000_000_000L, 120, 1.6e9, 2.4e8, 1.2e8, 1060,
                (1000 * 1.0 + 60 * 2.0) / 1060, 120, (100 * 5.0 + 20 * 8.0) / 120);
        CommitBreakdown b = CommitBreakdown.between(from, to);
        assertThat(b.commitsPerSec()).isCloseTo(10.0, within(1e-9));
        assertThat(b.flushMs()).isCloseTo(30.0, within(1e-9));
        assertThat(b.sendOffsetsMs()).isCloseTo(2.0, within(1e-9));
        assertThat(b.txnCommitMs()).isCloseTo(1.0, within(1e-9));
        assertThat(b.produceRequests()).isCloseTo(3.0, within(1e-9));
        assertThat(b.produceMs()).isCloseTo(2.0, within(1e-9));
        assertThat(b.markersMs()).isCloseTo(8.0, within(1e-9));
        assertThat(b.toJson()).contains("\"flush_ms\": 30.00", "\"commits_per_sec\": 10.00");
    }
}
