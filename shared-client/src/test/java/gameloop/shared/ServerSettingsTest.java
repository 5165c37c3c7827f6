package gameloop.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {

    @Test
    void everyPortFrom0To65535IsAccepted() {
        assertEquals(0, new ServerSettings("x", "127.0.0.1", 0, Duration.ofSeconds(1)).port());
        assertEquals(65_535, new ServerSettings("x", "127.0.0.1", 65_535, Duration.ofSeconds(1)).port());
        assertEquals(65_535, ServerSettings.fromProperties("x", Duration.ofSeconds(1), Map.of("port", "65535")::get).port());
    }

    @Test
    void badValuesFailWithAMessageThatSaysWhich() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new ServerSettings("x", "127.0.0.1", 70_000, Duration.ofSeconds(1)))
                .getMessage().contains("port"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new ServerSettings("x", "127.0.0.1", 8080, Duration.ZERO))
                .getMessage().contains("tick"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ServerSettings.forTest("x", Duration.ofSeconds(1)).withIdleTimeout(Duration.ofNanos(999_999)))
                .getMessage().contains("idle timeout"));
    }

    /** An example's own millisecond setting: absent, given, or refused by name with what it got. */
    @Test
    void anExamplesOwnMillisecondSettingIsReadOrRefusedByName() {
        assertEquals(Optional.empty(), ServerSettings.millis("work.ms", null, 0));
        assertEquals(Optional.empty(), ServerSettings.millis("work.ms", " ", 0));
        assertEquals(Optional.of(Duration.ofMillis(750)), ServerSettings.millis("work.ms", " 750 ", 0));
        assertEquals(Optional.of(Duration.ZERO), ServerSettings.millis("work.ms", "0", 0));
        assertEquals(Optional.of(Duration.ofDays(1)), ServerSettings.millis("work.ms", "86400000", 0));
        for (String bad : new String[] {"0", "-1", "1.5", "slow", "86400001", "99999999999999999", "99999999999999999999"}) {
            BadSetting refused = assertThrows(BadSetting.class, () -> ServerSettings.millis("block.ms", bad, 1));
            assertEquals("-Dblock.ms must be a whole number of milliseconds from 1 to 86400000, got '" + bad + "'",
                    refused.getMessage());
            assertEquals(0, refused.getStackTrace().length, "a learner's typo is one line, not a stack trace");
        }
    }

    /** The command line's settings: the defaults, what was given, and a typo refused by name. */
    @Test
    void theCommandLinesSettingsAreReadOrRefusedByName() {
        Duration articleTick = Duration.ofSeconds(2);
        assertEquals(new ServerSettings("x", "127.0.0.1", 8080, articleTick), fromCommandLine(Map.of(), articleTick));
        assertEquals(new ServerSettings("x", "0.0.0.0", 9090, Duration.ofMillis(50)),
                fromCommandLine(Map.of("host", "0.0.0.0", "port", "9090", "tick.ms", "50"), articleTick));
        assertEquals(Duration.ofDays(1), fromCommandLine(Map.of("tick.ms", "86400000"), articleTick).tickPeriod());
        assertEquals("127.0.0.1", fromCommandLine(Map.of("host", " "), articleTick).host());

        for (String bad : new String[] {"-1", "70000", "80a", "99999999999"}) {
            assertEquals("-Dport must be a whole number from 0 to 65535, got '" + bad + "'",
                    refused(Map.of("port", bad)));
        }
        for (String bad : new String[] {"0", "-5", "2s", "1.5", "3000000000"}) {
            assertEquals("-Dtick.ms must be a whole number of milliseconds from 1 to 86400000, got '" + bad + "'",
                    refused(Map.of("tick.ms", bad)));
        }
    }

    private static ServerSettings fromCommandLine(Map<String, String> properties, Duration defaultTick) {
        return ServerSettings.fromProperties("x", defaultTick, properties::get);
    }

    private static String refused(Map<String, String> properties) {
        return assertThrows(BadSetting.class, () -> fromCommandLine(properties, Duration.ofSeconds(1))).getMessage();
    }

    @Test
    void testSettingsUseLoopbackAndAFreePort() {
        ServerSettings settings = ServerSettings.forTest("x", Duration.ofMillis(5));
        assertEquals("127.0.0.1", settings.host());
        assertEquals(0, settings.port());
    }
}
