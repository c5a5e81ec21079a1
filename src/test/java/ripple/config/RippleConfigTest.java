package ripple.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ripple.scoring.ScoringSettings;

class RippleConfigTest {
    private static final Path FILE = Path.of("config/application.properties");

    @Test
    void theShippedFileDocumentsEveryKeyWithItsDefault() {
        Map<String, String> file = RippleConfig.readProperties(FILE);
        assertThat(file.keySet()).containsExactlyInAnyOrderElementsOf(RippleConfig.defaultValues().keySet());
        file.forEach((k, v) -> assertThat(v.trim()).as(k).isEqualTo(RippleConfig.defaultValues().get(k)));
    }

    @Test
    void environmentOverridesTheFile() {
        RippleConfig c = RippleConfig.of(Map.of("scoring.top-k", "5"),
                Map.of("RIPPLE_SCORING_TOP_K", "7", "RIPPLE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));
        assertThat(c.intValue("scoring.top-k")).isEqualTo(7);
        assertThat(c.kafkaClientOverrides()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void aBadValueFailsWithOneMessageNamingTheKey() {
        RippleConfig c = RippleConfig.of(Map.of("learning.rate", "fast"), Map.of());
        assertThatThrownBy(() -> ScoringSettings.from(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("learning.rate").hasMessageContaining("from configuration file")
                .hasMessageNotContaining("RIPPLE_LEARNING_RATE");
        assertThatThrownBy(() -> ScoringSettings.from(RippleConfig.of(Map.of("events.dedupe-window", "soon"), Map.of())))
                .hasMessageContaining("events.dedupe-window");
        assertThatThrownBy(() -> ScoringSettings.from(RippleConfig.of(Map.of("learning.strengths", "BROWSE:0.1,TELEPORT:1"), Map.of())))
                .hasMessageContaining("TELEPORT");
        assertThatThrownBy(() -> RippleConfig.of(Map.of("scoring.topk", "5"), Map.of()))
                .hasMessageContaining("scoring.topk").hasMessageContaining("unknown");
    }

    @Test
    void durationsAndScenarioStrengths() {
        RippleConfig c = RippleConfig.of(Map.of("learning.strengths.social", "LIKE:0.9"), Map.of());
        ScoringSettings s = ScoringSettings.from(c);
        assertThat(s.intake().dedupeWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(s.strength("social", ripple.avro.BehaviorType.LIKE)).isEqualTo(0.9);
        assertThat(s.strength("social", ripple.avro.BehaviorType.PURCHASE)).isEqualTo(1.0);
        assertThat(s.strength("ecommerce", ripple.avro.BehaviorType.LIKE)).isEqualTo(0.6);
    }
}
