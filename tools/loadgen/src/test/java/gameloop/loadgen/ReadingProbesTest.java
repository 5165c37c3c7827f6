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

        probes.roundFinished(100, 200);
        assertEquals(List.of(), delays, "the round under way at 150 may have passed the message by");
        assertTrue(probes.anyWaiting(), "so the next select must not block");

        probes.roundFinished(210, 300); // began after 150: the message was ready, and read in it
        assertEquals(List.of(150L), delays);
        assertFalse(probes.anyWaiting());
    }

    @Test
    void aProbeAskedBeforeTheSelectBeganIsAnsweredWhenThatRoundEnds() {
        probes.add(90, delays::add);
        probes.add(100, delays::add);
        probes.add(130, delays::add);

        probes.roundFinished(100, 160);

        assertEquals(List.of(70L, 60L), delays, "asked at 90 and at 100; the one at 130 waits");
        assertTrue(probes.anyWaiting());
    }
}
