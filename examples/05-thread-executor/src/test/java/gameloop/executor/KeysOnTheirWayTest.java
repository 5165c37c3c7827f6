package gameloop.executor;

import static gameloop.executor.KeysOnTheirWay.Admission.DROPPED_AGAIN;
import static gameloop.executor.KeysOnTheirWay.Admission.DROPPED_FIRST;
import static gameloop.executor.KeysOnTheirWay.Admission.LET_THROUGH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Players' key counts and busy marks, step by step, as Jetty's thread ({@code admit}) and the
 * owner's ({@code taken}) would change them. Each step is one call under the player's lock, so
 * the tests write the steps out in order, one interleaving each, the same every run; the last
 * one races real threads, to check the lock is there.
 */
class KeysOnTheirWayTest {

    private static final int MAX = KeysOnTheirWay.MAX_WAITING;

    private final AtomicInteger waitingInAll = new AtomicInteger();

    @Test
    void eachBusySpellGetsOneAnswerAndTheNextSpellGetsItsOwn() {
        KeysOnTheirWay keys = new KeysOnTheirWay(waitingInAll, 10_000);
        for (int spell = 1; spell <= 2; spell++) {
            fill(keys);
            assertEquals(DROPPED_FIRST, keys.admit(), "spell " + spell + ": the first drop is answered");
            assertEquals(DROPPED_AGAIN, keys.admit(), "spell " + spell + ": a second drop is not");
            drain(keys, MAX);
            assertEquals(0, waitingInAll.get(), "dropped keys are not counted");
        }
    }

    /**
     * A client flooding keys keeps its count at the bound while the owner takes them one by one:
     * a key let through between two drops does not make the next drop news. Only the owner
     * catching up on every waiting key does.
     */
    @Test
    void aSpellLastsUntilTheOwnerHasTakenEveryWaitingKey() {
        KeysOnTheirWay keys = new KeysOnTheirWay(waitingInAll, 10_000);
        fill(keys);
        assertEquals(DROPPED_FIRST, keys.admit());
        for (int i = 0; i < 100; i++) {
            drain(keys, 1);
            assertEquals(LET_THROUGH, keys.admit());
            assertEquals(DROPPED_AGAIN, keys.admit(), "drop " + (i + 2) + " of one spell was answered");
        }
        drain(keys, MAX);
        fill(keys);
        assertEquals(DROPPED_FIRST, keys.admit(), "the next spell's first drop went unanswered");
    }

    /**
     * Past the bound for all players, a player with no key of its own waiting is told once, however
     * many keys it loses, though the owner never takes a key of its: that spell ends when one of its
     * keys is let through again.
     */
    @Test
    void dropsPastTheBoundForAllAreAnsweredOncePerSpell() {
        KeysOnTheirWay other = new KeysOnTheirWay(waitingInAll, 1);
        KeysOnTheirWay keys = new KeysOnTheirWay(waitingInAll, 1);
        assertEquals(LET_THROUGH, other.admit()); // the bound for all is reached

        assertEquals(DROPPED_FIRST, keys.admit());
        for (int i = 0; i < 1000; i++) {
            assertEquals(DROPPED_AGAIN, keys.admit(), "drop " + (i + 2) + " of one spell was answered");
        }
        other.taken(); // room again
        assertEquals(LET_THROUGH, keys.admit());
        assertEquals(DROPPED_FIRST, keys.admit(), "the next spell's first drop went unanswered");
        assertEquals(1, waitingInAll.get(), "dropped keys are not counted");
    }

    /**
     * A player told of a drop past the bound for all while keys of its own wait has heard that the
     * owner is behind: reaching its own bound before the owner has caught up on its keys is the
     * same busy spell, and is not answered again.
     */
    @Test
    void aPlayerToldWhileItsKeysWaitIsNotToldAgainUntilTheOwnerCatchesUp() {
        KeysOnTheirWay other = new KeysOnTheirWay(waitingInAll, MAX);
        KeysOnTheirWay keys = new KeysOnTheirWay(waitingInAll, MAX);
        assertEquals(LET_THROUGH, keys.admit());
        for (int i = 1; i < MAX; i++) {
            assertEquals(LET_THROUGH, other.admit()); // together, the bound for all
        }
        assertEquals(DROPPED_FIRST, keys.admit());

        drain(other, MAX - 1); // the owner takes only the other player's keys
        fill(keys, MAX - 1);   // this player reaches its own bound
        assertEquals(DROPPED_AGAIN, keys.admit(), "told twice before the owner took a key of its");

        drain(keys, MAX);
        fill(keys);
        assertEquals(DROPPED_FIRST, keys.admit(), "the next spell's first drop went unanswered");
    }

    /**
     * The other way round: a player told at its own bound has heard that the owner is behind; a
     * drop past the bound for all before the owner has caught up on its keys is the same busy
     * spell, and is not answered again.
     */
    @Test
    void aPlayerToldAtItsOwnBoundIsNotToldAgainPastTheBoundForAll() {
        KeysOnTheirWay other = new KeysOnTheirWay(waitingInAll, MAX);
        KeysOnTheirWay keys = new KeysOnTheirWay(waitingInAll, MAX);
        fill(keys); // its own bound, and the bound for all
        assertEquals(DROPPED_FIRST, keys.admit());
        keys.taken();                             // the owner takes one of its keys...
        assertEquals(LET_THROUGH, other.admit()); // ...and another player fills the room it left
        assertEquals(DROPPED_AGAIN, keys.admit(), "told twice before the owner caught up on its keys");
    }

    /**
     * The lock, with real threads: a Jetty thread admitting keys as fast as it can while the owner
     * takes each one let through. Without the lock, the two would race on the count, and a lost
     * update would leave keys counted that are gone (the player refused for good, or its spell
     * never ended) or let more than the bound wait. A race shows only in some runs, and hardly at
     * all before the JIT has compiled the loop, so the test races in short rounds, each on fresh
     * counters, for about a second (a missing lock was caught within a fraction of it in every
     * run we tried); with the lock, every round passes.
     */
    @Test
    void noCountIsLostWhenJettysThreadAndTheOwnerRace() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        int round = 0;
        do {
            round++;
            AtomicInteger inAll = new AtomicInteger();
            KeysOnTheirWay keys = new KeysOnTheirWay(inAll, 10_000);
            race(keys, 100_000);
            assertEquals(0, inAll.get(), "round " + round + ": keys counted as waiting for the owner, none is");
            fill(keys); // a lost count would show here: fewer than MAX let through
            assertEquals(DROPPED_FIRST, keys.admit(), "round " + round + ": a lost count left the player's spell open");
        } while (System.nanoTime() < deadline);
    }

    /** {@code admits} keys from this thread, each one let through taken by an owner thread. */
    private static void race(KeysOnTheirWay keys, int admits) throws InterruptedException {
        AtomicInteger handedOver = new AtomicInteger(); // let through, not yet taken
        AtomicBoolean allAdmitted = new AtomicBoolean();
        Thread owner = new Thread(() -> {
            while (!allAdmitted.get() || handedOver.get() > 0) {
                if (handedOver.get() > 0) {
                    handedOver.decrementAndGet();
                    keys.taken();
                } else {
                    Thread.onSpinWait();
                }
            }
        }, "keys-test-owner");
        owner.setDaemon(true);
        owner.start();
        try {
            for (int i = 0; i < admits; i++) {
                if (keys.admit() == LET_THROUGH) {
                    handedOver.incrementAndGet();
                }
            }
        } finally {
            allAdmitted.set(true);
            owner.join(30_000);
        }
        assertFalse(owner.isAlive(), "the owner did not finish taking the keys");
    }

    private static void fill(KeysOnTheirWay keys) {
        fill(keys, MAX);
    }

    private static void fill(KeysOnTheirWay keys, int count) {
        for (int i = 0; i < count; i++) {
            assertEquals(LET_THROUGH, keys.admit(), "key " + (i + 1) + " of " + count + " was dropped");
        }
    }

    private static void drain(KeysOnTheirWay keys, int count) {
        for (int i = 0; i < count; i++) {
            keys.taken();
        }
    }
}
