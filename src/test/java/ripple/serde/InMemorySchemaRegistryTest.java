package ripple.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import ripple.avro.BehaviorEvent;
import ripple.avro.Item;
import ripple.serde.SerdeException.Reason;

class InMemorySchemaRegistryTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final Schema event = BehaviorEvent.getClassSchema();
    private final Schema item = Item.getClassSchema();

    @Test
    void registeringIsIdempotent() {
        int id = registry.register("events-value", event);

        assertThat(registry.register("events-value", event)).isEqualTo(id);
        assertThat(registry.versions("events-value")).containsExactly(1);
    }

    @Test
    void idsAreGlobalAcrossSubjects() {
        int id = registry.register("a-value", event);

        assertThat(registry.register("b-value", event)).isEqualTo(id);
        assertThat(registry.register("a-value", item)).isNotEqualTo(id);
    }

    @Test
    void equalSchemaTextGetsTheSameIdWhateverTheInstance() {
        int id = registry.register("events-value", event);
        Schema reparsed = new Schema.Parser().parse(event.toString());

        assertThat(registry.register("events-value", reparsed)).isEqualTo(id);
    }

    @Test
    void schemaByIdReturnsTheRegisteredSchema() {
        int id = registry.register("events-value", event);

        assertThat(registry.schemaById(id)).isEqualTo(event);
        assertThat(registry.schemaById(id).toString()).isEqualTo(event.toString());
    }

    @Test
    void unknownIdThrows() {
        registry.register("events-value", event);

        for (int unknown : new int[] {0, -1, 2, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> registry.schemaById(unknown))
                    .isInstanceOfSatisfying(UnknownSchemaIdException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
                        assertThat(e.schemaId()).isEqualTo(unknown);
                    });
        }
    }

    @Test
    void lookupFindsOnlySchemasOfThatSubject() {
        int id = registry.register("events-value", event);

        assertThat(registry.lookup("events-value", event)).contains(id);
        assertThat(registry.lookup("events-value", item)).isEmpty();
        assertThat(registry.lookup("other-value", event)).isEmpty();
    }

    @Test
    void versionsSubjectsAndLatestFollowRegistrationOrder() {
        registry.register("z-value", item);
        registry.register("events-value", item);
        registry.register("events-value", event);

        assertThat(registry.subjects()).containsExactly("events-value", "z-value");
        assertThat(registry.versions("events-value")).containsExactly(1, 2);
        assertThat(registry.versions("missing-value")).isEmpty();
        assertThat(registry.latest("events-value")).contains(event);
        assertThat(registry.latest("missing-value")).isEmpty();
    }
}
