package gameloop.loadgen;

import gameloop.loadgen.Results.NominalSource;
import gameloop.loadgen.Results.Summary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures as people read them: a table for the console, and a JSON file with the same
 * figures for scripts. {@link HtmlReport} draws the charts.
 */
public final class Report {

    /** The files one run wrote. */
    public record Written(Path json, Path html) {
    }

    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private Report() {
    }

    /** Writes loadgen-{clients}c-{time}.json and .html into {@code dir}. */
    public static Written write(Results r, Path dir) {
        String base = "loadgen-" + r.clients().requested() + "c-" + FILE_STAMP.format(r.run().startedAt());
        try {
            Files.createDirectories(dir);
            Path json = Files.writeString(dir.resolve(base + ".json"), json(r), StandardCharsets.UTF_8);
            Path html = Files.writeString(dir.resolve(base + ".html"), HtmlReport.html(r), StandardCharsets.UTF_8);
            return new Written(json, html);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the reports to " + dir.toAbsolutePath(), e);
        }
    }

    /** The heading: what was measured, against what. */
    static String heading(Results r) {
        Results.Run run = r.run();
        return String.format(Locale.ROOT, "Load test of %s%s, %s%n%d clients (%s client), a key every %d ms each, measured for"
                        + " %.1f s after a %.1f s warm-up, nominal tick %s ms (%s)%n",
                run.url(), run.example() == null ? "" : " (" + run.example() + ")", WHEN.format(run.startedAt()),
                r.clients().requested(), run.client(), run.keyPeriodMs(), run.windowSeconds(), run.warmupSeconds(),
                num(run.nominalTickMs()), run.nominalSource().description);
    }

    /** The console table: one row per figure, then whatever the reader must know to trust it. */
    public static String table(Results r) {
        StringBuilder out = new StringBuilder(heading(r)).append('\n');
        int width = rows(r).stream().mapToInt(row -> row[0].length()).max().orElse(0);
        out.append(String.format("  %-" + width + "s  %s%n", "figure", "value"));
        out.append("  ").append("-".repeat(width)).append("  ").append("-".repeat(60)).append('\n');
        for (String[] row : rows(r)) {
            out.append(String.format("  %-" + width + "s  %s%n", row[0], row[1]));
        }
        List<String> notes = notes(r);
        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(note -> out.append(note).append('\n'));
        }
        return out.toString();
    }

    /** Figure name and value, shared by the console and the HTML table. */
    static List<String[]> rows(Results r) {
        Results.Clients c = r.clients();
        Results.Ticks t = r.ticks();
        Results.Echo e = r.echo();
        CpuMeter.Figures cpu = r.cpu();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"clients connected", String.format(Locale.ROOT,
                "%d of %d in %.1f s; %d connect failures; %d lost during the run",
                c.connected(), c.requested(), c.rampSeconds(), c.connectFailures(), c.lostDuringRun())});
        rows.add(new String[] {"ticks per client", String.format(Locale.ROOT, "min %s, mean %s, max %s (expected %s)",
                num(t.perClient().min()), num(t.perClient().mean()), num(t.perClient().max()), num(t.expectedPerClient()))});
        rows.add(new String[] {"missed ticks", String.format(Locale.ROOT, "%d in all; %d clients missed one or more",
                t.missed(), t.clientsWithMisses())});
        rows.add(new String[] {"fan-out, first to last client", percentiles(t.fanOut())
                + String.format(Locale.ROOT, " (%d ticks; %d more did not reach every client)",
                t.fanOut().count(), t.notReachingEveryone())});
        rows.add(new String[] {"tick interval error", String.format(Locale.ROOT, "mean %s ms   p50 %s ms   p99 %s ms"
                        + " (%d intervals, against %s ms)", signed(t.intervalError().mean()), signed(t.intervalError().p50()),
                signed(t.intervalError().p99()), t.intervalError().count(), num(r.run().nominalTickMs()))});
        rows.add(new String[] {"echo round trip", percentiles(e.roundTrip())
                + String.format(Locale.ROOT, " (%d of %d echoed%s)", e.echoed(), e.pressed(),
                e.unanswered() > 0 ? ", " + e.unanswered() + " never" : "")});
        rows.add(new String[] {"key presses sent late", Double.isNaN(e.sentLate().p50())
                ? "n/a (no press in the window)"
                : percentiles(e.sentLate()) + " (the load generator's own timer; the round trips include it)"});
        rows.add(new String[] {"loadgen reading delay", Double.isNaN(r.readingDelay().p50())
                ? "n/a (no probes: Jetty's client cannot be probed, or nothing was connected)"
                : percentiles(r.readingDelay()) + String.format(Locale.ROOT, " (%d probes)", r.readingDelay().count())
                        + (r.readingDelayMatters() ? "  << a share of the figures" : "")});
        rows.add(new String[] {"loadgen CPU", String.format(Locale.ROOT, "%s of %d cores; machine %s; busiest thread"
                        + " %s of a core in its busiest second; %d threads for %d connections%s", percent(cpu.loadgenPercent()),
                cpu.cores(), percent(cpu.machinePercent()), percent(cpu.busiestThreadPercent()),
                cpu.peakThreads(), c.connected(), cpu.saturated() ? "  << CPU SATURATED" : "")});
        return rows;
    }

    /** What the reader must know before trusting the table. */
    static List<String> notes(Results r) {
        List<String> notes = new ArrayList<>();
        if (r.cpu().saturated()) {
            notes.add(String.format(Locale.ROOT, "CPU saturated: figures are a lower bound of what the server can do."
                            + " The load generator used %s of the CPU and the machine %s on average, and %d of the"
                            + " %d one-second samples reached %.0f%% (of all cores, or of one core for one of the load"
                            + " generator's threads): messages may have waited for us, not for the server. On a machine of its own the server may do better: more ticks, and shorter"
                            + " fan-out and round trips than these.",
                    percent(r.cpu().loadgenPercent()), percent(r.cpu().machinePercent()), r.cpu().saturatedSeconds(),
                    r.cpu().samples().size(), CpuMeter.SATURATED_PERCENT));
        }
        if (r.readingDelayMatters()) {
            notes.add(String.format(Locale.ROOT, "Part of these figures is the load generator's own delay: at 99 in"
                            + " 100 moments probed, a message arriving then could have waited up to %s ms before the tool"
                            + " read it (until the end of the first round of reads that began at or after the probe and was not"
                            + " handed a full batch of ready sockets), against an"
                            + " echo p99 of %s ms and a fan-out p50 of %s ms. A broadcast makes every socket readable at once, and each"
                            + " reading thread goes through its share one by one; a starved machine adds its wait for a"
                            + " core. Compare servers measured the same way, and read the server's own share as that"
                            + " much smaller.",
                    ms(r.readingDelay().p99()), ms(r.echo().roundTrip().p99()), ms(r.ticks().fanOut().p50())));
        }
        if (Double.isNaN(r.cpu().loadgenPercent())) {
            notes.add("The window was too short (under 1 s) to measure CPU use.");
        }
        if (!r.run().numbered()) {
            notes.add("The server's ticks carry no number: they were lined up by arrival time (a new round begins more"
                    + " than half a period after the previous one, and holds as many ticks as every client got in it)."
                    + " Fan-out and missed ticks are estimates, valid only while fan-out stays under half the period.");
        }
        if (r.run().nominalSource() == NominalSource.ESTIMATED) {
            notes.add("The nominal tick was estimated from the median interval (no -Dtick.ms, no /info), so the"
                    + " interval error's p50 is zero by construction. Pass -Dtick.ms to measure drift.");
        }
        if (r.clients().firstFailure() != null) {
            notes.add("First connect failure: " + r.clients().firstFailure());
        }
        if (r.clients().firstLoss() != null) {
            notes.add("A connection lost during the run ended so: " + r.clients().firstLoss());
        }
        if (r.echo().overtaken() > 0) {
            notes.add(String.format(Locale.ROOT, "%d key presses had no echo yet when their key came round again (echoes"
                            + " are matched by key code, and the keys go round in turn, so that is %d key periods later). An echo that"
                            + " still came was taken for the newer press: the round trips above are too short. Press"
                            + " less often (-Dkeys.ms).", r.echo().overtaken(), LoadClient.KEYS));
        }
        if (r.echo().unanswered() > 0) {
            notes.add(String.format(Locale.ROOT, "%d of %d key presses had no echo when the run ended, %d s after the"
                            + " window: lost, or slower than that. The round trips leave them out, so the echo"
                            + " percentiles above are too low.", r.echo().unanswered(), r.echo().pressed(),
                    LoadGenerator.DRAIN_MAX.toSeconds()));
        }
        if (r.ticks().perClient().mean() > r.ticks().expectedPerClient() + 1) {
            notes.add(String.format(Locale.ROOT, "Clients got %.1f ticks on average where the period allows %.1f: the"
                            + " server was still sending late ticks back to back, catching up on a fixed-rate schedule it"
                            + " had fallen behind before the window opened. The interval error's mean is too low for that;"
                            + " a longer warm-up (-Dwarmup) lets it settle.",
                    r.ticks().perClient().mean(), r.ticks().expectedPerClient()));
        }
        if (r.ticks().notReachingEveryone() > 0) {
            notes.add(String.format(Locale.ROOT, "%d ticks of the window did not reach every client connected at the"
                            + " time: they have no fan-out, and the fan-out percentiles above leave them out. See the"
                            + " missed ticks.", r.ticks().notReachingEveryone()));
        }
        if (r.ticks().untracked() > 0) {
            notes.add(String.format(Locale.ROOT, "%d tick numbers, summed over the clients, fell outside the range a"
                            + " client keeps track of (the window's ticks at four times the nominal rate): the server's"
                            + " numbering jumped. Whether they arrived cannot be told; they are not counted as missed.",
                    r.ticks().untracked()));
        }
        if (r.ticks().outOfOrder() > 0) {
            notes.add(r.ticks().outOfOrder() + " ticks arrived repeated or out of order.");
        }
        if (r.ticks().unknownMessages() > 0 || r.echo().unmatched() > 0 || r.echo().sendFailures() > 0) {
            notes.add(String.format(Locale.ROOT, "%d messages not understood, %d unmatched echoes, %d failed key sends.",
                    r.ticks().unknownMessages(), r.echo().unmatched(), r.echo().sendFailures()));
        }
        return notes;
    }

    /**
     * One row of the benchmark tables in docs/benchmarks-log.md, so a re-run can be pasted as it is.
     * Columns: example, clients, connected (failures), ticks per client (expected), missed ticks,
     * fan-out p50/p99/max, tick interval error mean/p50/p99, echo p50/p99/max, CPU, lower bound.
     * {@code bench.sh} adds the server's memory. Clients lost during the run, ticks left out of
     * the fan-out because they did not reach everyone, and presses never answered show in their
     * cells only when there are any, so that no row looks clean without being so, and the rows
     * of earlier sittings keep their shape.
     */
    public static String markdownRow(Results r) {
        Results.Ticks t = r.ticks();
        Summary f = t.fanOut();
        Summary i = t.intervalError();
        Summary e = r.echo().roundTrip();
        int lost = r.clients().lostDuringRun();
        long unanswered = r.echo().unanswered();
        int partial = t.notReachingEveryone();
        return String.format(Locale.ROOT, "| %s | %d | %d (%d%s) | %s (%s) | %d | %s / %s / %s%s | %s / %s / %s | %s / %s / %s%s"
                        + " | %s / %s | %s |",
                r.run().example() == null ? "?" : r.run().example(), r.clients().requested(), r.clients().connected(),
                r.clients().connectFailures(), lost > 0 ? ", **" + lost + " lost**" : "",
                oneDecimal(t.perClient().mean()), oneDecimal(t.expectedPerClient()),
                t.missed(), ms(f.p50()), ms(f.p99()), ms(f.max()),
                partial > 0 ? " (**" + partial + " ticks not to everyone**)" : "", signed(i.mean()), signed(i.p50()), signed(i.p99()),
                ms(e.p50()), ms(e.p99()), ms(e.max()), unanswered > 0 ? " (**" + unanswered + " unanswered**)" : "",
                percent(r.cpu().loadgenPercent()), percent(r.cpu().machinePercent()),
                r.lowerBound() ? "**yes**" : "no");
    }

    /** A share of the CPU, or "?" where it could not be measured. */
    private static String percent(double value) {
        return Double.isNaN(value) ? "?" : String.format(Locale.ROOT, "%.0f%%", value);
    }

    private static String oneDecimal(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f", value);
    }

    /** The same figures as the table, for scripts and for comparing runs. */
    public static String json(Results r) {
        Results.Run run = r.run();
        Results.Ticks t = r.ticks();
        Map<String, Object> root = object(
                "tool", "gameloop loadgen",
                "started_at", run.startedAt().toString(),
                "url", run.url(),
                "example", run.example(),
                "clients_requested", r.clients().requested(),
                "client", run.client(),
                "key_period_ms", run.keyPeriodMs(),
                "ramp_concurrency", run.rampConcurrency(),
                "warmup_s", run.warmupSeconds(),
                "window_s", run.windowSeconds(),
                "nominal_tick_ms", run.nominalTickMs(),
                "nominal_tick_source", run.nominalSource().name().toLowerCase(Locale.ROOT),
                "tick_numbers", run.numbered() ? "from the messages" : "inferred from arrival time",
                "lower_bound", r.lowerBound(),
                "reading_delay_ms", summary(r.readingDelay()),
                "clients", object("connected", r.clients().connected(), "connect_failures", r.clients().connectFailures(),
                        "first_failure", r.clients().firstFailure(), "lost_during_run", r.clients().lostDuringRun(),
                        "first_loss", r.clients().firstLoss(),
                        "ramp_s", r.clients().rampSeconds()),
                "ticks_per_client", object("min", t.perClient().min(), "mean", t.perClient().mean(),
                        "max", t.perClient().max(), "expected", t.expectedPerClient()),
                "missed_ticks", object("total", t.missed(), "clients_with_misses", t.clientsWithMisses(),
                        "per_client_min", t.missedPerClient().min(), "per_client_max", t.missedPerClient().max(),
                        "untracked", t.untracked(),
                        "out_of_order", t.outOfOrder(), "unknown_messages", t.unknownMessages()),
                "fan_out_ms", summary(t.fanOut()),
                "ticks_not_reaching_everyone", t.notReachingEveryone(),
                "tick_interval_error_ms", summary(t.intervalError()),
                "echo_rtt_ms", summary(r.echo().roundTrip()),
                "key_sent_late_ms", summary(r.echo().sentLate()),
                "echoes", object("pressed", r.echo().pressed(), "echoed", r.echo().echoed(),
                        "unmatched", r.echo().unmatched(), "send_failures", r.echo().sendFailures(),
                        "overtaken", r.echo().overtaken(), "unanswered", r.echo().unanswered()),
                "cpu", object("cores", r.cpu().cores(), "loadgen_percent", r.cpu().loadgenPercent(),
                        "machine_percent", r.cpu().machinePercent(), "saturated", r.cpu().saturated(),
                        "saturated_seconds", r.cpu().saturatedSeconds(),
                        "busiest_thread_percent_of_a_core", r.cpu().busiestThreadPercent(),
                        "loadgen_threads_peak", r.cpu().peakThreads()),
                "ticks", r.series().stream().map(p -> List.of(p.number(), p.seconds(), p.intervalMs(), p.fanOutMs(),
                        p.clients())).toList());
        StringBuilder out = new StringBuilder();
        Json.write(root, out, "");
        return out.append('\n').toString();
    }

    private static Map<String, Object> summary(Summary s) {
        return object("count", s.count(), "mean", s.mean(), "p50", s.p50(), "p90", s.p90(), "p99", s.p99(),
                "p99_9", s.p999(), "max", s.max());
    }

    private static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static String percentiles(Summary s) {
        return String.format(Locale.ROOT, "p50 %s ms   p99 %s ms   max %s ms", ms(s.p50()), ms(s.p99()), ms(s.max()));
    }

    static String num(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e6 ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.1f" : "%.2f", value);
    }

    /** A time in milliseconds: two decimals below 100 ms, one above. */
    static String ms(double value) {
        return Double.isNaN(value) ? "n/a"
                : String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.1f" : "%.2f", value);
    }

    static String signed(double value) {
        return Double.isNaN(value) ? "n/a" : (value >= 0 ? "+" : "") + ms(value);
    }

    /** Just enough JSON: objects, lists, strings, numbers, booleans and null (NaN becomes null). */
    private static final class Json {
        static void write(Object value, StringBuilder out, String indent) {
            if (value instanceof Map<?, ?> map) {
                out.append("{");
                String inner = indent + "  ";
                String separator = "\n";
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    out.append(separator).append(inner);
                    string(e.getKey().toString(), out);
                    out.append(": ");
                    write(e.getValue(), out, inner);
                    separator = ",\n";
                }
                out.append("\n").append(indent).append("}");
            } else if (value instanceof List<?> list) {
                // A list of lists (the ticks) gets one line per row; anything else stays on one line.
                boolean rows = !list.isEmpty() && list.get(0) instanceof List;
                String inner = indent + "  ";
                out.append("[");
                for (int i = 0; i < list.size(); i++) {
                    out.append(rows ? (i == 0 ? "\n" : ",\n") + inner : (i == 0 ? "" : ", "));
                    write(list.get(i), out, inner);
                }
                out.append(rows ? "\n" + indent + "]" : "]");
            } else if (value instanceof String s) {
                string(s, out);
            } else if (value instanceof Double d) {
                out.append(d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.3f", d));
            } else {
                out.append(value); // Integer, Long, Boolean, null
            }
        }

        static void string(String s, StringBuilder out) {
            out.append('"');
            for (char ch : s.toCharArray()) {
                switch (ch) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    default -> out.append(ch < 0x20 ? String.format("\\u%04x", (int) ch) : String.valueOf(ch));
                }
            }
            out.append('"');
        }
    }
}
