package gameloop.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a probe of the reading delay is answered, on made-up times: no thread, no clock. */
class ReadingProbesTest {

    private final ReadingProbes probes = new ReadingProbes();
    private final List<Long> delays = new ArrayList<>();

    @Test
    void aProbeAskedDuringARoundWaitsForTheWholeNextRound() {
        // A round's select began at 100; at 150, while it reads, a message lands on a socket it
        // has already read, and a probe is asked. That message is read in the next round only.
        probes.add(150, delays::add);

        probes.roundFinished(100, 200, 3);
        assertStillWaiting("the round under way at 150 may have passed the message by");

        probes.roundFinished(210, 300, 1); // began after 150: the message was ready, and read in it
        assertEquals(List.of(150L), delays);
        assertFalse(probes.anyWaiting());
    }

    @Test
    void aProbeAskedBeforeTheSelectBeganIsAnsweredWhenThatRoundEnds() {
        probes.add(90, delays::add);
        probes.add(100, delays::add);
        probes.add(130, delays::add);

        probes.roundFinished(100, 160, 0);

        assertEquals(List.of(70L, 60L), delays, "asked at 90 and at 100; the one at 130 waits");
        assertTrue(probes.anyWaiting());
    }

    @Test
    void probesWaitThroughRoundsHandedAFullBatchForTheFirstThatIsNot() {
        // 2500 sockets ready at 90, when the probe is asked: one select hands over 1024 events at
        // most, one of which may be the selector's own wakeup, so three rounds read them all.
        probes.add(90, delays::add);

        probes.roundFinished(100, 200, 1023);
        assertStillWaiting("1023 sockets and the wakeup: a full batch, sockets may be left");
        probes.add(150, delays::add); // asked while the run of full rounds was under way
        probes.roundFinished(210, 300, 1024);
        assertEquals(List.of(), delays);

        probes.roundFinished(310, 400, 453); // handed fewer: every socket ready at 310 has been read
        assertEquals(List.of(310L, 250L), delays, "both probes, asked before that select began, each timed from its own");
        assertFalse(probes.anyWaiting());
    }

    @Test
    void aRoundShortOfAFullBatchAnswersAtOnce() {
        probes.add(90, delays::add);

        probes.roundFinished(100, 200, ReadingProbes.FULL_ROUND_KEYS - 1);

        assertEquals(List.of(110L), delays);
    }

    /** No probe answered yet, so the reading thread's next select must not block. */
    private void assertStillWaiting(String why) {
        assertEquals(List.of(), delays, why);
        assertTrue(probes.anyWaiting(), "a probe waits: the next select must not block");
    }
}
