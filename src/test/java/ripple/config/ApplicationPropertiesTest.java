package ripple.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * config/application.properties against the definitions in {@link Settings}: the file lists every setting once,
 * with its default, under a comment that says what the definition says; and every default reads as its type.
 */
class ApplicationPropertiesTest {
    private static final Pattern KEY_LINE = Pattern.compile("^([A-Za-z0-9_.\\-]+)=(.*)$");

    /** Each key of the file with its value and the comment above it (or above the group of keys it is in). */
    private record Entry(String value, String comment) {
    }

    private static Map<String, Entry> file() throws Exception {
        Map<String, Entry> out = new LinkedHashMap<>();
        List<String> block = new ArrayList<>();
        String comment = "";
        for (String line : Files.readAllLines(Path.of("config/application.properties"), StandardCharsets.UTF_8)) {
            Matcher key = KEY_LINE.matcher(line);
            if (line.startsWith("# ---")) {
                block.clear();
            } else if (line.startsWith("#")) {
                block.add(line.substring(1).strip());
            } else if (key.matches()) {
                if (!block.isEmpty()) {
                    comment = String.join(" ", block);
                    block.clear();
                }
                assertThat(out).as("keys listed twice").doesNotContainKey(key.group(1));
                out.put(key.group(1), new Entry(key.group(2), comment));
            }
        }
        return out;
    }

    @Test
    void theFileListsEverySettingWithItsDefaultAndDocumentation() throws Exception {
        Map<String, Entry> file = file();
        List<String> defined = Settings.ALL.stream().map(Settings.Setting::key).toList();
        assertThat(file.keySet()).as("keys in the file").containsExactlyInAnyOrderElementsOf(defined);
        for (Settings.Setting s : Settings.ALL) {
            Entry e = file.get(s.key());
            assertThat(e.value()).as("default of %s", s.key()).isEqualTo(s.defaultValue());
            assertThat(s.doc()).as("documentation of %s", s.key()).isNotBlank();
            assertThat(e.comment()).as("comment above %s", s.key()).contains(s.doc());
        }
    }

    @Test
    void everyDefaultReadsAsItsType() {
        RippleConfig c = RippleConfig.defaultConfig();
        for (Settings.Setting s : Settings.ALL) {
            String key = s.key();
            switch (s.type()) {
                case INT -> {
                    if (!s.defaultValue().isEmpty()) {
                        c.intValue(key);
                    }
                }
                case DOUBLE -> c.doubleValue(key);
                case BOOLEAN -> c.bool(key);
                case DURATION -> c.duration(key);
                case INSTANT -> c.instant(key);
                case WEIGHTS -> c.weights(key);
                case LIST -> c.list(key);
                case STRING -> c.string(key);
            }
        }
    }

    @Test
    void theBoundsAreTheDefinitionsWhoeverReads() {
        // topics.partitions once had 1..10,000 in two places and 1..100,000 in a third
        RippleConfig c = RippleConfig.defaultConfig().with("topics.partitions", "20000", "--set");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.intValue("topics.partitions"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("topics.partitions").hasMessageContaining("from --set")
                .hasMessageContaining("from 1 to 10000");
    }
}
