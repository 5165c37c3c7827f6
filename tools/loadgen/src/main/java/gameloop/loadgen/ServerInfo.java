package gameloop.loadgen;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;

/**
 * What a server says about itself at {@code GET /info}, as the examples' {@code GameServer}
 * answers it: {@code {"example":"01-basic-loop","tickMs":100}}. Either part may be null: the
 * article's Python servers have no {@code /info} at all.
 */
record ServerInfo(String example, Duration tickPeriod) {

    static final ServerInfo NONE = new ServerInfo(null, null);

    private static final Pattern TICK_MS = Pattern.compile("\"tickMs\"\\s*:\\s*(\\d+)");
    private static final Pattern EXAMPLE = Pattern.compile("\"example\"\\s*:\\s*\"([^\"]*)\"");

    /** Asks the server behind a WebSocket URL; any failure just means "unknown". */
    static ServerInfo fetch(HttpClient http, URI webSocketUrl) throws InterruptedException {
        try {
            String scheme = webSocketUrl.getScheme().equalsIgnoreCase("wss") ? "https" : "http";
            URI info = new URI(scheme, null, webSocketUrl.getHost(), webSocketUrl.getPort(), "/info", null, null);
            ContentResponse response = http.newRequest(info).timeout(2, TimeUnit.SECONDS).send();
            if (response.getStatus() != 200) {
                return NONE;
            }
            String body = response.getContentAsString();
            Matcher tick = TICK_MS.matcher(body);
            Matcher example = EXAMPLE.matcher(body);
            return new ServerInfo(example.find() ? example.group(1) : null,
                    tick.find() ? Duration.ofMillis(Long.parseLong(tick.group(1))) : null);
        } catch (URISyntaxException | ExecutionException | TimeoutException | RuntimeException e) {
            return NONE;
        }
    }
}
