package gameloop.shared;

/**
 * A {@code -D} option the server cannot use, named with the value it got. It has no stack trace,
 * as {@link CannotListen} has none: thrown out of {@code main} before anything starts, its one
 * line is all a learner who mistyped an option needs to read.
 */
public final class BadSetting extends IllegalArgumentException {

    BadSetting(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // no trace to fill in: see the class comment
    }
}
