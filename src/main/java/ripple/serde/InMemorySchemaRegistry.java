package ripple.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.avro.Schema;

/**
 * A registry in memory, for tests. Like Confluent's, it identifies a schema by
 * its full JSON text (docs and defaults included, since defaults change how data is resolved) and
 * ids start at 1.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

    private final Map<String, Integer> idsByText = new HashMap<>();
    private final List<Schema> schemasById = new ArrayList<>(); // id n at index n - 1
    private final Map<String, List<Integer>> idsBySubject = new TreeMap<>(); // version n at index n - 1

    @Override
    public synchronized int register(String subject, Schema schema) {
        String text = schema.toString();
        Integer id = idsByText.get(text);
        if (id == null) {
            // Store a copy parsed from the text, as a remote registry would return it, so that callers
            // never share (mutable) Schema objects through the registry.
            schemasById.add(new Schema.Parser().parse(text));
            id = schemasById.size();
            idsByText.put(text, id);
        }
        List<Integer> versions = idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > schemasById.size()) {
            throw new UnknownSchemaIdException(id);
        }
        return schemasById.get(id - 1);
    }

    @Override
    public synchronized Optional<Integer> lookup(String subject, Schema schema) {
        Integer id = idsByText.get(schema.toString());
        return id != null && idsBySubject.getOrDefault(subject, List.of()).contains(id)
                ? Optional.of(id)
                : Optional.empty();
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(idsBySubject.keySet());
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        int count = idsBySubject.getOrDefault(subject, List.of()).size();
        return IntStream.rangeClosed(1, count).boxed().toList();
    }

    @Override
    public synchronized Optional<Schema> latest(String subject) {
        List<Integer> ids = idsBySubject.getOrDefault(subject, List.of());
        return ids.isEmpty() ? Optional.empty() : Optional.of(schemaById(ids.get(ids.size() - 1)));
    }
}
