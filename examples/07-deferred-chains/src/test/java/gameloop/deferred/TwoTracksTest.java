package gameloop.deferred;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
