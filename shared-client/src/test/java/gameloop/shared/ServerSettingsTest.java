package gameloop.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
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

    @Test
    void testSettingsUseLoopbackAndAFreePort() {
        ServerSettings settings = ServerSettings.forTest("x", Duration.ofMillis(5));
        assertEquals("127.0.0.1", settings.host());
        assertEquals(0, settings.port());
    }
}
