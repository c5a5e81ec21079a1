package ripple.serde;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Caches what never changes once known: the schema of an id, and the id of a schema in a subject.
 * Subject listings and latest versions do change, so they always go to the delegate.
 */
public final class CachingSchemaRegistry implements SchemaRegistry {

    private final SchemaRegistry delegate;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

    // Keyed by the schema's text, as registries identify schemas: Schema.equals ignores docs.
    private record SubjectSchema(String subject, String schemaText) {
        SubjectSchema(String subject, Schema schema) {
            this(subject, schema.toString());
        }
    }

    public CachingSchemaRegistry(SchemaRegistry delegate) {
        this.delegate = delegate;
    }

    @Override
    public int register(String subject, Schema schema) {
        return idsBySubjectSchema.computeIfAbsent(new SubjectSchema(subject, schema), key -> {
            int id = delegate.register(subject, schema);
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    @Override
    public Schema schemaById(int id) {
        // A failed look-up (unknown id) throws out of computeIfAbsent and so is not cached:
        // the schema may be registered later.
        return schemasById.computeIfAbsent(id, delegate::schemaById);
    }

    @Override
    public Optional<Integer> lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Integer> found = delegate.lookup(subject, schema);
        found.ifPresent(id -> idsBySubjectSchema.putIfAbsent(key, id));
        return found;
    }

    @Override
    public List<String> subjects() {
        return delegate.subjects();
    }

    @Override
    public List<Integer> versions(String subject) {
        return delegate.versions(subject);
    }

    @Override
    public Optional<Schema> latest(String subject) {
        return delegate.latest(subject);
    }
}
