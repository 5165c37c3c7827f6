package gameloop.shared;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Makes the game hear of one player's join before its leave, and of each exactly once, whichever
 * threads find them out.
 *
 * <p>Why a leave can come first: {@link Players#join} lists a player before the game's
 * {@code playerJoined} runs, so that the game can already send to it there. A send to it can
 * then fail and end it while {@code playerJoined} is still running: the game's own first send,
 * inside it, or a broadcast on another thread. Told at once, the game would hear of a leave from
 * a player it has not finished taking in. So whichever comes second tells the leave: the leave
 * itself, once the join is over, or else the end of the join, which finds the leave held for it.
 * One compare-and-set decides which, so two threads can never both tell it, nor both skip it.
 */
final class JoinThenLeave {

    private enum Stage {
        /** {@code playerJoined} is running */
        JOINING,
        /** {@code playerJoined} has returned: a leave is told at once */
        JOINED,
        /** the player left while {@code playerJoined} ran: the join's thread tells the game */
        LEFT_WHILE_JOINING
    }

    private final AtomicReference<Stage> stage = new AtomicReference<>(Stage.JOINING);

    /**
     * Records that {@code playerJoined} has returned (or thrown); called once, by the join's
     * thread. True if the player left meanwhile: the caller tells the game of that leave now.
     */
    boolean joinOverWithALeaveHeld() {
        return !stage.compareAndSet(Stage.JOINING, Stage.JOINED);
    }

    /**
     * Records that the player left; called once, by the thread that found it gone. True if the
     * game may hear of the leave now; false if {@code playerJoined} is still running, and the
     * join's thread will tell it.
     */
    boolean leaveMayBeToldNow() {
        return !stage.compareAndSet(Stage.JOINING, Stage.LEFT_WHILE_JOINING);
    }
}
