import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * CI's check of a running example, with nothing but the JDK (run as a single-file program:
 * `java .ci/SmokeCheck.java http://127.0.0.1:PORT/`). It loads the page, connects to /connect,
 * presses a key, and waits for the echo and for a tick.
 */
public class SmokeCheck {
    public static void main(String[] args) throws Exception {
        URI page = URI.create(args[0]);
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || !response.body().contains("Game loop client")) {
            throw new AssertionError("GET " + page + " gave " + response.statusCode());
        }
        System.out.println("page: 200, " + response.body().length() + " characters");

        CompletableFuture<String> echo = new CompletableFuture<>();
        CompletableFuture<String> tick = new CompletableFuture<>();
        WebSocket socket = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://" + page.getAuthority() + "/connect"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        String text = data.toString();
                        if (text.equals("Pressed key code: 65")) echo.complete(text);
                        if (text.startsWith("game loop says: tick ")) tick.complete(text);
                        ws.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        socket.sendText("65", true);
        System.out.println("echo: " + echo.get(10, TimeUnit.SECONDS));
        System.out.println("tick: " + tick.get(10, TimeUnit.SECONDS));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }
}
