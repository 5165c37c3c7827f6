package gameloop.process;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * The child process of example 06: a second JVM that does the heavy work, one request at a time.
 * The server starts it (see {@link Worker}); nobody else should.
 *
 * <p>Its two pipes are the article's one queue (results, to the server) and the second one it
 * says a real game would need (requests, to the child), as plain lines of ASCII:
 * <ul>
 *   <li>stdin carries requests: {@code work 17 200} means "step 17, compute for 200 ms";</li>
 *   <li>stdout carries results: {@code done 17 primes=1234 below=567890}, one per request, in
 *       order;</li>
 *   <li>stderr is for people: a line when it starts and when it stops, and the stack trace if it
 *       crashes. The server copies it to its own log.</li>
 * </ul>
 *
 * <p>It exits when its stdin reaches end of file. The server closes that pipe to stop it; and if
 * the server dies, even by {@code kill -9}, the kernel closes the pipe for it, so this process can
 * never outlive the server for longer than one step.
 *
 * <p>The class depends on nothing but the JDK, so the child JVM loads little and starts fast.
 */
public final class HeavyWorker {

    private static final String REQUEST = "work ";
    private static final String RESULT = "done ";

    /** Where the prime search stands; kept across steps so each step does new work. */
    private static long candidate = 2;

    private HeavyWorker() {
    }

    public static void main(String[] args) throws IOException {
        // stdout is the result pipe: one stray println (ours or a library's) would corrupt it.
        // So results get a stream of their own on file descriptor 1, and System.out goes to stderr.
        PrintStream results = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.US_ASCII);
        System.setOut(System.err);
        long pid = ProcessHandle.current().pid();
        System.err.println("HeavyWorker " + pid + " ready: requests on stdin, results on stdout");

        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = requests.readLine()) != null) {
            Request request = parseRequest(line); // a malformed line throws: a crash the server reports
            results.println(RESULT + request.number() + " " + countPrimesFor(request.workMillis()));
            results.flush();
            if (results.checkError()) {
                // PrintStream swallows IOExceptions: this is how we learn the server stopped reading.
                System.err.println("HeavyWorker " + pid + ": the result pipe is closed, so the server is gone; exiting");
                return;
            }
        }
        System.err.println("HeavyWorker " + pid + ": stdin closed, no more work; exiting");
    }

    /**
     * Real CPU work, for {@code millis} of wall-clock time: trial division, continuing from where
     * the previous step stopped. Bounded by time rather than by amount, so a step costs the same
     * on a fast machine and a slow one, and the server's period stays meaningful.
     */
    static String countPrimesFor(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        int found = 0;
        do {
            if (isPrime(candidate)) {
                found++;
            }
            candidate++;
        } while (System.nanoTime() - deadline < 0);
        return "primes=" + found + " below=" + candidate;
    }

    private static boolean isPrime(long n) {
        if (n < 4) {
            return n >= 2;
        }
        if (n % 2 == 0) {
            return false;
        }
        for (long d = 3; d * d <= n; d += 2) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    // The line protocol, in one place so the server and the worker cannot drift apart.

    /** The request the server writes for step {@code number}. */
    static String requestLine(long number, long workMillis) {
        return REQUEST + number + " " + workMillis;
    }

    /** One request: do {@code workMillis} of work for step {@code number}. */
    record Request(long number, long workMillis) {
    }

    /** The request on a line; throws {@link IllegalArgumentException} for anything else. */
    static Request parseRequest(String line) {
        String[] parts = line.split(" ");
        if (parts.length != 3 || !line.startsWith(REQUEST)) {
            throw new IllegalArgumentException("not a work request: '" + line + "'");
        }
        long number = Long.parseLong(parts[1]);
        long millis = Long.parseLong(parts[2]);
        if (millis < 0) {
            throw new IllegalArgumentException("negative work: '" + line + "'");
        }
        return new Request(number, millis);
    }

    /** The step number of a result line, or empty if the line is not a result. */
    static OptionalLong resultNumber(String line) {
        if (!line.startsWith(RESULT)) {
            return OptionalLong.empty();
        }
        int end = line.indexOf(' ', RESULT.length());
        try {
            return OptionalLong.of(Long.parseLong(line.substring(RESULT.length(), end < 0 ? line.length() : end)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
