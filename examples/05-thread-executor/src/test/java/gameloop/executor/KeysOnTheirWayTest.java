package gameloop.executor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * One player's key count and busy flag, step by step, as Jetty's thread (countIn, refuse) and
 * the owner's (countOut) would take them. Each interleaving is written out in order, so each
 * test is the same every run.
 */
class KeysOnTheirWayTest {

    private static final int MAX = KeysOnTheirWay.MAX_WAITING;

    @Test
    void eachBusySpellGetsOneAnswerAndTheNextSpellGetsItsOwn() {
        KeysOnTheirWay keys = new KeysOnTheirWay();
        for (int spell = 1; spell <= 2; spell++) {
            fill(keys);
            assertFalse(keys.countIn());
            assertTrue(keys.refuse(), "spell " + spell + ": the first refusal is answered");
            assertFalse(keys.countIn());
            assertFalse(keys.refuse(), "spell " + spell + ": a second refusal is not");
            drain(keys, MAX);
        }
    }

    /**
     * The owner takes every waiting key between the moment a key is said no to and the moment
     * its refusal is recorded: that refusal ends the spell it began, and leaves no flag behind
     * to silence the next one.
     */
    @Test
    void aRefusalThatComesAfterTheOwnerCaughtUpLeavesNoFlagBehind() {
        KeysOnTheirWay keys = new KeysOnTheirWay();
        fill(keys);
        assertFalse(keys.countIn());   // Jetty's thread: key 65 is said no to...
        drain(keys, MAX);              // ...the owner takes all 64 meanwhile...
        assertTrue(keys.refuse());     // ...and only then is the refusal recorded.

        fill(keys);                    // a new busy spell
        assertFalse(keys.countIn());
        assertTrue(keys.refuse(), "the new spell's first refusal went unanswered");
    }

    private static void fill(KeysOnTheirWay keys) {
        for (int i = 0; i < MAX; i++) {
            assertTrue(keys.countIn(), "key " + (i + 1) + " of " + MAX + " was refused");
        }
    }

    private static void drain(KeysOnTheirWay keys, int count) {
        for (int i = 0; i < count; i++) {
            keys.countOut();
        }
    }
}
