package ripple.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StatusScreenTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicBoolean othersWrote = new AtomicBoolean();

    @Test
    void aPipeGetsAStatusLineNowAndThenAndOnlyTheListsThatChanged() {
        StatusScreen screen = new StatusScreen(out, false, 0, othersWrote);
        Map<String, List<String>> lists = new LinkedHashMap<>();
        lists.put("u1", List.of("user u1", "  1. a"));
        lists.put("u2", List.of("user u2", "  1. b"));

        screen.draw("status 1", lists, false);
        screen.draw("status 2", lists, false); // within the interval: nothing
        lists.put("u2", List.of("user u2", "  1. c"));
        screen.draw("status 3", lists, true);

        assertThat(text().lines().toList()).containsExactly(
                "status 1", "user u1", "  1. a", "user u2", "  1. b",
                "status 3", "user u2", "  1. c");
        assertThat(text()).doesNotContain("\033");
    }

    @Test
    void aTerminalIsRedrawnInPlaceWithoutClearingTheScreen() {
        StatusScreen screen = new StatusScreen(out, true, 80, othersWrote);
        Map<String, List<String>> lists = Map.of("u1", List.of("user u1", "  1. a"));

        screen.draw("status 1", lists, false);
        int first = bytes.size();
        screen.draw("status 2", lists, false);
        String second = text().substring(first);

        assertThat(text()).doesNotContain("\033[2J").doesNotContain("\033[H");
        assertThat(text().substring(0, first)).doesNotContain("\033[3F");
        assertThat(second).startsWith("\033[3F").contains("status 2\033[K\n").contains("user u1\033[K\n");
    }

    @Test
    void aLogLineWrittenMeanwhileIsNotOverwritten() {
        StatusScreen screen = new StatusScreen(out, true, 80, othersWrote);
        PrintStream stderr = StatusScreen.marking(new PrintStream(new ByteArrayOutputStream()), othersWrote);
        Map<String, List<String>> lists = Map.of("u1", List.of("user u1"));

        screen.draw("status 1", lists, false);
        stderr.println("WARN something");
        int before = bytes.size();
        screen.draw("status 2", lists, false);

        assertThat(text().substring(before)).startsWith("status 2").doesNotContainPattern("\\033\\[\\d+F");
    }

    @Test
    void wideLinesAreCutToTheTerminalSoTheyDoNotWrap() {
        StatusScreen screen = new StatusScreen(out, true, 10, othersWrote);

        screen.draw("一二三四五六七八九十", Map.of(), false);

        assertThat(text()).startsWith("一二三四\033[K");
    }

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
