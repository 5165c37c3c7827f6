package gameloop.deferred;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TwoTracksTest {

    @Test
    void walksTheTwoTracksAsTheChapterShows() {
        CapturedOutput captured = new CapturedOutput();

        TwoTracks.run(captured.out);

        // No "Square of" line: that callback sat on the callback track while the chain was on
        // the errback track.
        assertEquals(List.of(
                "paused: callback(7) was called, no step has run yet",
                "errback: 7 is odd, carrying on with 6",
                "Twice of 6 is 12",
                "addBoth: value 6",
                "added after the result arrived, runs at once with 6"), captured.lines());
    }

    /**
     * roundDown traps, as the chapter says (Twisted's failure.trap): it recovers from an OddNumber
     * only, and any other failure stays on the errback track. run() only ever fires 7, so
     * roundDown is called directly here.
     */
    @Test
    void roundDownRethrowsAFailureThatIsNotAnOddNumber() {
        CapturedOutput captured = new CapturedOutput();
        IllegalStateException other = new IllegalStateException("not ours");

        Exception rethrown = assertThrows(Exception.class, () -> TwoTracks.roundDown(captured.out, other));

        assertSame(other, rethrown);
        assertEquals(List.of(), captured.lines());
    }
}
