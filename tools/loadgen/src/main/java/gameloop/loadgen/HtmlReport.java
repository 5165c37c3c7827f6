package gameloop.loadgen;

import static gameloop.loadgen.SvgChart.escape;

import gameloop.loadgen.Results.Summary;
import gameloop.loadgen.Results.TickPoint;
import gameloop.loadgen.SvgChart.Series;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One self-contained HTML file: the table, the notes, and three charts drawn as inline SVG.
 * No script, no stylesheet or font from elsewhere: it reads the same offline.
 */
final class HtmlReport {

    private static final String BLUE = "#1f77b4";
    private static final String ORANGE = "#e8710a";
    private static final String GREEN = "#2ca02c";
    private static final String GREY = "#777777";
    private static final String RED = "#c62828";

    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
            h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 2em; }
            table { border-collapse: collapse; } td, th { padding: .25em .8em; border-bottom: 1px solid #ddd; text-align: left; }
            .warn { background: #fdecea; border-left: 4px solid #c62828; padding: .6em 1em; font-weight: bold; }
            .note { color: #444; }
            svg { background: #fff; border: 1px solid #ddd; max-width: 100%; height: auto; }
            svg .title { font-size: 14px; font-weight: bold; } svg .label { font-size: 11px; fill: #444; }
            svg .grid { stroke: #eee; } svg .axis { stroke: #999; }
            """;

    private HtmlReport() {
    }

    static String html(Results r) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Load test: ").append(r.clients().requested()).append(" clients</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>Load test: ").append(r.clients().requested()).append(" clients</h1>\n");
        for (String line : Report.heading(r).split("\n")) {
            h.append("<p>").append(escape(line)).append("</p>\n");
        }
        if (r.lowerBound()) {
            h.append("<p class=\"warn\">CPU saturated: figures are a lower bound.</p>\n");
        }
        h.append("<table>\n<tr><th>figure</th><th>value</th></tr>\n");
        for (String[] row : Report.rows(r)) {
            h.append("<tr><td>").append(escape(row[0])).append("</td><td>").append(escape(row[1])).append("</td></tr>\n");
        }
        h.append("</table>\n");
        for (String note : Report.notes(r)) {
            h.append("<p class=\"note\">").append(escape(note)).append("</p>\n");
        }

        h.append("<h2>Tick interval over time</h2>\n<p class=\"note\">Per tick: the time since the previous tick"
                + " reached its first client (the server's rhythm), and the fan-out, from the first client to the"
                + " last (none for a tick that did not reach every client). A fixed-rate loop keeps the first line flat on the nominal; a loop that sleeps after"
                + " sending drifts above it by the time its sends took.</p>\n");
        h.append(intervalChart(r));
        h.append("<h2>Latency percentiles</h2>\n<p class=\"note\">Read from left to right: half of all ticks (or echoes)"
                + " took less than the p50 value, 99 in 100 less than p99. The right end is the worst seen.</p>\n");
        h.append(percentileChart(r));
        h.append("<h2>CPU</h2>\n<p class=\"note\">The load generator's JVM and the whole machine, per second, as a share"
                + " of all cores. Above the dashed line, figures are a lower bound.</p>\n");
        h.append(cpuChart(r));
        return h.append("</body>\n</html>\n").toString();
    }

    private static String intervalChart(Results r) {
        List<TickPoint> points = r.series();
        double[] xs = column(points, TickPoint::seconds);
        double nominal = r.run().nominalTickMs();
        double end = Math.max(r.run().windowSeconds(), xs.length == 0 ? 0 : xs[xs.length - 1]);
        return SvgChart.lineChart("Tick interval and fan-out, per tick", "seconds since the measurement began", "ms",
                List.of(new Series("interval (first client)", BLUE, xs, column(points, TickPoint::intervalMs), false),
                        new Series("fan-out (first to last client)", ORANGE, xs, column(points, TickPoint::fanOutMs), false),
                        new Series("nominal " + Report.num(nominal) + " ms", GREY, new double[] {0, end},
                                new double[] {nominal, nominal}, true)),
                null, Double.NaN);
    }

    private static String percentileChart(Results r) {
        List<String> labels = List.of("p50", "p90", "p99", "p99.9", "max");
        double[] xs = {0, 1, 2, 3, 4};
        return SvgChart.lineChart("Latency at each percentile", "percentile", "ms",
                List.of(new Series("fan-out, first to last client", ORANGE, xs, percentiles(r.ticks().fanOut()), false),
                        new Series("echo round trip", GREEN, xs, percentiles(r.echo().roundTrip()), false)),
                labels, Double.NaN);
    }

    private static String cpuChart(Results r) {
        List<CpuMeter.Sample> samples = r.cpu().samples();
        double[] xs = samples.stream().mapToDouble(CpuMeter.Sample::seconds).toArray();
        double end = Math.max(1, xs.length == 0 ? 0 : xs[xs.length - 1]);
        return SvgChart.lineChart("CPU use", "seconds since the measurement began", "% of all cores",
                List.of(new Series("load generator", BLUE, xs,
                                samples.stream().mapToDouble(CpuMeter.Sample::loadgenPercent).toArray(), false),
                        new Series("whole machine", GREY, xs,
                                samples.stream().mapToDouble(CpuMeter.Sample::machinePercent).toArray(), false),
                        new Series("saturated above " + Report.num(CpuMeter.SATURATED_PERCENT) + "%", RED,
                                new double[] {0, end},
                                new double[] {CpuMeter.SATURATED_PERCENT, CpuMeter.SATURATED_PERCENT}, true)),
                null, 100);
    }

    private static double[] percentiles(Summary s) {
        return new double[] {s.p50(), s.p90(), s.p99(), s.p999(), s.max()};
    }

    private static double[] column(List<TickPoint> points, ToDoubleFunction<TickPoint> f) {
        return points.stream().mapToDouble(f).toArray();
    }
}
