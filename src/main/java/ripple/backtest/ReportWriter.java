package ripple.backtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a backtest report as {@code report.json} and {@code report.html}. The page is self-contained: charts are
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

    public static void write(Map<String, Object> report, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.writeString(dir.resolve("report.json"), json.writeValueAsString(finite(report)), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), html(report), StandardCharsets.UTF_8);
    }

    /** NaN and infinities are not JSON: they become null. */
    @SuppressWarnings("unchecked")
    static Object finite(Object o) {
        if (o instanceof Double d) {
            return Double.isFinite(d) ? d : null;
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
    static String html(Map<String, Object> r) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ripple backtest</title>\n")
                .append("<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;")
                .append("margin:8px 0 24px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th:first-child,td:first-child{text-align:left}svg{background:#fafafa;border:1px solid #ddd}")
                .append(".note{color:#555;max-width:60em}</style></head><body>\n");
        h.append("<h1>Ripple backtest</h1>\n<p>").append(esc(String.valueOf(r.get("source")))).append(": ")
                .append(r.get("events")).append(" events, ").append(r.get("evaluated")).append(" evaluated, ")
                .append(fmt(r.get("eventsPerSec"), "%.0f")).append(" events/s, event time ")
                .append(esc(String.valueOf(r.get("from")))).append(" to ").append(esc(String.valueOf(r.get("to"))))
                .append(".</p>\n");
        for (String note : List.of("candidates", "aucLogloss", "note")) {
            if (r.get(note) != null) {
                h.append("<p class=\"note\">").append(esc(String.valueOf(r.get(note)))).append("</p>\n");
            }
        }

        Map<String, Map<String, Object>> models = (Map<String, Map<String, Object>>) r.get("models");
        List<String> metrics = new ArrayList<>(models.values().iterator().next().keySet());
        h.append("<h2>Quality</h2>\n<table id=\"metrics\"><tr><th>model</th>");
        metrics.forEach(m -> h.append("<th>").append(esc(m)).append("</th>"));
        h.append("</tr>\n");
        models.forEach((name, values) -> {
            h.append("<tr><td>").append(esc(name)).append("</td>");
            metrics.forEach(m -> h.append("<td>").append(fmt(values.get(m), "%.4f")).append("</td>"));
            h.append("</tr>\n");
        });
        h.append("</table>\n");

        Map<String, Object> series = (Map<String, Object>) r.get("series");
        List<String> times = (List<String>) series.get("times");
        Map<String, Map<String, List<Double>>> byModel = (Map<String, Map<String, List<Double>>>) series.get("models");
        for (String metric : List.of("hr@10", "ndcg@10", "mrr")) {
            h.append("<h2>").append(esc(metric)).append(" over event time</h2>\n");
            h.append(chart(metric, times, byModel));
        }

        Map<String, Map<String, Object>> influence = (Map<String, Map<String, Object>>) r.get("influence");
        h.append("<h2>Behaviour influence</h2>\n<p class=\"note\">Conversion lift: the probability that the same user "
                + "carts or buys the same item or category within the horizon after this behaviour, over that "
                + "probability after any behaviour. Weight-change norm and top-K churn: how far Ripple moved the user "
                + "on such an event.</p>\n<table id=\"influence\"><tr><th>behaviour</th><th>events</th>"
                + "<th>conversion rate</th><th>base rate</th><th>conversion lift</th><th>mean weight-change norm</th>"
                + "<th>mean top-K churn</th></tr>\n");
        influence.forEach((type, m) -> h.append("<tr><td>").append(esc(type)).append("</td><td>")
                .append(m.get("events")).append("</td><td>").append(fmt(m.get("conversionRate"), "%.4f"))
                .append("</td><td>").append(fmt(m.get("baseRate"), "%.4f")).append("</td><td>")
                .append(fmt(m.get("conversionLift"), "%.2f")).append("</td><td>")
                .append(fmt(m.get("meanDeltaNorm"), "%.4f")).append("</td><td>")
                .append(fmt(m.get("meanTopKChurn"), "%.3f")).append("</td></tr>\n"));
        h.append("</table>\n");

        Map<String, Object> cold = (Map<String, Object>) r.get("cold");
        h.append("<h2>Cold start</h2>\n<p class=\"note\">").append(esc(String.valueOf(cold.get("segments"))))
                .append(". Events: ").append(esc(String.valueOf(cold.get("events")))).append(".</p>\n")
                .append("<table id=\"cold\"><tr><th>model</th><th>hr@10 cold user</th><th>hr@10 cold item</th>")
                .append("<th>hr@10 warm</th></tr>\n");
        for (String name : models.keySet()) {
            Map<String, Map<String, Object>> segs = (Map<String, Map<String, Object>>) cold.get(name);
            h.append("<tr><td>").append(esc(name)).append("</td>");
            for (String s : Replay.SEGMENTS) {
                h.append("<td>").append(fmt(segs.get(s).get("hr@10"), "%.4f")).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");

        Map<String, Object> settings = (Map<String, Object>) r.get("settings");
        h.append("<h2>Settings</h2>\n<table id=\"settings\">\n");
        settings.forEach((k, v) -> h.append("<tr><td>").append(esc(k)).append("</td><td>")
                .append(esc(String.valueOf(v))).append("</td></tr>\n"));
        h.append("</table>\n");
        if (r.get("grid") instanceof List<?> grid) {
            h.append("<h2>Grid</h2>\n<table id=\"grid\"><tr><th>overrides</th><th>ripple hr@10</th>")
                    .append("<th>ripple ndcg@10</th><th>ripple auc</th><th>ripple logloss</th></tr>\n");
            for (Object o : grid) {
                Map<String, Object> g = (Map<String, Object>) o;
                Map<String, Object> rip = ((Map<String, Map<String, Object>>) g.get("models")).get("ripple");
                h.append("<tr><td>").append(esc(String.valueOf(((Map<String, Object>) g.get("settings")).get("overrides"))))
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
