package ripple.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
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
    void eachShapeOfSignalComesBackAsItWas() {
        BehaviorEvent e = event();
        CoVisit c = new CoVisit("i2", 1234L);
        CoVisit d = new CoVisit("élément-3", 5678L);
        for (ItemSignal s : List.of(ItemSignal.of(e), ItemSignal.of(c), new ItemSignal(e, List.of(c, d)),
                new ItemSignal(null, List.of(c, d)), new ItemSignal(e, List.of(d)))) {
            assertThat(roundTrip(s)).isEqualTo(s);
        }
    }

    @Test
    void anEventAloneAndACoVisitAloneKeepTheirShortFormats() {
        byte[] event = serde.serializer().serialize("t", ItemSignal.of(event()));
        byte[] coVisit = serde.serializer().serialize("t", ItemSignal.of(new CoVisit("i2", 1234L)));
        byte[] both = serde.serializer().serialize("t", new ItemSignal(event(), List.of(new CoVisit("i2", 1234L))));
        assertThat(event[0]).isEqualTo((byte) 'E');
        assertThat(coVisit[0]).isEqualTo((byte) 'C');
        // a co-visit alone: the tag, 8 bytes of time, the id
        assertThat(coVisit).hasSize(1 + 8 + 2);
        assertThat(both[0]).isEqualTo((byte) 'S');
    }

    @Test
    void anUnknownTagAnEmptyOrTruncatedRecordIsAClearError() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {'X', 1, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown tag");
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {'C'}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("malformed");
        byte[] both = serde.serializer().serialize("t", new ItemSignal(event(),
                List.of(new CoVisit("i2", 1L), new CoVisit("i3", 2L))));
        for (int cut = 2; cut < both.length; cut++) {
            byte[] truncated = Arrays.copyOf(both, cut);
            assertThatThrownBy(() -> serde.deserializer().deserialize("t", truncated)).as("cut at %d", cut)
                    .isInstanceOf(SerializationException.class);
        }
        byte[] longer = Arrays.copyOf(both, both.length + 1);
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", longer))
                .isInstanceOf(SerializationException.class).hasMessageContaining("left over");
    }

    @Test
    void aSignalCarriesAnEventOrCoVisitsOrBothNeverNeither() {
        assertThatThrownBy(() -> new ItemSignal(null, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ItemSignal(event(), List.of(new CoVisit("i2", 1L))).coVisits()).hasSize(1);
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
