package ripple.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.junit.jupiter.api.Test;

/**
 * The schemas in avro/ and the last released ones, kept in src/test/resources/avro-baseline, must be FULL
 * compatible: the new schemas read data written with the old (BACKWARD: upgraded consumers read what old
 * producers and the topics' history hold) and the old read data written with the new (FORWARD: during a rolling
 * upgrade, instances and downstream consumers not yet upgraded read what upgraded ones write). When a schema
 * changes, its old version stays the baseline until a release copies the new one over.
 */
class SchemaCompatibilityTest {

    private static final Map<String, Schema> CURRENT = AvroSchemaFiles.parse(Path.of("avro"));
    private static final Map<String, Schema> BASELINE =
            AvroSchemaFiles.parse(Path.of("src/test/resources/avro-baseline"));

    @Test
    void currentSchemasReadBaselineData() {
        assertThat(BASELINE).isNotEmpty();
        assertThat(CURRENT).as("a released schema was removed").containsKeys(BASELINE.keySet().toArray(String[]::new));
        BASELINE.forEach((name, baseline) -> {
            SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(CURRENT.get(name), baseline);
            assertThat(result.getType()).as("BACKWARD %s: %s", name, result.getDescription())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        });
    }

    @Test
    void baselineSchemasReadCurrentData() {
        assertThat(BASELINE).isNotEmpty();
        BASELINE.forEach((name, baseline) -> {
            SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(baseline, CURRENT.get(name));
            assertThat(result.getType()).as("FORWARD %s: %s", name, result.getDescription())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        });
    }

    @Test
    void theCheckCatchesANewFieldWithoutDefault() {
        Schema baseline = BASELINE.get("ripple.avro.BehaviorEvent");
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : baseline.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(new Schema.Field("required", Schema.create(Schema.Type.STRING)));
        Schema changed = Schema.createRecord(baseline.getName(), baseline.getDoc(), baseline.getNamespace(), false, fields);

        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(changed, baseline);

        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(result.getResult().getIncompatibilities())
                .anySatisfy(i -> assertThat(i.getMessage()).contains("required"));
    }

    @Test
    void theCheckCatchesARemovedFieldWithoutDefault() {
        Schema baseline = BASELINE.get("ripple.avro.BehaviorEvent");
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : baseline.getFields()) {
            if (!field.name().equals("itemId")) {
                fields.add(new Schema.Field(field, field.schema()));
            }
        }
        Schema changed = Schema.createRecord(baseline.getName(), baseline.getDoc(), baseline.getNamespace(), false, fields);

        // the new schema still reads old data (BACKWARD), but an old reader finds no itemId in new data
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(changed, baseline).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(baseline, changed);
        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
        assertThat(result.getResult().getIncompatibilities())
                .anySatisfy(i -> assertThat(i.getMessage()).contains("itemId"));
    }
}
