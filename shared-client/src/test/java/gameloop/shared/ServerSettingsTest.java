package gameloop.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerSettingsTest {

    @Test
    void badValuesFailWithAMessageThatSaysWhich() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new ServerSettings("x", "127.0.0.1", 70_000, Duration.ofSeconds(1)))
                .getMessage().contains("port"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new ServerSettings("x", "127.0.0.1", 8080, Duration.ZERO))
                .getMessage().contains("tick"));
    }

    /** An example's own millisecond setting: absent, given, or refused by name with what it got. */
    @Test
    void anExamplesOwnMillisecondSettingIsReadOrRefusedByName() {
        assertEquals(Optional.empty(), ServerSettings.millis("work.ms", null, 0));
        assertEquals(Optional.empty(), ServerSettings.millis("work.ms", " ", 0));
        assertEquals(Optional.of(Duration.ofMillis(750)), ServerSettings.millis("work.ms", " 750 ", 0));
        assertEquals(Optional.of(Duration.ZERO), ServerSettings.millis("work.ms", "0", 0));
        for (String bad : new String[] {"0", "-1", "1.5", "slow", "99999999999999999999"}) {
            IllegalArgumentException refused =
                    assertThrows(IllegalArgumentException.class, () -> ServerSettings.millis("block.ms", bad, 1));
            assertEquals("-Dblock.ms must be a whole number of milliseconds, 1 or more, got '" + bad + "'",
                    refused.getMessage());
        }
    }

    @Test
    void testSettingsUseLoopbackAndAFreePort() {
        ServerSettings settings = ServerSettings.forTest("x", Duration.ofMillis(5));
        assertEquals("127.0.0.1", settings.host());
        assertEquals(0, settings.port());
    }
}
