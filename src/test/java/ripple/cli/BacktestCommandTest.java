package ripple.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ripple backtest} on a small Taobao-format file: unordered rows, a bad row, ablations, a grid. */
class BacktestCommandTest {
    @TempDir
    Path dir;

    @Test
    void replaysAnUnorderedFileReportsBadRowsAndWritesTheReport() throws Exception {
        List<String> rows = new ArrayList<>();
        String[] types = {"pv", "pv", "fav", "pv", "cart", "buy"};
        for (int n = 0; n < 60; n++) {
            // newest first: the replay must sort by event time
            rows.add((n % 6) + "," + (100 + n % 9) + "," + (n % 3) + "," + types[n % types.length] + "," + (1511658000 + 600 - n * 10));
        }
        rows.add(7, "1,2,3,pv,15");
        Path input = dir.resolve("UserBehavior.csv");
        Files.write(input, rows);
        Path report = dir.resolve("report");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BacktestCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("--format", "taobao",
                "--input", input.toString(), "--grid", "learning.rate=0.01,0.1", "--threads", "2",
                "--report", report.toString());
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("line 8: timestamp 1970-01-01T00:00:15Z is more than --max-span");
        // progress on stderr, step by step; the summary alone on stdout, so that it can be redirected
        assertThat(err.toString()).contains("backtest: reading " + input).contains("backtest: sorting 60 events")
                .contains("done in");
        assertThat(out.toString()).doesNotContain("backtest: reading").doesNotContain("sorting")
                .contains("events/s");

        JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        assertThat(json.get("events").asInt()).isEqualTo(60);
        assertThat(json.get("evaluated").asInt()).isEqualTo(60);
        assertThat(json.get("k").toString()).isEqualTo("[5,10,20]");
        List<String> models = new ArrayList<>();
        json.get("models").fieldNames().forEachRemaining(models::add);
        assertThat(models).containsExactly("ripple", "popularity", "recent-popularity", "recent+pop",
                "recent+catpop", "itemknn", "itemknn-norepeat", "successor", "sknn",
                "ripple-no-text", "ripple-no-influence", "ripple-no-context",
                "ripple-no-recent", "ripple-no-covisit", "ripple-no-popular", "ripple-no-category", "ripple-no-text-source",
                "ripple-without-BROWSE", "ripple-without-FAVORITE", "ripple-without-CART", "ripple-without-PURCHASE"
        ).doesNotHaveDuplicates();
        List<String> keys = List.of("hr@5", "hr@10", "hr@20", "ndcg@5", "ndcg@10", "ndcg@20", "mrr", "auc",
                "logloss", "events");
        for (String m : models) {
            assertThat(names(json.get("models").get(m))).as(m).containsAll(keys);
        }
        assertThat(names(json.get("models").get("ripple"))).contains("hr@10_ci", "ndcg@10_ci", "candidateRecall");
        assertThat(json.get("models").get("ripple").get("hr@10_ci")).hasSize(2);
        assertThat(json.get("comparison").get("all").get("bestBaseline").asText()).isNotEmpty();
        assertThat(json.get("segments").get("events").get("all").asInt()).isEqualTo(60);
        assertThat(json.get("ablations").get("ripple-without-CART").get("all").get("events").asInt()).isPositive();
        assertThat(json.get("influence").get("CART").get("withheld").has("ndcg@10_delta_ci")).isTrue();
        assertThat(json.get("weights").get("features").has("influence.CART")).isTrue();
        assertThat(json.get("models").get("popularity").get("logloss").isNull()).isTrue();
        assertThat(json.get("influence").get("BROWSE").has("conversionLift")).isTrue();
        assertThat(json.get("influence").get("CART").get("meanDeltaNorm").asDouble()).isPositive();
        assertThat(json.get("influence").get("CART").has("topKChurnEvents")).isTrue();
        assertThat(json.get("userState").get("note").asText()).contains("without the user's last top-K");
        assertThat(json.get("grid")).hasSize(2);
        assertThat(json.get("grid").get(1).get("settings").get("learning.rate").asText()).isEqualTo("0.1");
        assertThat(json.get("settings").get("features.ablate").asText()).isEmpty();
        assertThat(report.resolve("report.html")).exists();

        // windows.csv: per window and model the same metrics as report.json's series, for notebooks
        List<org.apache.commons.csv.CSVRecord> windows;
        try (var parser = org.apache.commons.csv.CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(java.nio.file.Files.newBufferedReader(report.resolve("windows.csv")))) {
            assertThat(parser.getHeaderNames()).containsExactly("window", "time", "model", "events", "hr@10", "ndcg@10", "mrr");
            windows = parser.getRecords();
        }
        JsonNode series = json.get("series");
        assertThat(windows).hasSize(series.get("times").size() * series.get("models").size());
        long rippleEvents = windows.stream().filter(w -> w.get("model").equals("ripple"))
                .mapToLong(w -> w.get("events").isEmpty() ? 0 : Long.parseLong(w.get("events"))).sum();
        assertThat(rippleEvents).as("every evaluated event falls in one window").isEqualTo(60);
        org.apache.commons.csv.CSVRecord first = windows.get(0);
        JsonNode firstNdcg = series.get("models").get(first.get("model")).get("ndcg@10").get(0);
        assertThat(first.get("ndcg@10")).isEqualTo(firstNdcg.isNull() ? "" : String.valueOf(firstNdcg.asDouble()));
        assertThat(first.get("time")).isEqualTo(series.get("times").get(0).asText());
    }

    /** The live floor (events.min-timestamp, 2000-01-01) must not drop real history in a replay; a broken time still goes. */
    @Test
    void historyOlderThanTheLiveFloorIsReplayedAndABrokenTimestampIsNot() throws Exception {
        List<String> rows = new ArrayList<>();
        for (int n = 0; n < 40; n++) {
            // 1996 to 2019, about seven months apart
            rows.add((n % 5) + "," + (100 + n % 7) + ",1,pv," + (820_000_000L + n * 18_000_000L));
        }
        rows.add("1,2,3,pv,15");
        Path input = dir.resolve("old.csv");
        Files.write(input, rows);
        Path report = dir.resolve("old-report");
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new BacktestCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        int code = cli.execute("--format", "taobao", "--input", input.toString(), "--no-ablations",
                "--report", report.toString());
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("line 41: timestamp 1970-01-01T00:00:15Z is more than --max-span");
        JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        assertThat(json.get("events").asInt()).isEqualTo(40);
        assertThat(json.get("deadLetters").asInt()).isZero();
        assertThat(json.get("accepted").asInt()).isEqualTo(40);
    }

    /** --exclude-seen reaches the scorer's setting and the report says so, with N; the model list keeps its shape. */
    @Test
    void excludeSeenIsStatedInTheReport() throws Exception {
        List<String> rows = new ArrayList<>();
        for (int n = 0; n < 30; n++) {
            rows.add((n % 3) + "," + (100 + n % 5) + ",1,pv," + (1511658000 + n * 10));
        }
        Path input = dir.resolve("seen.csv");
        Files.write(input, rows);
        Path report = dir.resolve("seen-report");
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new BacktestCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        int code = cli.execute("--format", "taobao", "--input", input.toString(), "--no-ablations", "--exclude-seen",
                "--set", "features.recent-items=3", "--report", report.toString());
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("exclude-seen: every model skips the user's last 3 distinct items");
        JsonNode json = new ObjectMapper().readTree(report.resolve("report.json").toFile());
        assertThat(json.get("excludeSeen").asBoolean()).isTrue();
        assertThat(json.get("excludeSeenItems").asInt()).isEqualTo(3);
        assertThat(json.get("settings").get("scoring.exclude-seen").asText()).isEqualTo("true");
        assertThat(json.get("candidates").asText()).contains("last 3 distinct items", "miss for every model");
        assertThat(names(json.get("models"))).contains("itemknn", "itemknn-norepeat");
        // every event is still evaluated, excluded targets included
        assertThat(json.get("models").get("ripple").get("events").asInt()).isEqualTo(30);
    }

    @Test
    void anUnknownSettingFailsNamingIt() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BacktestCommand());
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int code = cli.execute("--format", "taobao", "--input", "x.csv",
                "--set", "learning.speed=3");
        assertThat(code).isEqualTo(CliSupport.EXIT_USAGE);
        assertThat(err.toString()).contains("learning.speed");
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
