package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorType;
import ripple.avro.ScoreUpdate;
import ripple.features.FeatureLayout;
import ripple.features.UserState;
import ripple.features.UserWeights;

/** Every scorer task learns its prior from its own events, shares it, and ranks with all tasks' priors summed. */
class TaskPriorsTopologyTest {

    private static void play(ScorerFixture f) {
        for (int i = 0; i < 8; i++) {
            f.features.pipeInput("i" + i, ScorerFixture.features("i" + i, i, "v1"));
        }
        String[][] events = {{"alice", "i1"}, {"alice", "i2"}, {"bob", "i2"}, {"alice", "i3"}, {"bob", "i3"},
                {"carol", "i5"}, {"alice", "i4"}, {"bob", "i1"}};
        for (int n = 0; n < events.length; n++) {
            f.send(ScorerFixture.event("e" + n, events[n][0], events[n][1], BehaviorType.CLICK,
                    ScorerFixture.T0.plusSeconds(n)));
        }
    }

    private static byte[] ownPrior(ScorerFixture f) {
        return f.driver.<String, byte[]>getKeyValueStore(ScoringProcessor.PRIOR_STORE).get("w0");
    }

    @Test
    void aTaskPublishesItsOwnPriorOnTheTaskPriorsTopicOnItsSchedule(@TempDir Path dir) {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig(), dir)) {
            TestOutputTopic<String, byte[]> shares = f.driver.createOutputTopic(f.topics.taskPriors.name(),
                    Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
            play(f);
            assertThat(shares.isEmpty()).as("nothing before the share interval has passed").isTrue();

            f.driver.advanceWallClockTime(Duration.ofSeconds(1));

            List<KeyValue<String, byte[]>> out = shares.readKeyValuesToList();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).key).as("the task's partition").isEqualTo("0");
            assertThat(out.get(0).value).isEqualTo(ownPrior(f));
            assertThat(UserState.decode(out.get(0).value).weights().step).as("events it learned from").isPositive();
        }
    }

    @Test
    void anotherTasksPriorAddsToTheWeightsUsersAreRankedWithAndNotToThisTasksOwn(@TempDir Path a, @TempDir Path b) {
        try (ScorerFixture shared = new ScorerFixture(ScorerFixture.testConfig(), a);
             ScorerFixture alone = new ScorerFixture(ScorerFixture.testConfig(), b)) {
            FeatureLayout layout = shared.catalog.layout();
            float[] other = new float[layout.size()];
            other[layout.contextOffset() + FeatureLayout.CTX_BIAS] = 2f;
            UserState otherTask = UserState.startingFrom(other, layout.textDims(), 0);
            otherTask.weights().storeExactly();
            shared.driver.createInputTopic(shared.topics.taskPriors.name(), Serdes.String().serializer(),
                    Serdes.ByteArray().serializer()).pipeInput("5", otherTask.encode());

            play(shared);
            play(alone);

            List<ScoreUpdate> withOther = shared.scores.readValuesToList();
            List<ScoreUpdate> without = alone.scores.readValuesToList();
            assertThat(withOther).hasSameSizeAs(without).hasSize(8);
            for (int i = 0; i < withOther.size(); i++) {
                // the bias feature is 1 for every item: the other task's bias weight adds to every score
                assertThat(withOther.get(i).getScoreBefore() - without.get(i).getScoreBefore())
                        .isCloseTo(2.0, within(1e-4));
            }
            // A constant added to every score changes no ranking and no softmax gradient: this task learned the same,
            // to the rounding of floats (scores 2 apart round differently, which moved weights of about 1e-17 by as
            // much). Had the other task's prior been added to this task's own, its bias weight would be 2 apart.
            UserWeights learned = UserState.decode(ownPrior(shared)).weights();
            UserWeights unshared = UserState.decode(ownPrior(alone)).weights();
            assertThat(learned.step).isEqualTo(unshared.step).isPositive();
            assertThat(learned.weights).containsExactly(unshared.weights, within(1e-9f));
            assertThat(learned.moment1).containsExactly(unshared.moment1, within(1e-9f));
            assertThat(learned.moment2).containsExactly(unshared.moment2, within(1e-9f));
        }
    }

    @Test
    void withSharingOffATaskRanksWithItsOwnPriorAndPublishesNothing(@TempDir Path dir) {
        try (ScorerFixture f = new ScorerFixture(ScorerFixture.testConfig()
                .with("learning.prior-share-interval", "0ms"), dir)) {
            TestOutputTopic<String, byte[]> shares = f.driver.createOutputTopic(f.topics.taskPriors.name(),
                    Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
            play(f);
            f.driver.advanceWallClockTime(Duration.ofSeconds(5));
            assertThat(shares.isEmpty()).isTrue();
            assertThat(UserState.decode(ownPrior(f)).weights().step).isPositive();
        }
    }
}
