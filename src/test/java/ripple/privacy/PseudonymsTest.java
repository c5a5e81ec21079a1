package ripple.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;

class PseudonymsTest {
    private static final String KEY = "0123456789abcdef-test-key";

    @TempDir
    Path dir;

    private static RippleConfig config(Map<String, String> values) {
        return RippleConfig.of(values, Map.of());
    }

    @Test
    void offByDefaultAndThenIdsStayAsTheyAre() {
        Pseudonyms p = Pseudonyms.from(RippleConfig.defaultConfig());
        assertThat(p.enabled()).isFalse();
        assertThat(p.of("alice")).isEqualTo("alice");
    }

    @Test
    void theSameIdAndKeyGiveTheSamePseudonymAndNothingOfTheId() {
        Pseudonyms p = Pseudonyms.from(config(Map.of("privacy.pseudonymise", "true", "privacy.hmac-key", KEY)));
        String alice = p.of("alice");
        assertThat(alice).isEqualTo(p.of("alice")).isNotEqualTo(p.of("bob")).hasSize(22).doesNotContain("alice")
                .matches("[A-Za-z0-9_-]+");
        assertThat(Pseudonyms.withKey(KEY.getBytes(StandardCharsets.UTF_8)).of("alice")).isEqualTo(alice);
        assertThat(Pseudonyms.withKey((KEY + "2").getBytes(StandardCharsets.UTF_8)).of("alice"))
                .as("another key, another pseudonym").isNotEqualTo(alice);
        assertThat(p.toString()).doesNotContain(KEY);
    }

    @Test
    void aKeyFileGivesTheSamePseudonymsAsTheSameKeyInline() throws Exception {
        Path file = dir.resolve("key");
        Files.writeString(file, KEY + "\n");
        Pseudonyms fromFile = Pseudonyms.from(config(Map.of("privacy.pseudonymise", "true",
                "privacy.hmac-key-file", file.toString())));
        assertThat(fromFile.of("alice")).isEqualTo(Pseudonyms.withKey(KEY.getBytes(StandardCharsets.UTF_8)).of("alice"));
    }

    @Test
    void badKeySettingsFailNamingTheSetting() {
        assertThatThrownBy(() -> Pseudonyms.from(config(Map.of("privacy.pseudonymise", "true"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("privacy.hmac-key");
        assertThatThrownBy(() -> Pseudonyms.from(config(Map.of("privacy.pseudonymise", "true",
                "privacy.hmac-key", "short"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("privacy.hmac-key").hasMessageContaining("16");
        assertThatThrownBy(() -> Pseudonyms.from(config(Map.of("privacy.pseudonymise", "true",
                "privacy.hmac-key-file", dir.resolve("missing").toString()))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("privacy.hmac-key-file");
        assertThatThrownBy(() -> Pseudonyms.from(config(Map.of("privacy.pseudonymise", "true",
                "privacy.hmac-key", KEY, "privacy.hmac-key-file", "/k"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("exactly one");
    }
}
