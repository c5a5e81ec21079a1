package ripple.dev.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import ripple.registry.SchemaRegistryException;

/**
 * Confluent's compatibility levels, checked with Avro's own resolution rules. BACKWARD: the new schema
 * can read data written with the old one (consumers upgrade first). FORWARD: the old schema can read
 * data written with the new one (producers upgrade first). FULL: both. Plain levels compare with the
 * latest version only; TRANSITIVE ones with every earlier version.
 */
public enum Compatibility {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    Compatibility(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** @throws SchemaRegistryException (42203) for a name that is not a level */
    public static Compatibility parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new SchemaRegistryException(SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL,
                    "Invalid compatibility level: " + name);
        }
    }

    /**
     * Why {@code candidate} may not follow {@code previous} (oldest first); empty if it may.
     */
    public List<String> violations(Schema candidate, List<Schema> previous) {
        List<Schema> against = transitive || previous.isEmpty() ? previous : previous.subList(previous.size() - 1, previous.size());
        List<String> problems = new ArrayList<>();
        for (Schema old : against) {
            if (backward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old), "reading old data", problems);
            }
            if (forward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(old, candidate), "old readers", problems);
            }
        }
        return problems;
    }

    private static void describe(SchemaCompatibility.SchemaPairCompatibility result, String direction, List<String> out) {
        for (Incompatibility i : result.getResult().getIncompatibilities()) {
            out.add(direction + ": " + i.getType() + " at " + i.getLocation() + ": " + i.getMessage());
        }
    }
}
