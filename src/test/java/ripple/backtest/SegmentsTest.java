package ripple.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.config.RippleConfig;

/** Segments of a hand-made replay: each event lands where its history says, and each pair partitions the events. */
class SegmentsTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void eachEventLandsInTheSegmentsItsHistorySays() {
        // u1 i1 (cold user, new item); u1 i1 (repeat); u2 i1 (cold user, seen item); u1 i2 (warm, unseen); u2 i2
        String[][] rows = {{"u1", "i1"}, {"u1", "i1"}, {"u2", "i1"}, {"u1", "i2"}, {"u2", "i2"}};
        List<BehaviorEvent> events = new ArrayList<>();
        for (int n = 0; n < rows.length; n++) {
            events.add(BehaviorEvent.newBuilder().setEventId("e" + n).setUserId(rows[n][0]).setItemId(rows[n][1])
                    .setType(BehaviorType.BROWSE).setTimestamp(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(n))
                    .setScenario("ecommerce").setContext(Map.of()).build());
        }
        ReplayInput input = ReplayInput.of("hand-made", events, List.of());
        Replay.Result r = new Replay("ripple", RippleConfig.defaultConfig(), true, java.util.Set.of(), input,
                ReplayOptions.defaults(), dir, new AtomicLong()).run();
        assertThat(r.count).isEqualTo(5);
        byte[] expected = {
                Segments.mask(false, false, true),
                Segments.mask(true, true, false),
                Segments.mask(true, false, true),
                Segments.mask(false, false, false),
                Segments.mask(true, false, false)};
        for (int i = 0; i < 5; i++) {
            assertThat(r.masks[i]).as("event " + i).isEqualTo(expected[i]);
        }
        assertThat(Backtest.rows(r, "seenItem")).containsExactly(1, 2, 4);
        assertThat(Backtest.rows(r, "repeat")).containsExactly(1);
        assertThat(Backtest.rows(r, "newToUser")).containsExactly(0, 2, 3, 4);
        assertThat(Backtest.rows(r, "coldUser")).containsExactly(0, 2);
        assertThat(Backtest.rows(r, "warmUser")).containsExactly(1, 3, 4);
        for (String[] pair : new String[][] {{"repeat", "newToUser"}, {"coldUser", "warmUser"}}) {
            assertThat(Backtest.rows(r, pair[0]).length + Backtest.rows(r, pair[1]).length).isEqualTo(r.count);
        }
        // no model can hit an item it never saw; every model's sums count the same events per segment
        for (String model : r.names) {
            for (int i : new int[] {0, 3}) {
                assertThat((int) r.rank(i, r.names.indexOf(model))).as(model + " event " + i).isZero();
            }
            assertThat(r.sums.get(model).get("seenItem").count()).isEqualTo(3);
            assertThat(r.sums.get(model).get("warmUser").count()).isEqualTo(3);
        }
        // the repeat: u1's own recent item is first for recent+pop
        assertThat((int) r.rank(1, r.names.indexOf("recent+pop"))).isEqualTo(1);
    }
}
