package gameloop.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a server says about itself at {@code GET /info}, as the examples' {@code GameServer}
 * answers it: {@code {"example":"01-basic-loop","tickMs":100}}. Either part may be null: the
 * article's Python servers have no {@code /info} at all.
 */
record ServerInfo(String example, Duration tickPeriod) {

    static final ServerInfo NONE = new ServerInfo(null, null);

    private static final Pattern TICK_MS = Pattern.compile("\"tickMs\"\\s*:\\s*(\\d+)");
    private static final Pattern EXAMPLE = Pattern.compile("\"example\"\\s*:\\s*\"([^\"]*)\"");

    private static final int TIMEOUT_MS = 2000;
    private static final int MAX_BODY_BYTES = 4096;

    /**
     * Asks the server behind a WebSocket URL, once, on the calling thread (the JDK's own
     * blocking HTTP client: no thread of its own); any failure just means "unknown".
     */
    static ServerInfo fetch(URI webSocketUrl) {
        HttpURLConnection http = null;
        try {
            String scheme = webSocketUrl.getScheme().equalsIgnoreCase("wss") ? "https" : "http";
            URI info = new URI(scheme, null, webSocketUrl.getHost(), webSocketUrl.getPort(), "/info", null, null);
            http = (HttpURLConnection) info.toURL().openConnection();
            http.setConnectTimeout(TIMEOUT_MS);
            http.setReadTimeout(TIMEOUT_MS);
            http.setRequestProperty("Connection", "close"); // one request: keep no socket (or timer thread) alive
            if (http.getResponseCode() != 200) {
                return NONE;
            }
            String body;
            try (InputStream in = http.getInputStream()) {
                body = new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
            }
            Matcher tick = TICK_MS.matcher(body);
            Matcher example = EXAMPLE.matcher(body);
            return new ServerInfo(example.find() ? example.group(1) : null,
                    tick.find() ? Duration.ofMillis(Long.parseLong(tick.group(1))) : null);
        } catch (URISyntaxException | IOException | RuntimeException e) {
            return NONE;
        } finally {
            if (http != null) {
                http.disconnect();
            }
        }
    }
}
