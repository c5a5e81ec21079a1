package ripple.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;

/** One duration syntax for every flag and setting, errors that name where a bad value came from, and exit codes. */
class DurationFlagsTest {

    @TempDir
    Path dir;

    @Test
    void aBareNumberIsSecondsAndEveryUnitReads() {
        assertThat(RippleConfig.parseDuration("60")).isEqualTo(Duration.ofSeconds(60));
        assertThat(RippleConfig.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(RippleConfig.parseDuration("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(RippleConfig.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(RippleConfig.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(RippleConfig.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(RippleConfig.parseDuration("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> RippleConfig.parseDuration("soon")).hasMessageContaining("expected a duration");
        assertThatThrownBy(() -> RippleConfig.parseDuration("99999999999999999999d"))
                .hasMessageContaining("expected a duration");
    }

    @Test
    void everyDurationFlagTakesTheSameSyntax() {
        TailCommand tail = new TailCommand();
        new CommandLine(tail).parseArgs("--topic", "scores", "--timeout", "1d");
        assertThat(tail.timeout).isEqualTo(Duration.ofDays(1));

        DevCommand dev = new DevCommand();
        new CommandLine(dev).parseArgs("--duration", "60");
        assertThat(dev.duration).isEqualTo(Duration.ofSeconds(60));

        BacktestCommand backtest = new BacktestCommand();
        new CommandLine(backtest).parseArgs("--horizon", "90", "--recent-half-life", "PT30M");
        assertThat(backtest.horizon).isEqualTo(Duration.ofSeconds(90));
        assertThat(backtest.recentHalfLife).isEqualTo(Duration.ofMinutes(30));
        assertThat(backtest.maxSpan).isEqualTo(Duration.ofDays(10950));
    }

    @Test
    void aBadFlagIsAUsageErrorThatNamesTheFlag() {
        for (String[] args : new String[][] {
                {"dev", "--duration", "60x"},
                {"tail", "--topic", "scores", "--timeout", "60x"},
                {"backtest", "--format", "synthetic", "--horizon", "60x"}}) {
            Run run = ripple(args);
            assertThat(run.code()).as(run.err()).isEqualTo(CliSupport.EXIT_USAGE);
            assertThat(run.err()).contains("'" + args[args.length - 2] + "'").contains("60x")
                    .doesNotContain("environment").doesNotContain("Exception");
        }
    }

    @Test
    void aBadSettingNamesWhereItsValueCameFrom() {
        assertThatThrownBy(() -> RippleConfig.of(Map.of("commit.interval", "fast"), "app.properties", Map.of())
                .duration("commit.interval"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("commit.interval").hasMessageContaining("configuration file app.properties")
                .hasMessageNotContaining("environment");
        assertThatThrownBy(() -> RippleConfig.of(Map.of(), Map.of("RIPPLE_COMMIT_INTERVAL", "fast"))
                .duration("commit.interval"))
                .hasMessageContaining("environment RIPPLE_COMMIT_INTERVAL");
        assertThatThrownBy(() -> RippleConfig.defaultConfig().with("learning.rate", "fast", "--set")
                .doubleValue("learning.rate"))
                .hasMessageContaining("from --set").hasMessageNotContaining("environment");
    }

    @Test
    void aBadSettingIsTheSameUsageErrorInEveryCommand() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.properties"), "learning.rate=fast\nevents.max-future-skew=soon\n");
        Path input = Files.writeString(dir.resolve("events.csv"), "1,2,3,pv,1511658000\n");

        Run backtest = ripple("backtest", "--config", config.toString(), "--format", "taobao", "--input", input.toString());
        Run importing = ripple("import", "--config", config.toString(), "--format", "taobao", "--input", input.toString(),
                "--bootstrap-servers", "127.0.0.1:1");
        Run unknown = ripple("backtest", "--format", "synthetic", "--set", "learning.speed=3");

        assertThat(backtest.code()).as(backtest.err()).isEqualTo(CliSupport.EXIT_USAGE);
        assertThat(backtest.err()).contains(config.toString());
        assertThat(importing.code()).as(importing.err()).isEqualTo(CliSupport.EXIT_USAGE);
        assertThat(importing.err()).contains("events.max-future-skew").contains(config.toString());
        assertThat(unknown.code()).as(unknown.err()).isEqualTo(CliSupport.EXIT_USAGE);
        assertThat(unknown.err()).contains("learning.speed");
    }

    record Run(int code, String out, String err) {
    }

    /** Runs {@code ripple ARGS} as the launcher does, with Main's error handling. */
    static Run ripple(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.configure(new CommandLine(new Main()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
