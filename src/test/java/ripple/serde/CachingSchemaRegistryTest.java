package ripple.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import ripple.avro.BehaviorEvent;

class CachingSchemaRegistryTest {

    /** Counts the calls that reach the delegate. */
    private static final class CountingRegistry implements SchemaRegistry {
        final InMemorySchemaRegistry inner = new InMemorySchemaRegistry();
        int calls;

        @Override
        public int register(String subject, Schema schema) {
            calls++;
            return inner.register(subject, schema);
        }

        @Override
        public Schema schemaById(int id) {
            calls++;
            return inner.schemaById(id);
        }

        @Override
        public Optional<Integer> lookup(String subject, Schema schema) {
            calls++;
            return inner.lookup(subject, schema);
        }

        @Override
        public List<String> subjects() {
            calls++;
            return inner.subjects();
        }

        @Override
        public List<Integer> versions(String subject) {
            calls++;
            return inner.versions(subject);
        }

        @Override
        public Optional<Schema> latest(String subject) {
            calls++;
            return inner.latest(subject);
        }
    }

    private final CountingRegistry delegate = new CountingRegistry();
    private final CachingSchemaRegistry cache = new CachingSchemaRegistry(delegate);
    private final Schema event = BehaviorEvent.getClassSchema();

    @Test
    void registerAndItsSchemaAreCached() {
        int id = cache.register("events-value", event);

        assertThat(cache.register("events-value", event)).isEqualTo(id);
        assertThat(cache.lookup("events-value", event)).contains(id);
        assertThat(cache.schemaById(id)).isEqualTo(event);
        assertThat(delegate.calls).isEqualTo(1);
    }

    @Test
    void schemaByIdIsCached() {
        int id = delegate.inner.register("events-value", event);

        cache.schemaById(id);
        cache.schemaById(id);

        assertThat(delegate.calls).isEqualTo(1);
    }

    @Test
    void unknownIdIsNotCachedSoALaterRegistrationIsSeen() {
        assertThatThrownBy(() -> cache.schemaById(1)).isInstanceOf(UnknownSchemaIdException.class);

        int id = delegate.inner.register("events-value", event);

        assertThat(cache.schemaById(id)).isEqualTo(event);
    }

    @Test
    void missingLookupIsNotCached() {
        assertThat(cache.lookup("events-value", event)).isEmpty();

        int id = delegate.inner.register("events-value", event);

        assertThat(cache.lookup("events-value", event)).contains(id);
    }

    @Test
    void listingsAlwaysReachTheDelegate() {
        cache.register("events-value", event);
        delegate.inner.register("other-value", event);

        assertThat(cache.subjects()).containsExactly("events-value", "other-value");
        assertThat(cache.versions("other-value")).containsExactly(1);
        assertThat(cache.latest("other-value")).contains(event);
    }
}
