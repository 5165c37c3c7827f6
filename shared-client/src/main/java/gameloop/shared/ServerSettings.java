package gameloop.shared;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What every example can be told on the command line: {@code -Dhost}, {@code -Dport} and
 * {@code -Dtick.ms}. Checked once, up front, so a typo fails before anything starts, with a
 * message that names the property and the value it got. (A host name is left to the bind to
 * judge: if the bind fails, {@link CannotListen} says in one line whether {@code -Dhost} is no
 * address at all or not one of this machine's.)
 *
 * @param example     the module's name, shown on the page so a learner knows what they talk to
 * @param host        the address to bind; 127.0.0.1 unless told otherwise, so a learner's server
 *                    is not reachable from the rest of the network by accident
 * @param port        0 asks the operating system for a free port (what the tests do)
 * @param tickPeriod  the game loop's period
 * @param idleTimeout how long a connection with no traffic either way stays open: not a
 *                    command-line option, always {@link #IDLE_TIMEOUT} but in a test that checks it
 */
public record ServerSettings(String example, String host, int port, Duration tickPeriod, Duration idleTimeout) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    /**
     * The most a millisecond setting may be, a day: longer than any period worth watching, and
     * far enough from {@code long}'s end that no deadline computed from it overflows.
     */
    public static final long MAX_MILLIS = Duration.ofDays(1).toMillis();

    /**
     * A connection with no traffic either way for this long is closed (1001). Ticks count as
     * traffic, so only a connection that is dead, or open while no loop runs, ever reaches it.
     */
    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    public ServerSettings {
        Objects.requireNonNull(example, "example");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (tickPeriod.isNegative() || tickPeriod.isZero()) {
            throw new IllegalArgumentException("tick period must be positive, got " + tickPeriod);
        }
        // Jetty takes it in whole milliseconds, and reads 0 as "never".
        if (Objects.requireNonNull(idleTimeout, "idleTimeout").toMillis() < 1) {
            throw new IllegalArgumentException("idle timeout must be at least 1 ms, got " + idleTimeout);
        }
    }

    /** Settings with the usual {@link #IDLE_TIMEOUT}. */
    public ServerSettings(String example, String host, int port, Duration tickPeriod) {
        this(example, host, port, tickPeriod, IDLE_TIMEOUT);
    }

    /** The same settings with another idle timeout: for a test that waits for it to pass. */
    public ServerSettings withIdleTimeout(Duration timeout) {
        return new ServerSettings(example, host, port, tickPeriod, timeout);
    }

    /** Reads {@code -Dhost}, {@code -Dport} and {@code -Dtick.ms}, falling back to the defaults. */
    public static ServerSettings fromSystemProperties(String example, Duration defaultTick) {
        return fromProperties(example, defaultTick, System::getProperty);
    }

    /**
     * {@link #fromSystemProperties} with the properties passed in, so that tests can check what a
     * learner's typo is told without changing the JVM's properties under tests running beside them.
     */
    static ServerSettings fromProperties(String example, Duration defaultTick, UnaryOperator<String> property) {
        return new ServerSettings(
                example,
                Optional.ofNullable(property.apply("host")).filter(host -> !host.isBlank()).orElse(DEFAULT_HOST),
                port(property.apply("port")),
                millis("tick.ms", property.apply("tick.ms"), 1).orElse(defaultTick));
    }

    /** Settings for tests: loopback, a free port, and the given (short) tick. */
    public static ServerSettings forTest(String example, Duration tickPeriod) {
        return new ServerSettings(example, DEFAULT_HOST, 0, tickPeriod);
    }

    /**
     * A setting in milliseconds ({@code -Dtick.ms}, and an example's own: {@code -Dblock.ms} in 05,
     * {@code -Dwork.ms} in 06), checked before anything starts: empty when not given, and refused
     * with a message that names the property and the value when it is not a whole number from
     * {@code atLeast} to {@link #MAX_MILLIS}.
     *
     * @param name  the property's name, without {@code -D}
     * @param value what it was given ({@code System.getProperty(name)}), or null
     */
    public static Optional<Duration> millis(String name, String value, long atLeast) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(wholeNumber(name, value, atLeast, MAX_MILLIS, "milliseconds")));
    }

    private static int port(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        return (int) wholeNumber("port", value, 0, 65_535, "");
    }

    /** {@code value} as a whole number from {@code min} to {@code max}, or a {@link BadSetting} that names it. */
    private static long wholeNumber(String name, String value, long min, long max, String unit) {
        try {
            long number = Long.parseLong(value.trim());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // refused below, with the same message as a number out of range
        }
        throw new BadSetting("-D" + name + " must be a whole number" + (unit.isEmpty() ? "" : " of " + unit)
                + " from " + min + " to " + max + ", got '" + value + "'");
    }
}
