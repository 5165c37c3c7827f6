package gameloop.loadgen;

import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG, drawn by hand so the report needs no script, no library and no
 * network: it opens the same on a laptop with no connection as on the machine that wrote it.
 */
final class SvgChart {

    /** One line. NaN values in {@code ys} break the line; {@code dashed} draws a reference line. */
    record Series(String name, String color, double[] xs, double[] ys, boolean dashed) {
    }

    private static final int WIDTH = 760;
    private static final int HEIGHT = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 50; // room for the title and, under it, the legend
    private static final int BOTTOM = 44;

    private SvgChart() {
    }

    /**
     * @param xLabels if not null, the x axis shows these labels at x = 0, 1, 2... instead of numbers
     * @param yMax    the top of the y axis, or NaN to fit the data
     */
    static String lineChart(String title, String xTitle, String yTitle, List<Series> series,
                            List<String> xLabels, double yMax) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double top = 0;
        for (Series s : series) {
            for (int i = 0; i < s.xs().length; i++) {
                xMin = Math.min(xMin, s.xs()[i]);
                xMax = Math.max(xMax, s.xs()[i]);
                top = Double.isNaN(s.ys()[i]) ? top : Math.max(top, s.ys()[i]);
            }
        }
        if (xMin > xMax) { // no data at all
            xMin = 0;
            xMax = 1;
        }
        if (xMax == xMin) {
            xMax = xMin + 1;
        }
        double yStep = niceStep((Double.isNaN(yMax) ? Math.max(top, 1e-3) * 1.05 : yMax) / 5);
        double yTop = Double.isNaN(yMax) ? Math.ceil(Math.max(top, 1e-3) * 1.05 / yStep) * yStep : yMax;
        Scale x = new Scale(xMin, xMax, LEFT, WIDTH - RIGHT);
        Scale y = new Scale(0, yTop, HEIGHT - BOTTOM, TOP);

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\""
                + " aria-label=\"%s\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT, escape(title)));
        svg.append(text(LEFT, 18, "start", "title", title));
        for (double v = 0; v <= yTop + yStep / 2; v += yStep) { // horizontal grid and y labels
            svg.append(line(LEFT, y.at(v), WIDTH - RIGHT, y.at(v), "grid"));
            svg.append(text(LEFT - 6, y.at(v) + 4, "end", "label", tickLabel(v, yStep)));
        }
        if (xLabels != null) {
            for (int i = 0; i < xLabels.size(); i++) {
                svg.append(text(x.at(i), HEIGHT - BOTTOM + 16, "middle", "label", xLabels.get(i)));
            }
        } else {
            double xStep = niceStep((xMax - xMin) / 6);
            for (double v = Math.ceil(xMin / xStep) * xStep; v <= xMax; v += xStep) {
                svg.append(line(x.at(v), HEIGHT - BOTTOM, x.at(v), HEIGHT - BOTTOM + 4, "axis"));
                svg.append(text(x.at(v), HEIGHT - BOTTOM + 16, "middle", "label", tickLabel(v, xStep)));
            }
        }
        svg.append(line(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM, "axis"));
        svg.append(line(LEFT, TOP, LEFT, HEIGHT - BOTTOM, "axis"));
        svg.append(text((LEFT + WIDTH - RIGHT) / 2.0, HEIGHT - 8, "middle", "label", xTitle));
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" class=\"label\""
                + " transform=\"rotate(-90 14 %.1f)\">%s</text>%n", (TOP + HEIGHT - BOTTOM) / 2.0,
                (TOP + HEIGHT - BOTTOM) / 2.0, escape(yTitle)));

        double legendX = LEFT;
        for (Series s : series) {
            plot(svg, s, x, y, xLabels != null);
            // The legend is one row above the plot, so it never hides a line.
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"34\" x2=\"%.1f\" y2=\"34\" stroke=\"%s\""
                    + " stroke-width=\"2\"%s/>%n", legendX, legendX + 18, s.color(),
                    s.dashed() ? " stroke-dasharray=\"5 4\"" : ""));
            svg.append(text(legendX + 24, 38, "start", "label", s.name()));
            legendX += 24 + 6.2 * s.name().length() + 20;
        }
        return svg.append("</svg>\n").toString();
    }

    /**
     * One polyline per unbroken run of points; a dot on each point too if {@code dots}, or for a
     * series of one point.
     */
    private static void plot(StringBuilder svg, Series s, Scale x, Scale y, boolean dots) {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i <= s.xs().length; i++) {
            boolean gap = i == s.xs().length || Double.isNaN(s.ys()[i]);
            if (gap) {
                if (points.length() > 0) {
                    svg.append(String.format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s points=\"%s\"/>%n",
                            s.color(), s.dashed() ? " stroke-dasharray=\"5 4\"" : "", points.toString().strip()));
                    points.setLength(0);
                }
                continue;
            }
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.at(s.xs()[i]), y.at(s.ys()[i])));
            if (dots || s.xs().length == 1) {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                        x.at(s.xs()[i]), y.at(s.ys()[i]), s.color()));
            }
        }
    }

    /** 1, 2 or 5 times a power of ten: steps a reader can add up in their head. */
    static double niceStep(double rough) {
        if (!(rough > 0) || Double.isInfinite(rough)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        double f = rough / power;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
    }

    /** As many decimals as the step needs, and no more. */
    private static String tickLabel(double value, double step) {
        int decimals = (int) Math.max(0, -Math.floor(Math.log10(step)));
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private record Scale(double from, double to, double pixelFrom, double pixelTo) {
        double at(double v) {
            double clamped = Math.max(from, Math.min(to, v)); // off-scale values sit on the edge
            return pixelFrom + (clamped - from) / (to - from) * (pixelTo - pixelFrom);
        }
    }

    private static String line(double x1, double y1, double x2, double y2, String cls) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"%s\"/>%n",
                x1, y1, x2, y2, cls);
    }

    private static String text(double x, double y, String anchor, String cls, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">%s</text>%n",
                x, y, anchor, cls, escape(content));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
