package ripple.serde;

import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The subset of a Confluent-compatible schema registry that Ripple needs. Ids are global: the same
 * schema registered under two subjects has one id. Versions of a subject count from 1.
 */
public interface SchemaRegistry {

    /** Registers {@code schema} under {@code subject}, or returns its id if already there. */
    int register(String subject, Schema schema);

    /** @throws UnknownSchemaIdException if no schema has this id */
    Schema schemaById(int id);

    /** The id of {@code schema} if it is a version of {@code subject}. */
    Optional<Integer> lookup(String subject, Schema schema);

    /** All subjects, sorted. */
    List<String> subjects();

    /** The version numbers of {@code subject}, ascending; empty for an unknown subject. */
    List<Integer> versions(String subject);

    /** The schema of the subject's highest version; empty for an unknown subject. */
    Optional<Schema> latest(String subject);
}
