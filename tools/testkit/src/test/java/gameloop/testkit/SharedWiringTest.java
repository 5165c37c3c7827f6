package gameloop.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import gameloop.shared.Game;
import gameloop.shared.GameServer;
import gameloop.shared.Player;
import gameloop.shared.Protocol;
import gameloop.shared.ServerSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Promises of the shared wiring that no example's own tests reach. */
class SharedWiringTest {

    /** The key that makes the test game clog its sender's connection. */
    private static final int CLOG = 66;
    /** The key that makes it clog the connection with frames, some of them left queued. */
    private static final int CLOG_AND_QUEUE = 67;

    /**
     * The key that makes it clog the connection, then send small frames until the cap cuts the
     * player off, and count them.
     */
    private static final int CLOG_THEN_COUNT = 68;
    /** The key that makes the test game take {@link #SLOW_LEAVE} over its sender's leave. */
    private static final int SLOW_TO_LEAVE = 69;
    private static final Duration SLOW_LEAVE = Duration.ofMillis(100);
    /** The end of a refusal line that counts the refusals left out since the line before it. */
    private static final Pattern SKIPPED = Pattern.compile(".* \\(and (\\d+) more since the last such line\\)");

    private final TestClients clients = new TestClients();
    private final CountDownLatch clogged = new CountDownLatch(1);
    private final CompletableFuture<Integer> framesSentUntilCutOff = new CompletableFuture<>();
    private final Set<Player> slowToLeave = ConcurrentHashMap.newKeySet();
    /** The threads the slow leaves were told on, and when the last of them ended. */
    private final Set<String> slowLeaveThreads = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastSlowLeaveEnded = new AtomicLong();
    private GameServer server;

    @BeforeEach
    void startServer() throws Exception {
        ServerLog.capture();
        server = GameServer.start(ServerSettings.forTest("wiring-test", Duration.ofSeconds(1)), context -> new Game() {
            @Override
            public void keyPressed(Player player, int keyCode) {
                if (keyCode == CLOG) {
                    player.send("x".repeat(16 << 20)); // more than the sockets hold, for a client that never reads
                    clogged.countDown();
                } else if (keyCode == CLOG_AND_QUEUE) {
                    // 6 MB as 100 frames, as ticks pile up for a client that stopped reading: more
                    // than the sockets hold (GameServer.SEND_BUFFER_BYTES), so once they are full
                    // the frames not yet written wait in Jetty's queue. (One 16 MiB message would
                    // not: Jetty sends a large message a part at a time.)
                    for (int i = 0; i < 100; i++) {
                        player.send("x".repeat(60_000));
                    }
                    clogged.countDown();
                } else if (keyCode == CLOG_THEN_COUNT) {
                    player.send("x".repeat(16 << 20));
                    int sent = 0;
                    while (!player.isGone() && sent < 10_000) {
                        player.send("tick");
                        sent++;
                    }
                    framesSentUntilCutOff.complete(sent);
                } else if (keyCode == SLOW_TO_LEAVE) {
                    slowToLeave.add(player);
                } else {
                    Game.super.keyPressed(player, keyCode);
                }
            }

            @Override
            public void playerLeft(Player player) {
                if (slowToLeave.contains(player)) {
                    slowLeaveThreads.add(Thread.currentThread().getName());
                    try {
                        Thread.sleep(SLOW_LEAVE.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    lastSlowLeaveEnded.set(System.nanoTime());
                }
            }

            @Override
            public void close() {
            }
        });
    }

    @AfterEach
    void tearDown() {
        Teardown.closeAll(clients, server);
    }

    /**
     * The cap the docs give: once the sockets are full, a client that never reads is cut off
     * when its 256 frames are queued, give or take the one being written.
     */
    @Test
    void aClientThatNeverReadsIsCutOffAt256QueuedFrames() throws Exception {
        try (RawWebSocket sleeper = RawWebSocket.connect(server.webSocketUri(), Map.of(), 4096)) {
            await().until(() -> server.players().count() == 1);

            sleeper.sendText(String.valueOf(CLOG_THEN_COUNT));

            int sent = framesSentUntilCutOff.get(10, TimeUnit.SECONDS);
            assertTrue(sent >= 255 && sent <= 258, "cut off after " + sent + " frames queued");
            await().until(() -> server.players().count() == 0);
        }
    }

    /**
     * A client's own close is answered at once with the server's close frame, as the protocol
     * asks: the connection ends now, not at the idle timeout minutes later.
     */
    @Test
    void aClientsOwnCloseIsAnsweredAtOnce() throws Exception {
        TestClient client = clients.connect(server.webSocketUri());
        await().until(() -> server.players().count() == 1);

        client.close();

        assertEquals(1000, client.closed().get(5, TimeUnit.SECONDS).code());
        await().until(() -> server.players().count() == 0);
    }

    /** A tick is about 25 bytes: compressing it would cost a zlib context per player and gain nothing. */
    @Test
    void compressionIsNotNegotiatedEvenWhenTheClientOffersIt() throws Exception {
        try (RawWebSocket offering = RawWebSocket.connect(server.webSocketUri(),
                Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"))) {
            assertEquals(101, offering.status());
            assertNull(offering.responseHeader("Sec-WebSocket-Extensions"), "the server agreed to an extension");
        }
    }

    /**
     * What the shutdown's one-second wait is for, and what not: Jetty treats 1001 as an abnormal
     * close, so a 1001 close it started counts as done once its close frame is written, without
     * waiting for the client's answer (for 1000 it would wait). So a client
     * that reads but never answers does not hold up the stop. (Chapter 01 relies on this; a
     * Jetty that waited for the answer would fail here.)
     */
    @Test
    void aClientThatReadsButNeverAnswersTheCloseDoesNotHoldUpTheStop() throws Exception {
        try (RawWebSocket mute = RawWebSocket.connect(server.webSocketUri(), Map.of())) {
            mute.readAndIgnoreEverything();
            await().until(() -> server.players().count() == 1);

            ServerLog.closeOnTheServersOwnThread(server);

            // Had it waited for an answer, it would have given up after its second, and said so.
            long took = ServerLog.goodbyeMillis(server);
            assertTrue(took < 900, "the stop waited for an answer: " + took + " ms");
        }
    }

    /**
     * -Dhost=0.0.0.0 or -Dhost=:: : the address the server prints (and tests use) is one a browser
     * will open, a loopback address of the same family. (For the few hundred milliseconds this test
     * runs, the server answers on every interface, as a learner's would with that option: a game
     * server, an Origin check on, nothing else.)
     */
    @ParameterizedTest
    @CsvSource({"0.0.0.0, 127.0.0.1", "::, [::1]"})
    void aServerOnEveryInterfaceGivesALoopbackAddressToOpen(String everyInterface, String loopback) throws Exception {
        assumeTrue(canListenOn(loopback.replace("[", "").replace("]", "")), "this machine has no " + loopback);
        ServerSettings everywhere = new ServerSettings("wildcard-test", everyInterface, 0, Duration.ofSeconds(1));
        try (GameServer wildcard = GameServer.start(everywhere, context -> () -> { })) {
            assertEquals(URI.create("http://" + loopback + ":" + wildcard.port() + "/"), wildcard.pageUri());
            TestClient player = clients.connect(wildcard.webSocketUri());
            player.send("65");
            await().until(() -> player.hasReceived(Protocol.pressed(65)));
        }
    }

    private static boolean canListenOn(String address) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A hostile page may retry as fast as it likes: every attempt is refused, but the log says
     * so once a second at most, and then counts the attempts it did not log.
     */
    @Test
    void refusalsFromAnotherSiteAreLoggedOnceASecondAtMost() throws Exception {
        Map<String, String> foreign = Map.of("Origin", "http://evil.example");
        AtomicInteger attempts = new AtomicInteger();
        long began = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            try (RawWebSocket attempt = RawWebSocket.connect(server.webSocketUri(), foreign)) {
                assertEquals(403, attempt.status());
                attempts.incrementAndGet();
            }
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);
        List<String> lines = refusalLines();
        assertTrue(lines.size() >= 1 && lines.size() <= seconds + 1, seconds + " s of attempts, logged as " + lines);

        // Go on refusing until two lines count attempts left out, each since the line before it,
        // and stop at an attempt that was a line itself.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            int linesBefore = refusalLines().size();
            try (RawWebSocket attempt = RawWebSocket.connect(server.webSocketUri(), foreign)) {
                assertEquals(403, attempt.status());
                attempts.incrementAndGet();
            }
            List<String> now = refusalLines();
            return now.size() > linesBefore && now.stream().filter(line -> SKIPPED.matcher(line).matches()).count() >= 2;
        });
        // Each refusal is logged before its 403 goes out, and the last attempt was a line, so
        // every attempt is either a line or counted in a later one, and none twice.
        List<String> all = refusalLines();
        int counted = all.stream().map(SKIPPED::matcher).filter(Matcher::matches).mapToInt(m -> Integer.parseInt(m.group(1))).sum();
        assertEquals(attempts.get(), all.size() + counted, "lines " + all);
    }

    /**
     * The Origin is the client's to write, up to Jetty's header limit: its log line quotes at
     * most 200 characters of it (and, as every text from outside, nothing that could end the line:
     * {@code LogText}).
     */
    @Test
    void aRefusedOriginIsLoggedOnOneLineOfBoundedLength() throws Exception {
        String longOrigin = "http://evil.example/" + "a".repeat(5_000);
        try (RawWebSocket attempt = RawWebSocket.connect(server.webSocketUri(), Map.of("Origin", longOrigin))) {
            assertEquals(403, attempt.status());
        }

        await().until(() -> !refusalLines().isEmpty());
        String line = refusalLines().get(0);
        assertEquals("Refused a WebSocket from origin http://evil.example/" + "a".repeat(200 - "http://evil.example/".length())
                + "...: only this server's own page may connect", line);
    }

    private List<String> refusalLines() {
        return ServerLog.of(server).stream().filter(line -> line.startsWith("Refused a WebSocket from origin http://evil.example")).toList();
    }

    /** A browser sends one Origin at most; two are refused, whichever comes first. */
    @Test
    void anUpgradeWithTwoOriginsIsRefusedWith403() throws Exception {
        Map<String, String> ownThenForeign = new LinkedHashMap<>();
        ownThenForeign.put("Origin", "http://127.0.0.1:" + server.port());
        ownThenForeign.put("origin", "http://evil.example"); // another key, the same header
        try (RawWebSocket twoOrigins = RawWebSocket.connect(server.webSocketUri(), ownThenForeign);
             RawWebSocket ownOnly = RawWebSocket.connect(server.webSocketUri(),
                     Map.of("Origin", "http://127.0.0.1:" + server.port()))) {
            assertEquals(403, twoOrigins.status());
            assertEquals(101, ownOnly.status());
        }
    }

    /**
     * Plain HTTP: the page, revalidated on every load (so an edited page shows after a
     * restart); and every request the server does not serve gets the status that says why.
     */
    @Test
    void eachHttpRequestGetsTheStatusThatSaysWhy() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI page = server.pageUri();

        HttpResponse<String> served = http.send(HttpRequest.newBuilder(page).build(), BodyHandlers.ofString());
        assertEquals(200, served.statusCode());
        assertEquals("no-cache", served.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("text/html;charset=utf-8", served.headers().firstValue("Content-Type").orElse(null));
        assertEquals(Optional.empty(), served.headers().firstValue("Server"), "the server names no version");
        String etag = served.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag on the page"));
        HttpResponse<String> revalidated = http.send(HttpRequest.newBuilder(page).header("If-None-Match", etag).build(),
                BodyHandlers.ofString());
        assertEquals(304, revalidated.statusCode());

        HttpResponse<String> head = http.send(HttpRequest.newBuilder(page.resolve("info"))
                .method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());

        for (URI uri : List.of(page, page.resolve("info"), page.resolve("nothing-here"))) {
            for (String method : List.of("POST", "OPTIONS", "PUT")) {
                HttpResponse<String> refused = http.send(HttpRequest.newBuilder(uri)
                        .method(method, BodyPublishers.ofString("65")).build(), BodyHandlers.ofString());
                assertEquals(405, refused.statusCode(), method + " " + uri);
                assertEquals("GET, HEAD", refused.headers().firstValue("Allow").orElse(null), method + " " + uri);
            }
        }

        HttpResponse<String> notUpgraded = http.send(HttpRequest.newBuilder(page.resolve("connect")).build(),
                BodyHandlers.ofString());
        assertEquals(426, notUpgraded.statusCode());
        assertEquals("websocket", notUpgraded.headers().firstValue("Upgrade").orElse(null));
        // A WebSocket client of another version is told which one to speak, and HTTP's rule for
        // an Upgrade header is kept: Connection names it too.
        try (RawWebSocket otherVersion = RawWebSocket.connect(server.webSocketUri(), Map.of("Sec-WebSocket-Version", "8"))) {
            assertEquals(426, otherVersion.status());
            assertEquals("13", otherVersion.responseHeader("Sec-WebSocket-Version"));
            String connection = String.valueOf(otherVersion.responseHeader("Connection"));
            assertTrue(connection.toLowerCase(Locale.ROOT).contains("upgrade"), connection);
        }

        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(page.resolve("nothing-here")).build(),
                BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
    }

    /**
     * A malformed Host header gets its 400, and the log none of the client's words: a line for
     * each would let anyone fill a learner's terminal. (Jetty warns of a second Host header, and
     * of one it cannot read, quoting it: 2000 requests with one of 7 KB made 14 MB of log in four
     * seconds.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"Host: 127.0.0.1\r\nHost: from-the-client-", "Host: from-the-client- with a space "})
    void aMalformedHostGets400AndLeavesTheLogAlone(String hostHeaders) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\n" + hostHeaders + "x".repeat(1000) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertTrue(String.valueOf(statusLine).startsWith("HTTP/1.1 400 "), "answered " + statusLine);
        }
        // Jetty would have logged before the 400 was written.
        List<String> log = ServerLog.of(server);
        assertTrue(log.stream().noneMatch(line -> line.contains("from-the-client-")), log::toString);
    }

    /**
     * The goodbye's second counts from its first close frame. Telling thousands of players takes
     * a while of its own (each close is written, logged and told to the game, on the stopping
     * thread when the frame goes out at once), and a whole second after that, for a client whose
     * socket is full, took a stop with 3000 players past two seconds. Here ten players whose
     * leave the game takes 100 ms over stand for the thousands: the second is spent telling them,
     * so the one whose socket is full is cut off 200 ms after the last is told
     * ({@code Players.LAST_GOODBYES_GRACE}), not a second after.
     */
    @Test
    void theGoodbyesSecondCountsTheTimeItTakesToSayIt() throws Exception {
        List<TestClient> readers = clients.connect(server.webSocketUri(), 10);
        try (RawWebSocket silent = RawWebSocket.connect(server.webSocketUri(), Map.of(), 4096)) {
            readers.forEach(reader -> reader.send(String.valueOf(SLOW_TO_LEAVE)));
            await().until(() -> slowToLeave.size() == readers.size());
            silent.sendText(String.valueOf(CLOG));
            assertTrue(clogged.await(10, TimeUnit.SECONDS));

            ServerLog.closeOnTheServersOwnThread(server);
            Duration afterTheTelling = Duration.ofNanos(System.nanoTime() - lastSlowLeaveEnded.get());

            for (TestClient reader : readers) {
                assertEquals(StatusCode.SHUTDOWN, reader.closed().get(10, TimeUnit.SECONDS).code());
            }
            ServerLog.awaitLine(server, "1 player could not be sent the close frame in time \\(not reading\\?\\); cutting it off");
            assertEquals(Set.of(server.threadNamePrefix() + "shutdown"), slowLeaveThreads,
                    "the leaves were not told on the stopping thread, inside the telling: this test proved nothing");
            // The 200 ms the last told get (Players.LAST_GOODBYES_GRACE), then Jetty's stop; a
            // wait counted from the end of the telling would alone take the whole second.
            assertTrue(afterTheTelling.compareTo(Duration.ofMillis(200)) >= 0 && afterTheTelling.compareTo(Duration.ofSeconds(1)) < 0,
                    "the stop went on for " + afterTheTelling + " after the last goodbye was told");
        }
    }

    /**
     * While the server says goodbye to everyone, a newcomer is turned away at once with 1001; it
     * must not slip in and stay connected to a server that is going away.
     */
    @Test
    void aPlayerWhoArrivesWhileTheServerSaysGoodbyeIsRefusedAtOnce() throws Exception {
        TestClient watcher = clients.connect(server.webSocketUri());
        // It never reads, and asks for more than the sockets hold: its close frame cannot even be
        // written, so the goodbye waits for it, up to 1 s, and the newcomer arrives meanwhile.
        try (RawWebSocket silent = RawWebSocket.connect(server.webSocketUri(), Map.of(), 4096)) {
            await().until(() -> server.players().count() == 2);
            silent.sendText(String.valueOf(CLOG));
            assertTrue(clogged.await(10, TimeUnit.SECONDS));
            long began = System.nanoTime();
            ServerLog.Closing closing = ServerLog.startClosingOnTheServersOwnThread(server);
            assertEquals(StatusCode.SHUTDOWN, watcher.closed().get(10, TimeUnit.SECONDS).code()); // the goodbye began
            // and has been sent to everyone: the closer now waits for the silent one to leave. (A
            // newcomer who came sooner could be reached by that walk over the players, and get
            // the same goodbye even if the join let it in.)
            await().until(closing::isWaitingForThePlayersToLeave);

            TestClient newcomer = clients.connect(server.webSocketUri());

            TestClient.Closed refused = newcomer.closed().get(10, TimeUnit.SECONDS);
            assertEquals(StatusCode.SHUTDOWN, refused.code());
            // Our own words: the join itself turned the newcomer away.
            assertEquals("server shutting down", refused.reason());
            closing.finish();
            // And the one whose socket is full was waited for, up to the second, then cut off. The
            // chapters promise a stop in under 2 s; this bound also covers the test's own steps
            // above (a handshake among them), and still fails a wait of many seconds.
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            assertTrue(took.compareTo(Duration.ofSeconds(4)) < 0, "stopping took " + took);
            ServerLog.awaitLine(server, "1 player could not be sent the close frame in time \\(not reading\\?\\); cutting it off");
            // Its leave says so, in our words (left to Jetty's stop, it was a write's idle timeout).
            ServerLog.awaitLine(server, "player \\d+ left \\(0 online\\): cut off at the stop, its close frame not written in time");
        }
    }

    /**
     * A player with frames still queued when the server says goodbye is waited for like any
     * other, and gets the goodbye once it reads again. The shutdown's one-second wait counts on
     * this: the 1001 close frame waits behind the frames already queued, so the player leaves only
     * when its close frame is written. That rests on a detail of Jetty's: its lowest flusher
     * ({@code FrameFlusher}) does fail the frames it holds when an abnormal close arrives, but
     * the session's own flusher above it hands it one frame at a time and waits for each to be
     * written, so the frames still queued wait there, and the close frame behind them. A Jetty
     * that dropped the queued frames would count the player gone too early here.
     */
    @Test
    void aPlayerWithFramesQueuedAtTheGoodbyeIsWaitedForAndGetsIt() throws Exception {
        // A 64 KiB receive window: the sockets still hold less than the 6 MB sent, and the client
        // drains the rest within the goodbye's second even on a busy machine (a 4 KiB window took
        // three to four times as long, and the whole suite beside busy loops ran out of time).
        try (RawWebSocket slow = RawWebSocket.connect(server.webSocketUri(), Map.of(), 65536)) {
            await().until(() -> server.players().count() == 1);
            slow.sendText(String.valueOf(CLOG_AND_QUEUE));
            assertTrue(clogged.await(10, TimeUnit.SECONDS));
            ServerLog.Closing closing = ServerLog.startClosingOnTheServersOwnThread(server);
            // The goodbye is queued, behind the frame being written: the closer waits for it, and
            // the player is still here until it is written.
            // Polled often: the second the goodbye waits starts now, and the client must read 6 MB in it.
            await().pollInterval(Duration.ofMillis(5)).until(closing::isWaitingForThePlayersToLeave);
            assertEquals(1, server.players().count(), "counted gone before its close frame was written");

            assertEquals(StatusCode.SHUTDOWN, slow.readsToTheCloseCode(Duration.ofSeconds(10)));
            closing.finish();
            ServerLog.awaitLine(server, "Said goodbye to 1 player; it left within \\d+ ms");
        }
    }
}
