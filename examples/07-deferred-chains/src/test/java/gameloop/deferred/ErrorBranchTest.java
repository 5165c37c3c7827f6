package gameloop.deferred;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ErrorBranchTest {

    @Test
    void withoutArgumentsTheCallbackRuns() {
        CapturedOutput captured = new CapturedOutput();

        ErrorBranch.run(new String[0], captured.out);

        assertEquals(List.of("Square of 4 is 16"), captured.lines());
    }

    @Test
    void callErrorTakesTheErrbackWithTheUnwrappedMessage() {
        CapturedOutput captured = new CapturedOutput();

        ErrorBranch.run(new String[] {"call_error"}, captured.out);

        assertEquals(List.of("Error with process: my Exception"), captured.lines());
    }

    @ParameterizedTest
    @ValueSource(strings = {"CALL_ERROR", "call-error", "anything"})
    void onlyTheExactWordCallErrorChoosesTheErrorBranch(String arg) {
        CapturedOutput captured = new CapturedOutput();

        ErrorBranch.run(new String[] {arg}, captured.out);

        assertEquals(List.of("Square of 4 is 16"), captured.lines());
    }
}
