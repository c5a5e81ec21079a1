package ripple.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.config.RippleConfig;
import ripple.scoring.ScorerFixture;
import ripple.scoring.ScoringSettings;
import ripple.serde.InMemorySchemaRegistry;
import ripple.testing.TestDrivers;
import ripple.topics.Topics;

/** The bench's floor does the state work every scorer of this design must: dedupe, and each user's state read and written. */
class FloorTopologyTest {
    @TempDir
    Path stateDir;

    @Test
    void dropsDuplicatesAndKeepsAStateOfTheScorersSizePerUser() {
        RippleConfig config = RippleConfig.defaultConfig();
        Topics topics = Topics.create(config, new InMemorySchemaRegistry());
        try (TopologyTestDriver driver = new TopologyTestDriver(
                EndToEndBenchmark.floor(ScoringSettings.from(config), topics, "floor-out"),
                TestDrivers.props("floor-test", stateDir))) {
            TestInputTopic<String, BehaviorEvent> in = driver.createInputTopic(topics.behaviorEvents.name(),
                    Serdes.String().serializer(), topics.behaviorEvents.valueSerde().serializer());
            TestOutputTopic<String, BehaviorEvent> out = driver.createOutputTopic("floor-out",
                    Serdes.String().deserializer(), topics.behaviorEvents.valueSerde().deserializer());
            List<BehaviorEvent> sent = List.of(
                    ScorerFixture.event("e1", "alice", "i1", BehaviorType.CLICK, ScorerFixture.T0),
                    ScorerFixture.event("e2", "bob", "i2", BehaviorType.CART, ScorerFixture.T0.plusSeconds(1)),
                    ScorerFixture.event("e1", "alice", "i1", BehaviorType.CLICK, ScorerFixture.T0),
                    ScorerFixture.event("e3", "alice", "i3", BehaviorType.PURCHASE, ScorerFixture.T0.plusSeconds(2)));
            sent.forEach(e -> in.pipeInput(e.getUserId(), e, e.getTimestamp()));

            assertThat(out.readValuesToList()).extracting(BehaviorEvent::getEventId).containsExactly("e1", "e2", "e3");
            KeyValueStore<String, byte[]> users = driver.getKeyValueStore(EndToEndBenchmark.FLOOR_USER_STORE);
            byte[] alice = users.get("alice");
            assertThat(alice).hasSize(EndToEndBenchmark.FLOOR_STATE_BYTES);
            // two events counted (the duplicate dropped), the latest one's time kept
            assertThat(ByteBuffer.wrap(alice).getInt(0)).isEqualTo(2);
            assertThat(ByteBuffer.wrap(alice).getLong(4)).isEqualTo(ScorerFixture.T0.plusSeconds(2).toEpochMilli());
            assertThat(ByteBuffer.wrap(users.get("bob")).getInt(0)).isEqualTo(1);
        }
    }
}
