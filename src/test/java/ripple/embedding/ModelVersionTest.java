package ripple.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The version in ItemFeatures must change exactly when the vectors would. */
class ModelVersionTest {

    private static String version(ModelSpec spec) {
        return ModelFiles.resolve(spec).version();
    }

    @Test
    void stableForTheSameModelAndSettings() {
        ModelSpec bge = ModelSpec.builtIn("bge-small-zh");
        assertThat(version(bge)).hasSize(16).matches("[0-9a-f]{16}").isEqualTo(version(ModelSpec.builtIn("bge-small-zh")));
    }

    @Test
    void changesWithPoolingLengthOrModel() {
        ModelSpec bge = ModelSpec.builtIn("bge-small-zh");
        String base = version(bge);
        assertThat(version(bge.withPooling(Pooling.MEAN))).isNotEqualTo(base);
        assertThat(version(bge.withMaxSeqLength(256))).isNotEqualTo(base);
        assertThat(version(ModelSpec.builtIn("minilm-en"))).isNotEqualTo(base);
    }

    @Test
    void embedderReportsTheSameVersion() {
        assertThat(Models.bge().modelVersion()).isEqualTo(version(ModelSpec.builtIn("bge-small-zh")));
        assertThat(Models.bge().modelId()).isEqualTo("bge-small-zh");
        assertThat(Models.bge().device()).isEqualTo("cpu");
    }
}
