package gameloop.shared;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Who tells the game of a leave, in either order. (With a real connection and a broadcast on
 * another thread: {@code PlayerTest.aLeaveWhileTheGameTakesThePlayerInIsToldOnlyOnceTheJoinHasReturned},
 * in tools/testkit.)
 */
class JoinThenLeaveTest {

    @Test
    void aLeaveAfterTheJoinIsToldByTheThreadThatFoundIt() {
        JoinThenLeave order = new JoinThenLeave();

        assertFalse(order.joinOverWithALeaveHeld(), "no leave yet");
        assertTrue(order.leaveMayBeToldNow());
    }

    @Test
    void aLeaveDuringTheJoinIsHeldAndToldByTheJoinsThread() {
        JoinThenLeave order = new JoinThenLeave();

        assertFalse(order.leaveMayBeToldNow(), "playerJoined is still running");
        assertTrue(order.joinOverWithALeaveHeld());
    }
}
