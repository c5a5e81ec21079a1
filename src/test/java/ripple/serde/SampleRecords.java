package ripple.serde;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.DeadLetter;
import ripple.avro.Item;
import ripple.avro.ItemFeatures;
import ripple.avro.Recommendations;
import ripple.avro.RecommendedItem;
import ripple.avro.ScoreUpdate;
import ripple.avro.WeightUpdate;

/** One filled-in instance of every top-level record type, with non-ASCII text and optional fields set. */
final class SampleRecords {

    static final Instant T = Instant.ofEpochMilli(1_700_000_000_123L);

    private SampleRecords() {}

    static List<SpecificRecord> all() {
        return List.of(behaviorEvent(), item(), itemFeatures(), scoreUpdate(), recommendations(),
                weightUpdate(), deadLetter());
    }

    static BehaviorEvent behaviorEvent() {
        return BehaviorEvent.newBuilder()
                .setEventId("e-1")
                .setUserId("u-42")
                .setItemId("i-7")
                .setType(BehaviorType.PURCHASE)
                .setTimestamp(T)
                .setDwellMs(1234.5)
                .setScenario("ecommerce")
                .setContext(Map.of("category", "图书", "device", "ios"))
                .build();
    }

    static Item item() {
        return Item.newBuilder()
                .setItemId("i-7")
                .setTitle("三体 The Three-Body Problem")
                .setDescription("科幻小说")
                .setCategory("图书")
                .setTags(List.of("sci-fi", "小说"))
                .setLanguage("zh")
                .setUpdatedAt(T)
                .build();
    }

    static ItemFeatures itemFeatures() {
        return ItemFeatures.newBuilder()
                .setItemId("i-7")
                .setModelId("bge-small-zh")
                .setModelVersion("sha256:abc")
                .setEmbedding(List.of(0.6f, -0.8f, 0.0f))
                .setComputedAt(T)
                .setCategory("图书")
                .setTextHash("h1")
                .build();
    }

    static ScoreUpdate scoreUpdate() {
        return ScoreUpdate.newBuilder()
                .setUserId("u-42")
                .setItemId("i-7")
                .setEventId("e-1")
                .setType(BehaviorType.CLICK)
                .setScoreBefore(0.25)
                .setScoreAfter(0.5)
                .setHasTextFeatures(true)
                .setModelVersion("sha256:abc")
                .setEventTime(T)
                .build();
    }

    static Recommendations recommendations() {
        return Recommendations.newBuilder()
                .setUserId("u-42")
                .setEventId("e-1")
                .setModelVersion("sha256:abc")
                .setEventTime(T)
                .setItems(List.of(
                        RecommendedItem.newBuilder().setItemId("i-1").setScore(0.9)
                                .setText(0.5).setInfluence(0.3).setContext(0.1).build(),
                        RecommendedItem.newBuilder().setItemId("i-2").setScore(0.4)
                                .setText(0.0).setInfluence(0.3).setContext(0.1).setHasTextFeatures(false).build()))
                .build();
    }

    static WeightUpdate weightUpdate() {
        return WeightUpdate.newBuilder()
                .setUserId("u-42")
                .setEventId("e-1")
                .setType(BehaviorType.SHARE)
                .setStep(17)
                .setLoss(0.693)
                .setWeights(List.of(0.1f, 0.2f, -0.3f))
                .setDeltaNorm(0.01)
                .setTopKChurn(0.2)
                .setModelVersion("sha256:abc")
                .setEventTime(T)
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("behavior-events")
                .setPartition(3)
                .setOffset(12345L)
                .setReason("MALFORMED_BYTES")
                .setDetail("cannot decode")
                .setErrorClass(SerdeException.class.getName())
                .setOriginalKey(ByteBuffer.wrap("u-42".getBytes(StandardCharsets.UTF_8)))
                .setOriginalValue(ByteBuffer.wrap(new byte[] {7, 0, 0, 0, 1}))
                .setFailedAt(T)
                .build();
    }
}
