package ripple.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.config.RippleConfig;
import ripple.serde.InMemorySchemaRegistry;
import ripple.topics.Topics;

class ItemSignalTest {
    private final Serde<ItemSignal> serde = ItemSignal.serde(
            Topics.create(RippleConfig.defaultConfig(), new InMemorySchemaRegistry()).internalEvents());

    @Test
    void anEventAndACoVisitComeBackAsTheyWere() {
        BehaviorEvent e = event();
        assertThat(roundTrip(ItemSignal.of(e))).isEqualTo(ItemSignal.of(e));
        CoVisit c = new CoVisit("i2", 1234L);
        assertThat(roundTrip(ItemSignal.of(c))).isEqualTo(ItemSignal.of(c));
    }

    @Test
    void anUnknownTagOrAnEmptyRecordIsAClearError() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {'X', 1, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown tag");
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {'C'}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("malformed");
    }

    @Test
    void aSignalIsAnEventOrACoVisitNeverBothNorNeither() {
        assertThatThrownBy(() -> new ItemSignal(null, null)).isInstanceOf(IllegalArgumentException.class);
        BehaviorEvent e = event();
        assertThatThrownBy(() -> new ItemSignal(e, new CoVisit("i2", 1L))).isInstanceOf(IllegalArgumentException.class);
    }

    private static BehaviorEvent event() {
        return BehaviorEvent.newBuilder().setEventId("e1").setUserId("u1").setItemId("i1")
                .setType(BehaviorType.CART).setTimestamp(Instant.parse("2026-11-01T00:00:00Z")).setScenario("ecommerce")
                .setContext(Map.of()).build();
    }

    private ItemSignal roundTrip(ItemSignal s) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", s));
    }
}
