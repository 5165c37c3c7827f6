package gameloop.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ProtocolTest {

    @ParameterizedTest
    @CsvSource({"65, 65", "0, 0", "' 13 ', 13", "65535, 65535", "007, 7", "39, 39", "90, 90"})
    void keyCodesAreDecimalNumbersUpTo65535(String text, int expected) {
        assertEquals(OptionalInt.of(expected), Protocol.parseKeyCode(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a", "65a", "+65", "-1", "6.5", "65536", "999999", "2147483648", "99999999999999999999", "\u0666\u0665", "0x41"})
    void anythingElseIsNotAKeyCode(String text) {
        assertEquals(OptionalInt.empty(), Protocol.parseKeyCode(text));
    }

    @Test
    void aBadFrameIsQuotedBackShortened() {
        assertEquals("Not a key code: hello", Protocol.notAKeyCode("hello"));
        assertEquals("Not a key code: " + "x".repeat(32) + "...", Protocol.notAKeyCode("x".repeat(1000)));
        // "A" then emojis of two chars each: the cut at 32 chars would fall inside the 16th emoji.
        String emojis = "A" + "\uD83D\uDE00".repeat(20);
        assertEquals("Not a key code: " + "A" + "\uD83D\uDE00".repeat(15) + "...", Protocol.notAKeyCode(emojis));
    }

    @Test
    void tickNumbersRoundTrip() {
        assertEquals("game loop says: tick 17", Protocol.tick(17));
        assertEquals(17, Protocol.tickNumber(Protocol.tick(17)));
        assertEquals(-1, Protocol.tickNumber("Pressed key code: 65"));
        assertEquals(-1, Protocol.tickNumber("game loop says: tick"));
    }
}
