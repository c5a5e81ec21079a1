package ripple.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.config.RippleConfig;

class ChurnSampleTest {
    @TempDir
    Path dir;

    @Test
    void picksOneEventInEveryByItsIdWhateverTheIdsLookLike() {
        ChurnSample sample = new ChurnSample(16, 20, false);
        boolean[] inOrder = new boolean[16_000];
        int picked = 0;
        for (int i = 0; i < inOrder.length; i++) {
            inOrder[i] = sample.sampled("e" + i);
            picked += inOrder[i] ? 1 : 0;
        }
        assertThat(picked).isBetween(800, 1200);
        for (int i = 0; i < 100; i++) {
            assertThat(new ChurnSample(16, 20, false).sampled("e" + i))
                    .as("picked by its id, not by how many came before it: e%d", i).isEqualTo(inOrder[i]);
        }
        ChurnSample every = new ChurnSample(1, 20, false);
        for (int i = 0; i < 100; i++) {
            assertThat(every.sampled("e" + i)).isTrue();
        }
        assertThatThrownBy(() -> new ChurnSample(0, 20, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void measuringEveryEventMeasuresEachAcceptedEventOnce() {
        Replay.Result result = replay(RippleConfig.defaultConfig().with(Replay.CHURN_SAMPLE, "1"));
        double[] all = new double[3];
        result.churns.values().forEach(m -> {
            for (int i = 0; i < 3; i++) {
                all[i] += m[i];
            }
        });
        assertThat((long) all[0]).isEqualTo(result.accepted);
        double mean = all[1] / all[0];
        assertThat(mean).as("a user's first events replace much of their list; later ones less").isBetween(0.01, 0.99);
        assertThat(Backtest.meanInterval(all)).satisfies(ci -> assertThat(ci[0]).isLessThan(mean).isPositive())
                .satisfies(ci -> assertThat(ci[1]).isGreaterThan(mean).isLessThanOrEqualTo(1.0));
    }

    @Test
    void anIntervalNeedsTwoEvents() {
        assertThat(Backtest.meanInterval(new double[] {1, 0.5, 0.25})).isNull();
        assertThat(Backtest.meanInterval(new double[] {2, 1.0, 0.5})).containsExactly(0.5, 0.5);
    }

    private Replay.Result replay(RippleConfig config) {
        SplittableRandom rnd = new SplittableRandom(3);
        List<BehaviorEvent> events = new ArrayList<>();
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < 600; i++) {
            int user = rnd.nextInt(20);
            int item = (user % 4) + 4 * rnd.nextInt(20);
            t = t.plusSeconds(1 + rnd.nextInt(60));
            events.add(BehaviorEvent.newBuilder().setEventId("e" + i).setUserId("u" + user).setItemId("i" + item)
                    .setType(rnd.nextBoolean() ? BehaviorType.CLICK : BehaviorType.CART).setTimestamp(t)
                    .setScenario("ecommerce").setContext(Map.of("category", "c" + item % 4)).build());
        }
        return new Replay("ripple", config, true, Set.of(), ReplayInput.of("fixed", events, List.of()),
                ReplayOptions.defaults(), dir, new AtomicLong()).run();
    }
}
