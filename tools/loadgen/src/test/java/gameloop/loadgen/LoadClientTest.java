package gameloop.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What one client counts (missed ticks, presses), with no server at all. */
class LoadClientTest {

    private final TickLedger ledger = new TickLedger();
    private final LoadClient client = new LoadClient(ledger, new Echoes());

    LoadClientTest() {
        ledger.openWindow(0);
        client.opened(null);
    }

    /** Ticks as the window saw them: sent now, so after the client opened. */
    private static List<TickLedger.Tick> window(long... numbers) {
        long now = System.nanoTime();
        return Arrays.stream(numbers).mapToObj(n -> new TickLedger.Tick(n, now, now, 1)).toList();
    }

    @Test
    void aClientThatGotEveryTickMissedNone() {
        for (long n = 1; n <= 5; n++) {
            client.tick(n, System.nanoTime());
        }
        assertEquals(0, client.missed(window(1, 2, 3, 4, 5)));
    }

    @Test
    void gapsAndTheTicksAfterItsLastOneAreMissed() {
        client.tick(1, System.nanoTime());
        client.tick(3, System.nanoTime());
        // 2 is a gap; 4 and 5 reached others but never this client.
        assertEquals(3, client.missed(window(1, 3, 4, 5)));
    }

    @Test
    void aNumberNobodyGotCountsForEveryone() {
        client.tick(1, System.nanoTime());
        client.tick(3, System.nanoTime());
        assertEquals(1, client.missed(window(1, 3))); // 2 was never sent to anyone
    }

    @Test
    void ticksBeforeItsFirstAreNotItsOwn() {
        client.tick(3, System.nanoTime());
        client.tick(4, System.nanoTime());
        assertEquals(0, client.missed(window(1, 2, 3, 4)));
    }

    @Test
    void aPressWhoseSendFailedIsCountedOnceNotAgainWhenItsKeyComesRound() {
        Echoes echoes = new Echoes();
        LoadClient pressing = new LoadClient(ledger, echoes);
        pressing.opened(new Connection() { // every send fails at once, as on a connection that just broke
            @Override
            public void sendText(String text, Runnable onFailure) {
                onFailure.run();
            }

            @Override
            public void close() {
            }

            @Override
            public boolean isOpen() {
                return true;
            }
        });
        for (int i = 0; i < LoadClient.KEYS + 1; i++) { // 'A' comes round once
            pressing.pressKey();
        }
        assertEquals(LoadClient.KEYS + 1, echoes.pressedCount());
        assertEquals(LoadClient.KEYS + 1, echoes.sendFailureCount());
        assertEquals(0, echoes.overtakenCount(), "a failed send is not also an overtaken press");
        assertEquals(0, echoes.pending());
    }

    @Test
    void aNumberingThatJumpsByBillionsIsCountedWithoutLoopingOrOverflowing() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            client.tick(1, System.nanoTime());
            client.tick(2_000_000_000L, System.nanoTime());
            // 1_999_999_998 in truth: a number that far past the first is not kept, so tick
            // 2_000_000_000 itself counts as missed too, as MAX_TRACKED_TICKS says.
            assertEquals(1_999_999_999, client.missed(window(1, 2_000_000_000L)));

            LoadClient far = new LoadClient(ledger, new Echoes());
            far.opened(null);
            far.tick(Long.MAX_VALUE - 1, System.nanoTime());
            far.tick(Long.MAX_VALUE, System.nanoTime());
            assertEquals(0, far.missed(window(Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, Long.MAX_VALUE)),
                    "from its first tick on: the ticks before are not its own");
        });
    }
}
