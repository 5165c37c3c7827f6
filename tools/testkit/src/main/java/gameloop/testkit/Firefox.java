package gameloop.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.openqa.selenium.json.Json;

/**
 * A headless Debian Firefox, driven over WebDriver BiDi: the W3C protocol Firefox speaks itself,
 * over a WebSocket, with no separate driver program. (Selenium would need geckodriver, which
 * Debian does not package, and which must never be downloaded at test time.) Only what the page's
 * tests need is here: open a page, click an element, press a key, turn the mouse wheel, read the
 * page with a script.
 *
 * <p>Owns the browser process, with its child processes, and a Jetty WebSocket client;
 * {@link #close()} stops them all.
 */
public final class Firefox implements AutoCloseable {

    private static final List<File> BINARIES = List.of(new File("/usr/bin/firefox-esr"), new File("/usr/bin/firefox"));
    private static final Pattern LISTENING = Pattern.compile("WebDriver BiDi listening on (ws://\\S+)");
    /** Per step. Generous: on two busy cores a first start of Firefox took over 30 s to open its session. */
    private static final long TIMEOUT_SECONDS = 90;
    private static final Json JSON = new Json();

    private final Process process;
    private final WebSocketClient client = new WebSocketClient();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> calls = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();
    private Session session;
    private String context;

    private Firefox(Process process) {
        this.process = process;
    }

    /** Skips the calling test, with the reason, when Firefox is not installed. */
    public static void assumeInstalled() {
        assumeTrue(binary().isPresent(), "Skipped: no Firefox here. Install it with: apt-get install -y firefox-esr");
    }

    private static Optional<File> binary() {
        return BINARIES.stream().filter(File::canExecute).findFirst();
    }

    /**
     * A new headless browser showing a blank page, keeping its profile in {@code profile} (a JUnit
     * {@code @TempDir}, so it is removed after the test); the caller must {@link #close()} it.
     */
    public static Firefox start(Path profile) throws Exception {
        Process process = new ProcessBuilder(binary().orElseThrow().getPath(), "--headless", "--no-remote",
                "--profile", profile.toString(), "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true)
                .start();
        Firefox firefox = new Firefox(process);
        try {
            firefox.connect(firefox.awaitBiDiAddress());
            return firefox;
        } catch (Exception | Error e) {
            firefox.close();
            throw e;
        }
    }

    /**
     * Firefox prints the address it listens on (port 0 lets it choose a free one). A daemon
     * thread reads its output to the end, so the browser never blocks on a full pipe.
     */
    private URI awaitBiDiAddress() throws Exception {
        CompletableFuture<URI> address = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        address.complete(URI.create(m.group(1) + "/session"));
                    }
                }
            } catch (IOException e) {
                address.completeExceptionally(e);
            }
            address.completeExceptionally(new IllegalStateException("Firefox exited without a WebDriver BiDi address"));
        }, "firefox-output");
        reader.setDaemon(true);
        reader.start();
        return address.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private void connect(URI address) throws Exception {
        // Silence on the connection is a call still being answered: on a loaded machine Firefox
        // took over 30 s, Jetty's default idle timeout, to create its session, and the idle
        // timeout cut the connection before the call's own bound was reached.
        client.setIdleTimeout(Duration.ofSeconds(TIMEOUT_SECONDS));
        client.start();
        session = client.connect(new Answers(calls), address).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        call("session.new", Map.of("capabilities", Map.of()));
        Map<String, Object> tree = call("browsingContext.getTree", Map.of());
        context = (String) ((Map<?, ?>) ((List<?>) tree.get("contexts")).get(0)).get("context");
        call("browsingContext.setViewport", Map.of("context", context, "viewport", Map.of("width", 1280, "height", 900)));
    }

    /**
     * Hands each answer to the call waiting for its id; events (messages with no id) are not
     * needed here. Public only because Jetty calls listener methods through a public lookup.
     */
    public static final class Answers implements Session.Listener.AutoDemanding {
        private final Map<Integer, CompletableFuture<Map<String, Object>>> calls;

        Answers(Map<Integer, CompletableFuture<Map<String, Object>>> calls) {
            this.calls = calls;
        }

        @Override
        public void onWebSocketText(String text) {
            Map<String, Object> message = JSON.toType(text, Json.MAP_TYPE);
            if (message.get("id") instanceof Number id) {
                CompletableFuture<Map<String, Object>> call = calls.remove(id.intValue());
                if (call != null) {
                    call.complete(message);
                }
            }
        }

        /**
         * The connection to Firefox broke: usually Firefox quitting at the end of a test, when no
         * call waits. A call still waiting fails now, with the cause, rather than at its timeout.
         * (Without this method Jetty would log every such ending as an unhandled error.)
         */
        @Override
        public void onWebSocketError(Throwable cause) {
            calls.values().forEach(call -> call.completeExceptionally(cause));
        }
    }

    /** Sends one command and waits for its answer; a protocol error becomes an exception. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> call(String method, Map<String, Object> params) throws Exception {
        int id = nextId.incrementAndGet();
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        calls.put(id, answer);
        session.sendText(JSON.toJson(Map.of("id", id, "method", method, "params", params)), Callback.NOOP);
        Map<String, Object> message = answer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if ("error".equals(message.get("type"))) {
            throw new IllegalStateException(method + " failed: " + message.get("error") + ": " + message.get("message"));
        }
        return (Map<String, Object>) message.get("result");
    }

    /** Opens {@code url} and waits until the page has loaded. */
    public void open(URI url) throws Exception {
        call("browsingContext.navigate", Map.of("context", context, "url", url.toString(), "wait", "complete"));
    }

    /** The value of a JavaScript expression in the page (a string, number, boolean or null). */
    public Object evaluate(String expression) throws Exception {
        Map<String, Object> result = call("script.evaluate",
                Map.of("expression", expression, "target", Map.of("context", context), "awaitPromise", false));
        if (!"success".equals(result.get("type"))) {
            throw new IllegalStateException("Script failed: " + result.get("exceptionDetails"));
        }
        return ((Map<?, ?>) result.get("result")).get("value");
    }

    /** The text of the first element {@code selector} matches, as a person sees it. */
    public String text(String selector) throws Exception {
        Object text = evaluate("document.querySelector(" + JSON.toJson(selector) + ")?.innerText ?? ''");
        return String.valueOf(text);
    }

    /** A real mouse click (move, press, release) in the middle of the element {@code selector} matches. */
    public void click(String selector) throws Exception {
        long[] middle = middleOf(selector);
        perform(Map.of("type", "pointer", "id", "mouse", "parameters", Map.of("pointerType", "mouse"), "actions", List.of(
                Map.of("type", "pointerMove", "x", middle[0], "y", middle[1]),
                Map.of("type", "pointerDown", "button", 0),
                Map.of("type", "pointerUp", "button", 0))));
    }

    /** A real turn of the mouse wheel over the middle of the element {@code selector} matches: up for a negative {@code pixels}. */
    public void wheel(String selector, long pixels) throws Exception {
        long[] middle = middleOf(selector);
        perform(Map.of("type", "wheel", "id", "wheel", "actions", List.of(
                Map.of("type", "scroll", "x", middle[0], "y", middle[1], "deltaX", 0, "deltaY", pixels))));
    }

    private long[] middleOf(String selector) throws Exception {
        Map<String, Object> box = JSON.toType(String.valueOf(evaluate(
                "JSON.stringify(document.querySelector(" + JSON.toJson(selector) + ").getBoundingClientRect())")),
                Json.MAP_TYPE);
        return new long[] {
                Math.round(((Number) box.get("x")).doubleValue() + ((Number) box.get("width")).doubleValue() / 2),
                Math.round(((Number) box.get("y")).doubleValue() + ((Number) box.get("height")).doubleValue() / 2)};
    }

    /**
     * A real key press and release, sent to whatever has the focus, with the keys {@code held}
     * (WebDriver's codes: {@code "\uE008"} is Shift) held down around it.
     */
    public void press(String key, String... held) throws Exception {
        List<Map<String, Object>> actions = new ArrayList<>();
        for (String down : held) {
            actions.add(Map.of("type", "keyDown", "value", down));
        }
        actions.add(Map.of("type", "keyDown", "value", key));
        actions.add(Map.of("type", "keyUp", "value", key));
        for (String up : held) {
            actions.add(Map.of("type", "keyUp", "value", up));
        }
        perform(Map.of("type", "key", "id", "keyboard", "actions", actions));
    }

    /** Lays the page out as in a window of {@code width} by {@code height} CSS pixels. */
    public void showAs(int width, int height) throws Exception {
        call("browsingContext.setViewport",
                Map.of("context", context, "viewport", Map.of("width", width, "height", height)));
    }

    private void perform(Map<String, Object> source) throws Exception {
        call("input.performActions", Map.of("context", context, "actions", List.of(source)));
    }

    /**
     * Ends the session, and stops the browser and the client. An interrupt during the goodbye is
     * kept for the caller but set aside until the end, so that it cannot cut the stopping short.
     */
    @Override
    public void close() throws Exception {
        boolean interrupted = false;
        try {
            if (session != null && session.isOpen()) {
                call("session.end", Map.of());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (Exception e) {
            // the browser is stopped below either way
        } finally {
            try {
                client.stop();
            } finally {
                stopWithItsChildren(process.toHandle()); // even if the WebDriver client failed to stop
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * Firefox runs pages in child processes. They are listed before the parent stops (once it is
     * gone they are nobody's children), and any still running afterwards are stopped too.
     */
    private static void stopWithItsChildren(ProcessHandle browser) {
        List<ProcessHandle> children = browser.descendants().toList();
        stop(browser);
        children.forEach(Firefox::stop);
    }

    private static void stop(ProcessHandle process) {
        process.destroy();
        try {
            process.onExit().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
        }
    }
}
