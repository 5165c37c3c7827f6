package gameloop.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/** Assertions about the tick numbers one client received. */
public final class Ticks {

    private Ticks() {
    }

    /** Each number is one more than the one before: no tick missed, repeated or out of order. */
    public static void assertConsecutive(List<Long> numbers) {
        for (int i = 1; i < numbers.size(); i++) {
            assertEquals(numbers.get(i - 1) + 1, numbers.get(i), "ticks not 1 apart (missed, repeated or out of order): " + numbers);
        }
    }

    /**
     * A loop that has just (re)started: the numbers count up from 1. At most one number may come
     * before the 1: the previous loop's last round of sends, if it was still under way when this
     * client joined (a loop that is stopped finishes the round it is in).
     */
    public static void assertCountsUpFromOne(List<Long> numbers) {
        int one = numbers.indexOf(1L);
        assertTrue(one == 0 || one == 1, "no fresh count from 1 at the start: " + numbers);
        assertConsecutive(numbers.subList(one, numbers.size()));
    }
}
