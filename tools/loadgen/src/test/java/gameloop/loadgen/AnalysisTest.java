package gameloop.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The figures of a run, worked out from arrivals at made-up times: no server, no clock. */
class AnalysisTest {

    private static final long MS = 1_000_000L;
    /** A 2 s window from 1 s on, ticks every 100 ms. */
    private static final long WINDOW_START = 1_000 * MS;
    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final Duration TICK = Duration.ofMillis(100);

    private final TickLedger ledger = new TickLedger();
    private final Echoes echoes = new Echoes();
    private final LoadClient a = client();
    private final LoadClient b = client();
    private final LoadClient c = client();

    AnalysisTest() {
        ledger.openWindow(WINDOW_START, TickLedger.ticksToTrack(WINDOW, TICK));
        ledger.closeWindow(WINDOW_START + WINDOW.toNanos());
    }

    private LoadClient client() {
        LoadClient client = new LoadClient(ledger, echoes);
        client.opened(null, 0);
        return client;
    }

    /** Tick {@code number} reaches {@code client} {@code ms} after the window opened. */
    private static void arrives(LoadClient client, long number, double ms) {
        client.tick(number, WINDOW_START + (long) (ms * MS));
    }

    private Results analyse() {
        LoadOptions options = new LoadOptions(URI.create("ws://127.0.0.1:8080/connect"), 3, WINDOW, Duration.ZERO,
                Duration.ofSeconds(1), TICK, 10, Path.of("unused"), Transport.Kind.NIO);
        return Analysis.analyse(options, Instant.EPOCH, ServerInfo.NONE,
                new Analysis.Ramp(List.of(a, b, c), 0, null, 0), 0, null, ledger, echoes,
                new CpuMeter.Figures(2, 10, 20, 5, List.of()), new Histogram(3));
    }

    @Test
    void fanOutIsFromTheFirstClientToTheLastForTicksThatReachedEveryone() {
        arrives(a, 1, 10);
        arrives(b, 1, 12);
        arrives(c, 1, 15); // 5 ms
        arrives(a, 2, 110);
        arrives(b, 2, 150); // c never gets tick 2: its 40 ms would say nothing of reaching everyone
        arrives(a, 3, 210);
        arrives(b, 3, 211);
        arrives(c, 3, 213); // 3 ms

        Results.Ticks t = analyse().ticks();

        assertEquals(2, t.fanOut().count());
        assertEquals(3.0, t.fanOut().p50(), 0.01);
        assertEquals(5.0, t.fanOut().max(), 0.01);
        assertEquals(1, t.notReachingEveryone());
        assertEquals(1, t.missed());
        assertEquals(2, t.perClient().min());
        assertEquals(3, t.perClient().max());
    }

    @Test
    void aTickNoClientBeyondTheFirstGotIsLeftOutNotCountedAsInstant() {
        for (LoadClient each : List.of(a, b, c)) {
            arrives(each, 0, -90); // before the window: from here on, every tick is meant for all three
        }
        arrives(a, 1, 10); // b and c never get it: a server dropping messages must not look fast
        arrives(a, 2, 110);
        arrives(b, 2, 120);
        arrives(c, 2, 130);

        Results.Ticks t = analyse().ticks();

        assertEquals(1, t.fanOut().count());
        assertEquals(20.0, t.fanOut().p50(), 0.02);
        assertEquals(1, t.notReachingEveryone());
    }

    @Test
    void theExpectedTicksAreTheWindowOverTheNominalPeriod() {
        arrives(a, 1, 10);

        assertEquals(20.0, analyse().ticks().expectedPerClient(), 1e-9); // 2 s / 100 ms
    }
}
