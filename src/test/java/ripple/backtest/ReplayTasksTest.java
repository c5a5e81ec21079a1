package ripple.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import ripple.avro.BehaviorType;
import ripple.config.RippleConfig;
import ripple.features.ItemCatalog;
import ripple.scoring.ScorerFixture;
import ripple.scoring.ScoringObserver;
import ripple.scoring.ScoringSettings;
import ripple.serde.InMemorySchemaRegistry;
import ripple.topics.Topics;

/** A replay of several scorer tasks routes each user to the task of their key's partition, each with its own prior. */
class ReplayTasksTest {
    private static final int TASKS = 3;

    @Test
    void eachUsersEventsGoToTheTaskOfTheirKeysPartition() {
        RippleConfig config = ScorerFixture.testConfig();
        ScoringSettings settings = ScoringSettings.from(config);
        ItemCatalog catalog = settings.newCatalog();
        ReplayTopology replay = new ReplayTopology(settings, Topics.create(config, new InMemorySchemaRegistry()),
                catalog, ScoringObserver.NONE, TASKS);
        for (int i = 0; i < 8; i++) {
            replay.pipeFeatures(ScorerFixture.features("i" + i, i, "v1"));
        }
        String[] userOfTask = new String[TASKS];
        for (int n = 0; userOfTask[0] == null || userOfTask[1] == null || userOfTask[2] == null; n++) {
            String user = "user-" + n;
            int task = ReplayTopology.taskOf(user, TASKS);
            // the producer's default partitioner for a keyed record
            assertThat(task).isEqualTo(Utils.toPositive(Utils.murmur2(user.getBytes(StandardCharsets.UTF_8))) % TASKS);
            if (userOfTask[task] == null) {
                userOfTask[task] = user;
            }
        }

        pipe(replay, userOfTask[1], 0);
        assertThat(replay.priors().get(1).get("w0")).isNotNull();
        assertThat(replay.priors().get(0).get("w0")).isNull();
        assertThat(replay.priors().get(2).get("w0")).isNull();

        pipe(replay, userOfTask[2], 10);
        assertThat(replay.priors().get(2).get("w0")).isNotNull();
        assertThat(replay.priors().get(0).get("w0")).isNull();
        assertThat(replay.priorsOf(userOfTask[2])).isSameAs(replay.priors().get(2));
        assertThat(replay.users().get(userOfTask[1])).isNotNull();
        assertThat(replay.users().get(userOfTask[2])).isNotNull();
    }

    private static void pipe(ReplayTopology replay, String user, int from) {
        for (int n = 0; n < 4; n++) {
            long t = ScorerFixture.T0.plusSeconds(from + n).toEpochMilli();
            replay.pipe(ScorerFixture.event(user + "-e" + n, user, "i" + (n + 1), BehaviorType.CLICK,
                    ScorerFixture.T0.plusSeconds(from + n)), t);
        }
    }
}
