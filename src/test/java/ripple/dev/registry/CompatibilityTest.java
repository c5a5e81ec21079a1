package ripple.dev.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import ripple.registry.SchemaRegistryException;

class CompatibilityTest {

    private static final Schema A = record("{\"name\": \"a\", \"type\": \"string\"}");
    private static final Schema A_B_DEFAULT = record(
            "{\"name\": \"a\", \"type\": \"string\"}, {\"name\": \"b\", \"type\": \"int\", \"default\": 0}");
    private static final Schema A_B_REQUIRED = record(
            "{\"name\": \"a\", \"type\": \"string\"}, {\"name\": \"b\", \"type\": \"int\"}");
    /** Drops a, and b has no default: readable from A_B_DEFAULT data, not from A data. */
    private static final Schema B_REQUIRED = record("{\"name\": \"b\", \"type\": \"int\"}");

    @Test
    void backwardMeansNewReadersReadOldData() {
        assertThat(Compatibility.BACKWARD.violations(A_B_DEFAULT, List.of(A))).isEmpty();
        assertThat(Compatibility.BACKWARD.violations(A_B_REQUIRED, List.of(A)))
                .singleElement().asString().contains("READER_FIELD_MISSING_DEFAULT_VALUE");
    }

    @Test
    void forwardMeansOldReadersReadNewData() {
        assertThat(Compatibility.FORWARD.violations(A_B_REQUIRED, List.of(A))).isEmpty();
        assertThat(Compatibility.FORWARD.violations(A, List.of(A_B_REQUIRED))).isNotEmpty();
    }

    @Test
    void fullNeedsBothDirections() {
        assertThat(Compatibility.FULL.violations(A_B_DEFAULT, List.of(A))).isEmpty();
        assertThat(Compatibility.FULL.violations(A_B_REQUIRED, List.of(A))).isNotEmpty();
    }

    @Test
    void transitiveLevelsCheckEveryEarlierVersionPlainOnesOnlyTheLatest() {
        List<Schema> history = List.of(A, A_B_DEFAULT);

        assertThat(Compatibility.BACKWARD.violations(B_REQUIRED, history)).isEmpty();
        assertThat(Compatibility.BACKWARD_TRANSITIVE.violations(B_REQUIRED, history)).isNotEmpty();
        assertThat(Compatibility.FULL_TRANSITIVE.violations(B_REQUIRED, history)).isNotEmpty();
    }

    @Test
    void noneAndFirstVersionsAcceptAnything() {
        assertThat(Compatibility.NONE.violations(B_REQUIRED, List.of(A))).isEmpty();
        assertThat(Compatibility.FULL_TRANSITIVE.violations(B_REQUIRED, List.of())).isEmpty();
    }

    @Test
    void levelsParseCaseInsensitivelyAndUnknownOnesAreConfluentErrors() {
        assertThat(Compatibility.parse("full_transitive")).isEqualTo(Compatibility.FULL_TRANSITIVE);
        assertThatThrownBy(() -> Compatibility.parse("SIDEWAYS"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(42203);
                    assertThat(e.httpStatus()).isEqualTo(422);
                });
    }

    private static Schema record(String fields) {
        return new Schema.Parser().parse(
                "{\"type\": \"record\", \"name\": \"R\", \"namespace\": \"ripple.test\", \"fields\": [" + fields + "]}");
    }
}
