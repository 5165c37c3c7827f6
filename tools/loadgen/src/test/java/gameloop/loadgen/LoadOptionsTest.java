package gameloop.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line: defaults, units, and clear errors. No system property is touched. */
class LoadOptionsTest {

    @Test
    void defaultsAimAtTheExamplesUsualAddress() {
        LoadOptions o = LoadOptions.fromProperties(name -> null);

        assertEquals(URI.create("ws://127.0.0.1:8080/connect"), o.url());
        assertEquals(100, o.clients());
        assertEquals(Duration.ofSeconds(20), o.duration());
        assertEquals(Duration.ofSeconds(2), o.warmup(), "long enough for the JIT, as the README says");
        assertEquals(Duration.ofSeconds(1), o.keyPeriod());
        assertEquals(50, o.rampConcurrency());
        assertNull(o.tickPeriod(), "no -Dtick.ms: ask the server");
        assertEquals(Path.of("target/loadgen"), o.outDir());
        assertEquals(Transport.Kind.NIO, o.client(), "the lightest client, so the tool takes little CPU from the server");
        assertTrue(o.targetsLoopback());
    }

    /** Every value differs from its default, so an option read under the wrong name cannot pass for read. */
    @Test
    void readsEveryProperty() {
        Map<String, String> props = Map.of("url", "ws://localhost:18080/connect", "clients", "1000",
                "duration", "90s", "warmup", "30s", "keys.ms", "250", "tick.ms", "100", "ramp.concurrency", "200",
                "out", "/tmp/x", "client", "Jetty");

        LoadOptions o = LoadOptions.fromProperties(props::get);

        assertEquals(URI.create("ws://localhost:18080/connect"), o.url());
        assertEquals(1000, o.clients());
        assertEquals(Duration.ofSeconds(90), o.duration());
        assertEquals(Duration.ofSeconds(30), o.warmup());
        assertEquals(Duration.ofMillis(250), o.keyPeriod());
        assertEquals(Duration.ofMillis(100), o.tickPeriod());
        assertEquals(200, o.rampConcurrency());
        assertEquals(Path.of("/tmp/x"), o.outDir());
        assertEquals(Transport.Kind.JETTY, o.client());
        assertTrue(o.targetsLoopback());
    }

    @Test
    void durationsTakeTheUsualUnits() {
        assertEquals(Duration.ofSeconds(20), LoadOptions.parseDuration("20s"));
        assertEquals(Duration.ofSeconds(20), LoadOptions.parseDuration("20"));
        assertEquals(Duration.ofMillis(500), LoadOptions.parseDuration("500ms"));
        assertEquals(Duration.ofMillis(1500), LoadOptions.parseDuration("1.5s"));
        assertEquals(Duration.ofMinutes(2), LoadOptions.parseDuration("2m"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parseDuration("soon"));
    }

    @Test
    void refusesNonsenseWithTheOptionsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.fromProperties(Map.of("clients", "many")::get));
        assertTrue(e.getMessage().contains("-Dclients"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.fromProperties(Map.of("clients", "0")::get));
        assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.fromProperties(Map.of("url", "http://127.0.0.1:8080/")::get));
        e = assertThrows(IllegalArgumentException.class, () -> LoadOptions.fromProperties(Map.of("client", "netty")::get));
        assertTrue(e.getMessage().contains("-Dclient must be nio or jetty"), e.getMessage());
    }

    @Test
    void sendsTlsThroughJettysClientOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadOptions.fromProperties(Map.of("url", "wss://127.0.0.1:8443/connect")::get));
        assertTrue(e.getMessage().contains("-Dclient=jetty"), e.getMessage());
        assertEquals(Transport.Kind.JETTY,
                LoadOptions.fromProperties(Map.of("url", "wss://127.0.0.1:8443/connect", "client", "jetty")::get).client());
    }

    @Test
    void warnsOnlyForAddressesOffThisMachine() {
        assertTrue(options("ws://[::1]:8080/connect").targetsLoopback());
        assertFalse(options("ws://192.0.2.10:8080/connect").targetsLoopback()); // TEST-NET-1, never resolved
    }

    private static LoadOptions options(String url) {
        return LoadOptions.fromProperties(Map.of("url", url)::get);
    }

    /**
     * Each option that must be positive, set to 0 (and a negative warm-up, a URL with no host), is
     * refused by name; {@code -Dclients=0} is refused in {@code refusesNonsenseWithTheOptionsName}.
     */
    @Test
    void refusesEachOptionThatCannotBeMeasuredWithByName() {
        assertRefused(Map.of("tick.ms", "0"), "-Dtick.ms"); // a nominal period of 0: expected ticks infinite
        assertRefused(Map.of("duration", "0s"), "-Dduration");
        assertRefused(Map.of("keys.ms", "0"), "-Dkeys.ms");
        assertRefused(Map.of("ramp.concurrency", "0"), "-Dramp.concurrency");
        assertRefused(Map.of("warmup", "-1s"), "-Dwarmup");
        assertRefused(Map.of("url", "ws:///connect"), "-Durl");
    }

    /** An empty -Dtick.ms means "ask the server", as no -Dtick.ms does. */
    @Test
    void aBlankTickPeriodMeansAskTheServer() {
        assertNull(LoadOptions.fromProperties(Map.of("tick.ms", " ")::get).tickPeriod());
    }

    private static void assertRefused(Map<String, String> props, String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoadOptions.fromProperties(props::get),
                props.toString());
        assertTrue(e.getMessage().contains(name), e.getMessage());
    }
}
