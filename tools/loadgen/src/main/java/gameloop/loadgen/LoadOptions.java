package gameloop.loadgen;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What one run is told: where to connect, how many clients, for how long. {@code main} builds it
 * from {@code -D} properties; a test builds it directly. Checked once, up front, so a typo fails
 * with a clear message before a single connection is opened.
 *
 * @param url             the server's WebSocket address, {@code ws://} or {@code wss://}
 * @param clients         how many connections to open
 * @param duration        how long to measure, after the warm-up
 * @param warmup          once every client is connected, how long they run before we measure:
 *                        time for the JIT to compile the client's hot paths (and the server's)
 * @param keyPeriod       each client presses a key this often
 * @param tickPeriod      the server's nominal tick period; null to ask the server's {@code /info}
 * @param rampConcurrency at most this many connection attempts in flight at once
 * @param outDir          where the JSON and HTML reports are written
 * @param client          which WebSocket client carries the connections; {@code wss://} needs
 *                        {@link Transport.Kind#JETTY}
 */
public record LoadOptions(URI url, int clients, Duration duration, Duration warmup, Duration keyPeriod,
                          Duration tickPeriod, int rampConcurrency, Path outDir, Transport.Kind client) {

    public static final URI DEFAULT_URL = URI.create("ws://127.0.0.1:8080/connect");
    /** Connection attempts in flight at once, unless {@code -Dramp.concurrency} says otherwise. */
    static final int DEFAULT_RAMP_CONCURRENCY = 50;

    public LoadOptions {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(client, "client");
        String scheme = String.valueOf(url.getScheme()).toLowerCase(Locale.ROOT);
        if (!(scheme.equals("ws") || scheme.equals("wss")) || url.getHost() == null) {
            throw new IllegalArgumentException("-Durl must look like ws://127.0.0.1:8080/connect, got " + url);
        }
        if (scheme.equals("wss") && client == Transport.Kind.NIO) {
            throw new IllegalArgumentException("-Dclient=nio speaks ws:// only; for " + url + " use -Dclient=jetty");
        }
        requirePositive("clients", clients);
        requirePositive("ramp.concurrency", rampConcurrency);
        requirePositive("duration", duration);
        if (warmup == null || warmup.isNegative()) {
            throw new IllegalArgumentException("-Dwarmup must be zero or more, got " + warmup);
        }
        requirePositive("keys.ms", keyPeriod);
        if (tickPeriod != null) {
            requirePositive("tick.ms", tickPeriod);
        }
    }

    /**
     * Reads {@code -Dclients -Dduration -Dwarmup -Durl -Dkeys.ms -Dtick.ms -Dramp.concurrency -Dout
     * -Dclient}.
     * Takes a lookup function rather than reading system properties itself, so tests can pass
     * a map and run in parallel without touching global state.
     */
    public static LoadOptions fromProperties(UnaryOperator<String> property) {
        String tick = property.apply("tick.ms");
        return new LoadOptions(
                URI.create(orDefault(property.apply("url"), DEFAULT_URL.toString())),
                intValue("clients", orDefault(property.apply("clients"), "100")),
                parseDuration(orDefault(property.apply("duration"), "20s")),
                parseDuration(orDefault(property.apply("warmup"), "2s")),
                Duration.ofMillis(intValue("keys.ms", orDefault(property.apply("keys.ms"), "1000"))),
                tick == null || tick.isBlank() ? null : Duration.ofMillis(intValue("tick.ms", tick)),
                intValue("ramp.concurrency",
                        orDefault(property.apply("ramp.concurrency"), String.valueOf(DEFAULT_RAMP_CONCURRENCY))),
                Path.of(orDefault(property.apply("out"), "target/loadgen")),
                clientKind(orDefault(property.apply("client"), "nio")));
    }

    private static Transport.Kind clientKind(String value) {
        try {
            return Transport.Kind.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-Dclient must be nio or jetty, got '" + value + "'", e);
        }
    }

    /** "20s", "500ms", "2m", or a bare number of seconds ("20"). */
    public static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).strip()));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).strip()) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).strip()) * 60_000));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("durations look like 20s, 500ms or 2m, got '" + text + "'", e);
        }
    }

    /**
     * True if the URL's host is this machine. A load test aimed elsewhere measures the network
     * too, and may hit a server whose owner did not ask for it: we warn, but do not refuse.
     */
    public boolean targetsLoopback() {
        try {
            String host = url.getHost();
            host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static int intValue(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + " must be a whole number, got '" + value + "'", e);
        }
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("-D" + name + " must be positive, got " + value);
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("-D" + name + " must be positive, got " + value);
        }
    }
}
