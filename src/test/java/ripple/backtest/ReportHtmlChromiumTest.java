package ripple.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.config.RippleConfig;
import ripple.testing.ExternalTools;
import ripple.dev.SyntheticGenerator;
import ripple.testing.Processes;

/**
 * The HTML report in a real headless Chromium (Debian's {@code chromium}, installed by .ci/run): the page's own
 * script must find points in every chart and leave its marker, and the dumped DOM must hold the charts' points.
 * Without chromium it fails under CI and is skipped elsewhere, as the interoperability tests are.
 */
class ReportHtmlChromiumTest {
    @TempDir
    Path dir;

    @Test
    void chartsHavePointsInARealBrowser() throws Exception {
        String chromium = ExternalTools.executable("/usr/bin/chromium", "/usr/bin/chromium-browser", "chromium",
                "chromium-browser").orElse(null);
        ExternalTools.require(chromium != null, "chromium", "apt-get install chromium");
        SyntheticGenerator generator = new SyntheticGenerator(SyntheticGenerator.Settings.defaults()
                .withUsers(30).withItems(40).withSeed(3));
        ReplayInput input = ReplayInput.of("synthetic", generator.events(300), List.of());
        BacktestReport report = new Backtest(RippleConfig.defaultConfig(), input, ReplayOptions.defaults(), false, 1)
                .run(Backtest.settings(Map.of(), Map.of()), BacktestProgress.silent());
        ReportWriter.write(report, dir);
        assertThat(dir.resolve("report.json")).exists();

        Processes.Result chrome = Processes.run(new ProcessBuilder(chromium, "--headless", "--disable-gpu",
                "--no-sandbox", "--user-data-dir=" + dir.resolve("profile"), "--dump-dom",
                dir.resolve("report.html").toUri().toString()), Duration.ofSeconds(60));
        String dom = new String(chrome.stdout(), StandardCharsets.UTF_8);
        assertThat(chrome.exitCode()).as(chrome.stderr()).isZero();
        assertThat(dom).as("the page's script ran and found points in every chart").contains("id=\"report-ok\"");
        int series = report.series().models().size();
        Matcher charts = Pattern.compile("<svg class=\"chart\".*?</svg>", Pattern.DOTALL).matcher(dom);
        int n = 0;
        while (charts.find()) {
            n++;
            String svg = charts.group();
            // every model of the main pass: a line and points each
            assertThat(count(svg, "<circle")).isGreaterThanOrEqualTo(series);
            assertThat(count(svg, "<path")).isEqualTo(series);
        }
        assertThat(n).isEqualTo(3);
        assertThat(series).isGreaterThanOrEqualTo(9);
        assertThat(dom).contains("<table id=\"influence\"").contains("BROWSE").contains("learning.rate")
                .contains("<table id=\"comparison\"").contains("<table id=\"segments-hr@10\"");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
