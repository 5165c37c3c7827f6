package gameloop.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The timer queue with a clock we choose: order by due time, ties in order of arrival, cancelled calls skipped. */
class DelayedCallsTest {

    @Test
    void callsComeOutByDueTimeTiesInTheOrderTheyWereMade() {
        DelayedCalls calls = new DelayedCalls(method -> { });
        List<String> ran = new ArrayList<>();
        calls.add(300, () -> ran.add("due at 300"));
        calls.add(100, () -> ran.add("first due at 100"));
        calls.add(200, () -> ran.add("cancelled")).cancel();
        calls.add(100, () -> ran.add("second due at 100"));

        assertEquals(50, calls.nanosUntilNext(50));
        calls.takeDue(250).forEach(call -> call.action.run());
        assertEquals(List.of("first due at 100", "second due at 100"), ran);

        assertEquals(50, calls.nanosUntilNext(250));
        calls.takeDue(300).forEach(call -> call.action.run());
        assertEquals(List.of("first due at 100", "second due at 100", "due at 300"), ran);
        assertEquals(-1, calls.nanosUntilNext(300), "nothing left");
    }

    /** nanoTime may wrap round: a call due just after the wrap is still later than one due just before. */
    @Test
    void dueTimesAcrossTheWrapOfTheClockKeepTheirOrder() {
        DelayedCalls calls = new DelayedCalls(method -> { });
        List<String> ran = new ArrayList<>();
        long beforeTheWrap = Long.MAX_VALUE - 10;
        calls.add(beforeTheWrap + 30, () -> ran.add("due after the wrap")); // wraps to a negative number
        calls.add(beforeTheWrap, () -> ran.add("due before the wrap"));

        calls.takeDue(beforeTheWrap).forEach(call -> call.action.run());
        assertEquals(List.of("due before the wrap"), ran);
        assertEquals(30, calls.nanosUntilNext(beforeTheWrap));
    }

    @Test
    void aCancelledCallAtTheHeadDoesNotShortenTheSleep() {
        DelayedCalls calls = new DelayedCalls(method -> { });
        calls.add(10, () -> { }).cancel();
        calls.add(1_000, () -> { });
        assertEquals(1_000, calls.nanosUntilNext(0));
    }
}
