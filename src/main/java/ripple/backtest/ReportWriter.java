package ripple.backtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes a backtest report as {@code report.json}, {@code report.html} and {@code windows.csv} (the metrics per
 * event-time window and model, one row each, for notebooks). The page is self-contained: charts are
 * inline SVG drawn here, the only script is inline and checks the charts (it writes {@code #report-ok} when every
 * chart has points), and nothing is loaded from the network.
 */
public final class ReportWriter {
    private static final String[] COLOURS = {"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
            "#e377c2", "#7f7f7f"};
    private static final int WIDTH = 760;
    private static final int HEIGHT = 280;
    private static final int LEFT = 50;
    private static final int RIGHT = 170;
    private static final int TOP = 20;
    private static final int BOTTOM = 40;

    private ReportWriter() {
    }

    public static void write(BacktestReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.json"), json(report), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), html(report), StandardCharsets.UTF_8);
        writeWindows(report, dir.resolve("windows.csv"));
    }

    /** The report as JSON, the fields in the record's order; NaN and infinities as null. */
    static String json(BacktestReport report) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        return json.writeValueAsString(finite(json.convertValue(report, LinkedHashMap.class)));
    }

    /** Columns of windows.csv; {@code time} is the middle of the window, a metric is empty where it had no events. */
    static final List<String> WINDOW_COLUMNS = List.of("window", "time", "model", "events", "hr@10", "ndcg@10", "mrr");

    private static void writeWindows(BacktestReport report, Path file) throws IOException {
        List<String> times = report.series().times();
        Map<String, Map<String, List<Double>>> byModel = report.series().models();
        try (CSVPrinter csv = new CSVPrinter(Files.newBufferedWriter(file, StandardCharsets.UTF_8),
                CSVFormat.RFC4180.builder().setHeader(WINDOW_COLUMNS.toArray(String[]::new)).get())) {
            for (int w = 0; w < times.size(); w++) {
                for (Map.Entry<String, Map<String, List<Double>>> model : byModel.entrySet()) {
                    List<Object> row = new ArrayList<>(List.of(w, times.get(w), model.getKey()));
                    for (String metric : WINDOW_COLUMNS.subList(3, WINDOW_COLUMNS.size())) {
                        List<Double> values = model.getValue().get(metric);
                        Double v = values == null || w >= values.size() ? null : values.get(w);
                        row.add(v == null || !Double.isFinite(v) ? "" : metric.equals("events") ? (Object) v.longValue() : v);
                    }
                    csv.printRecord(row);
                }
            }
        }
    }

    /** NaN and infinities are not JSON: they become null. */
    @SuppressWarnings("unchecked")
    static Object finite(Object o) {
        if (o instanceof Double d) {
            return Double.isFinite(d) ? d : null;
        }
        if (o instanceof double[] a) {
            List<Object> out = new ArrayList<>();
            for (double d : a) {
                out.add(finite(d));
            }
            return out;
        }
        if (o instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, finite(v)));
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(finite(v)));
            return out;
        }
        return o;
    }

    @SuppressWarnings("unchecked")
    static String html(BacktestReport r) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ripple backtest</title>\n")
                .append("<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;")
                .append("margin:8px 0 24px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th:first-child,td:first-child{text-align:left}svg{background:#fafafa;border:1px solid #ddd}")
                .append(".note{color:#555;max-width:60em}</style></head><body>\n");
        h.append("<h1>Ripple backtest</h1>\n<p>").append(esc(String.valueOf(r.source()))).append(": ")
                .append(r.events()).append(" events, ").append(r.evaluated()).append(" evaluated, ")
                .append(fmt(r.eventsPerSec(), "%.0f")).append(" events/s, event time ")
                .append(esc(String.valueOf(r.from()))).append(" to ").append(esc(String.valueOf(r.to())))
                .append(".</p>\n");
        for (String note : Arrays.asList(r.candidates(), r.aucLogloss(), r.note())) {
            if (note != null) {
                h.append("<p class=\"note\">").append(esc(note)).append("</p>\n");
            }
        }

        Map<String, Map<String, Object>> models = r.models();
        h.append("<h2>Quality (all evaluated events)</h2>\n");
        if (r.confidence() != null) {
            h.append("<p class=\"note\">").append(esc(r.confidence())).append("</p>\n");
        }
        h.append(table("metrics", "model", models));

        Map<String, Map<String, Object>> comparison = r.comparison();
        if (comparison != null && !comparison.isEmpty()) {
            h.append("<h2>Ripple against the best baseline</h2>\n<p class=\"note\">Per segment, the baseline with "
                    + "the best ndcg@10 there, and Ripple's ratio to it with a paired bootstrap interval.</p>\n");
            h.append(table("comparison", "segment", comparison));
        }

        if (r.segments() != null) {
            BacktestReport.SegmentMetrics segments = r.segments();
            h.append("<h2>Segments</h2>\n<p class=\"note\">").append(esc(String.valueOf(segments.definitions())))
                    .append(". Events: ").append(esc(String.valueOf(segments.events()))).append(".</p>\n");
            Map<String, Map<String, Map<String, Object>>> bySegment = segments.models();
            List<String> names = new ArrayList<>(segments.events().keySet());
            for (String metric : List.of("hr@10", "ndcg@10")) {
                h.append("<table id=\"segments-").append(esc(metric)).append("\"><tr><th>").append(esc(metric))
                        .append("</th>");
                names.forEach(n -> h.append("<th>").append(esc(n)).append("</th>"));
                h.append("</tr>\n");
                bySegment.forEach((model, segs) -> {
                    h.append("<tr><td>").append(esc(model)).append("</td>");
                    for (String n : names) {
                        Map<String, Object> m = segs.get(n);
                        h.append("<td>").append(m == null ? "–" : cell(m.get(metric)) + " "
                                + cell(m.get(metric + "_ci"))).append("</td>");
                    }
                    h.append("</tr>\n");
                });
                h.append("</table>\n");
            }
        }

        Map<String, Map<String, Object>> ablations = r.ablations();
        if (ablations != null && !ablations.isEmpty()) {
            h.append("<h2>Ablations</h2>\n<p class=\"note\">Each against the main replay on the events both "
                    + "evaluated: the change (ablation - ripple) with a paired bootstrap interval.</p>\n");
            Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
            ablations.forEach((name, a) -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("kind", a.get("kind"));
                row.put("change", a.get("change"));
                for (String segment : List.of("all", "seenItem")) {
                    if (a.get(segment) instanceof Map<?, ?> m) {
                        ((Map<String, Object>) m).forEach((key, v) -> row.put(segment + " " + key, v));
                    }
                }
                rows.put(name, row);
            });
            h.append(table("ablations", "replay", rows));
        }

        if (r.weights() != null && r.weights().get("features") instanceof Map<?, ?> features) {
            Map<String, Object> weights = r.weights();
            h.append("<h2>Learned weights</h2>\n<p class=\"note\">").append(esc(String.valueOf(weights.get("note"))))
                    .append(" Users: ").append(weights.get("users")).append(".</p>\n");
            h.append(table("weights", "feature", (Map<String, Map<String, Object>>) features));
        }
        if (r.phases() != null) {
            BacktestReport.Phases p = r.phases();
            h.append("<p class=\"note\" id=\"phases\">Seconds: ").append(esc(String.format(Locale.ROOT,
                    "read %.1f, sort %.1f, embed %.1f, main replay %.1f (Ripple's ranking %.1f; baselines %.1f,"
                            + " on a thread of their own), ablation replays %.1f (%.1f wall, in parallel), report %.1f",
                    p.readSeconds(), p.sortSeconds(), p.embedSeconds(), p.mainReplaySeconds(),
                    p.rippleRankingSeconds(), p.baselineSeconds(), p.ablationReplaySeconds(), p.ablationWallSeconds(),
                    p.reportSeconds()))).append("</p>\n");
        }

        List<String> times = r.series().times();
        Map<String, Map<String, List<Double>>> byModel = r.series().models();
        for (String metric : List.of("hr@10", "ndcg@10", "mrr")) {
            h.append("<h2>").append(esc(metric)).append(" over event time</h2>\n");
            h.append(chart(metric, times, byModel));
        }

        Map<String, Map<String, Object>> influence = r.influence();
        h.append("<h2>Behaviour influence</h2>\n<p class=\"note\">Conversion lift: the probability that the same user "
                + "carts or buys the same item or category within the horizon after this behaviour, over that "
                + "probability after any behaviour. Weight-change norm and top-K churn: how far Ripple moved the user "
                + "on such an event. Top-K churn: the share of the user's top-K, ranked just before the event, that "
                + "is gone just after it, over a sample of the events (backtest.churn-sample), with its 95% "
                + "interval.</p>\n<table id=\"influence\"><tr><th>behaviour</th><th>events</th>"
                + "<th>conversion rate</th><th>base rate</th><th>conversion lift</th><th>mean weight-change norm</th>"
                + "<th>mean top-K churn</th><th>95% interval</th><th>events measured</th>"
                + "<th>ndcg@10 change without it</th><th>hr@10 change without it</th></tr>\n");
        influence.forEach((type, m) -> h.append("<tr><td>").append(esc(type)).append("</td><td>")
                .append(m.get("events")).append("</td><td>").append(fmt(m.get("conversionRate"), "%.4f"))
                .append("</td><td>").append(fmt(m.get("baseRate"), "%.4f")).append("</td><td>")
                .append(fmt(m.get("conversionLift"), "%.2f")).append("</td><td>")
                .append(fmt(m.get("meanDeltaNorm"), "%.4f")).append("</td><td>")
                .append(fmt(m.get("meanTopKChurn"), "%.3f")).append("</td><td>").append(cell(m.get("topKChurnCi")))
                .append("</td><td>").append(m.get("topKChurnEvents")).append("</td><td>").append(withheld(m, "ndcg@10"))
                .append("</td><td>").append(withheld(m, "hr@10")).append("</td></tr>\n"));
        h.append("</table>\n");

        Map<String, Object> settings = r.settings();
        h.append("<h2>Settings</h2>\n<table id=\"settings\">\n");
        settings.forEach((k, v) -> h.append("<tr><td>").append(esc(k)).append("</td><td>")
                .append(esc(String.valueOf(v))).append("</td></tr>\n"));
        h.append("</table>\n");
        if (r.grid() != null) {
            h.append("<h2>Grid</h2>\n<table id=\"grid\"><tr><th>overrides</th><th>ripple hr@10</th>")
                    .append("<th>ripple ndcg@10</th><th>ripple auc</th><th>ripple logloss</th></tr>\n");
            for (BacktestReport g : r.grid()) {
                Map<String, Object> rip = g.models().get("ripple");
                h.append("<tr><td>").append(esc(String.valueOf(g.settings().get("overrides"))))
                        .append("</td><td>").append(fmt(rip.get("hr@10"), "%.4f")).append("</td><td>")
                        .append(fmt(rip.get("ndcg@10"), "%.4f")).append("</td><td>").append(fmt(rip.get("auc"), "%.4f"))
                        .append("</td><td>").append(fmt(rip.get("logloss"), "%.4f")).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        // Checks in the browser that every chart was drawn with points; a headless test looks for the marker.
        h.append("<script>\n(function(){var charts=document.querySelectorAll('svg.chart');var ok=charts.length>0;")
                .append("var total=0;charts.forEach(function(c){var n=c.querySelectorAll('circle').length;total+=n;")
                .append("if(n===0){ok=false;}});if(ok){var p=document.createElement('p');p.id='report-ok';")
                .append("p.setAttribute('data-points',String(total));p.textContent='charts: '+charts.length+")
                .append("', points: '+total;document.body.appendChild(p);}})();\n</script>\n</body></html>\n");
        return h.toString();
    }

    /** One line chart, a series per model; a gap where a window had no evaluated events. */
    private static String chart(String metric, List<String> times, Map<String, Map<String, List<Double>>> byModel) {
        double max = 0;
        for (Map<String, List<Double>> m : byModel.values()) {
            for (Double v : m.get(metric)) {
                if (v != null) {
                    max = Math.max(max, v);
                }
            }
        }
        max = max <= 0 ? 1 : Math.ceil(max * 10) / 10;
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        int n = times.size();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg class=\"chart\" data-metric=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
                + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", esc(metric), WIDTH, HEIGHT, WIDTH, HEIGHT));
        for (int t = 0; t <= 4; t++) {
            double v = max * t / 4;
            double y = TOP + plotH - plotH * v / max;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.2f</text>\n",
                    LEFT, LEFT + plotW, y, y, LEFT - 4, y + 4, v));
        }
        for (int i : new int[] {0, n / 2, n - 1}) {
            if (i >= 0 && i < n) {
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n",
                        x(i, n, plotW), HEIGHT - BOTTOM + 16, esc(times.get(i).replace("T", " ").replaceAll("\\.\\d+Z|Z", ""))));
            }
        }
        int c = 0;
        for (Map.Entry<String, Map<String, List<Double>>> m : byModel.entrySet()) {
            String colour = COLOURS[c % COLOURS.length];
            List<Double> values = m.getValue().get(metric);
            StringBuilder path = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            boolean pen = false;
            for (int i = 0; i < values.size(); i++) {
                Double v = values.get(i);
                if (v == null) {
                    pen = false;
                    continue;
                }
                double x = x(i, n, plotW);
                double y = TOP + plotH - plotH * v / max;
                path.append(String.format(Locale.ROOT, "%s%.1f %.1f ", pen ? "L" : "M", x, y));
                pen = true;
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\">"
                        + "<title>%s %s %.4f</title></circle>", x, y, colour, esc(m.getKey()), esc(times.get(i)), v));
            }
            if (path.length() > 0) {
                s.append("<path d=\"").append(path.toString().trim()).append("\" fill=\"none\" stroke=\"")
                        .append(colour).append("\" stroke-width=\"1.5\"/>\n");
            }
            s.append(dots).append('\n');
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">%s</text>\n",
                    LEFT + plotW + 10, TOP + 14 + 16 * c, colour, esc(m.getKey())));
            c++;
        }
        return s.append("</svg>\n").toString();
    }

    /** A table with a row per entry and a column per key any row has, in first-seen order. */
    private static String table(String id, String first, Map<String, Map<String, Object>> rows) {
        List<String> columns = new ArrayList<>();
        rows.values().forEach(m -> m.keySet().forEach(k -> {
            if (!columns.contains(k)) {
                columns.add(k);
            }
        }));
        StringBuilder h = new StringBuilder();
        h.append("<table id=\"").append(esc(id)).append("\"><tr><th>").append(esc(first)).append("</th>");
        columns.forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
        h.append("</tr>\n");
        rows.forEach((name, values) -> {
            h.append("<tr><td>").append(esc(name)).append("</td>");
            columns.forEach(c -> h.append("<td>").append(cell(values.get(c))).append("</td>"));
            h.append("</tr>\n");
        });
        return h.append("</table>\n").toString();
    }

    /** A number to 4 decimals, an interval as [lo, hi], text escaped, nothing as a dash. */
    private static String cell(Object v) {
        if (v instanceof double[] d) {
            return d.length == 2 ? "[" + fmt(d[0], "%.4f") + ", " + fmt(d[1], "%.4f") + "]" : "–";
        }
        if (v instanceof List<?> l && l.size() == 2) {
            return "[" + fmt(l.get(0), "%.4f") + ", " + fmt(l.get(1), "%.4f") + "]";
        }
        if (v instanceof Integer || v instanceof Long) {
            return String.valueOf(v);
        }
        if (v instanceof Number) {
            return fmt(v, "%.4f");
        }
        return v == null ? "–" : esc(String.valueOf(v));
    }

    @SuppressWarnings("unchecked")
    private static String withheld(Map<String, Object> influence, String metric) {
        if (influence.get("withheld") instanceof Map<?, ?> w) {
            Map<String, Object> m = (Map<String, Object>) w;
            return cell(m.get(metric + "_delta")) + " " + cell(m.get(metric + "_delta_ci"));
        }
        return "–";
    }

    private static double x(int i, int n, int plotW) {
        return LEFT + (n <= 1 ? plotW / 2.0 : plotW * (double) i / (n - 1));
    }

    private static String fmt(Object v, String pattern) {
        return v instanceof Number num && Double.isFinite(num.doubleValue())
                ? String.format(Locale.ROOT, pattern, num.doubleValue()) : "–";
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
