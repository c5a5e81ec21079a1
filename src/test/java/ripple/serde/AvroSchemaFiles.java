package ripple.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;

/** Parses a directory of .avsc files the way the build does. */
final class AvroSchemaFiles {

    /** Referenced by other schemas, so parsed first (as the avro-maven-plugin's imports do). */
    private static final String FIRST = "BehaviorType.avsc";

    private AvroSchemaFiles() {}

    /** Schemas by full name, all from one parser so references between files resolve. */
    static Map<String, Schema> parse(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> avsc = files.filter(p -> p.getFileName().toString().endsWith(".avsc"))
                    .sorted(Comparator.comparing((Path p) -> !p.getFileName().toString().equals(FIRST))
                            .thenComparing(Path::getFileName))
                    .toList();
            Schema.Parser parser = new Schema.Parser();
            Map<String, Schema> schemas = new LinkedHashMap<>();
            for (Path file : avsc) {
                Schema schema = parser.parse(file.toFile());
                schemas.put(schema.getFullName(), schema);
            }
            return schemas;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
