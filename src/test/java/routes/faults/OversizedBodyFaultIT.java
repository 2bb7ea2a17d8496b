package routes.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A body twice the hub's heap, on every POST endpoint of both listeners, against the packaged hub with
 * {@code -Xmx512m} ({@link PackagedHub}): 1 GiB streamed chunked and 1 GiB declared as {@code Content-Length} (and
 * streamed too, until the hub answers), generated on the fly from one 64 KiB buffer. Each must be answered 413
 * within seconds, after the hub read at most its limit: the public listener with the JSON problem body
 * ({@code routes.shared.RequestBodyLimit}), the internal listener with netty-http's bare 413 (its aggregator's
 * 1 MiB, docs/security.adoc). Afterwards the same process is alive, logged no OutOfMemoryError, answers a valid
 * ingest 202 and a dead-letter listing 200 on the internal listener, and its readiness is UP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OversizedBodyFaultIT {

    /** 1 GiB: twice the hub's -Xmx512m. */
    static final long BODY_BYTES = 1L << 30;
    static final long HUB_HEAP_BYTES = 512L << 20;
    /** An answer must come within this long of the first byte of the head. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);
    /** The socket is closed after this long without an answer, so a hub that stops reading fails the test. */
    static final Duration GIVE_UP = Duration.ofSeconds(30);

    private static final byte[] FILLER = filler();

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    private FaultSuite suite;
    private long logStart;

    enum Framing { CHUNKED, DECLARED }

    record Target(String name, boolean internal, String path) { }

    record Answer(int status, String head, String body, long millis, long bytesSent) { }

    static final List<Target> TARGETS = List.of(
            new Target("ingest", false, "/api/ml/events/ingest"),
            new Target("bridge python", false, "/api/ml/bridge/python"),
            new Target("live events broadcast", false, "/api/v2/events/internal/broadcast"),
            new Target("transcript progress", false, "/internal/transcripts/oversized-fault/progress"),
            new Target("transcript completed", false, "/internal/transcripts/oversized-fault/completed"),
            new Target("extraction callback", true, "/extraction/internal/completed"),
            new Target("dead-letter redrive", true, "/internal/dead-letters/oversized-fault/redrive"));

    @BeforeAll
    void start() throws Exception {
        suite = new FaultSuite("oversized-body", Map.of());
        logStart = Files.exists(suite.hub.logFile().toPath()) ? Files.size(suite.hub.logFile().toPath()) : 0;
        suite.startHub();
    }

    @AfterAll
    void stop() throws Exception {
        watchdog.shutdownNow();
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void everyPostEndpointAnswersABodyTwiceTheHeap413AndTheHubCarriesOn() throws Exception {
        long heapMax = heapBytes("jvm.memory.max");
        System.out.printf(Locale.ROOT, "[faults] oversized body: hub heap max %,d bytes, used %,d; body %,d bytes%n",
                heapMax, heapBytes("jvm.memory.used"), BODY_BYTES);
        assertThat(heapMax).as("the hub's heap (-Xmx512m)").isPositive().isLessThanOrEqualTo(HUB_HEAP_BYTES);
        assertThat(BODY_BYTES).as("the body is at least twice the heap").isGreaterThanOrEqualTo(2 * HUB_HEAP_BYTES);

        for (Target target : TARGETS) {
            for (Framing framing : Framing.values()) {
                Answer answer = send(target, framing);
                System.out.printf(Locale.ROOT, "[faults] oversized body: %s %s %s: %d after %d ms, %,d bytes sent, body %s%n",
                        target.name(), target.path(), framing, answer.status(), answer.millis(), answer.bytesSent(),
                        answer.body().isEmpty() ? "(none)" : answer.body());
                String what = target.name() + " " + framing;
                assertThat(answer.status()).as(what).isEqualTo(413);
                assertThat(answer.millis()).as(what + ": ms to the answer").isLessThan(ANSWER_WITHIN.toMillis());
                assertThat(answer.bytesSent()).as(what + ": the whole body was not needed").isLessThan(BODY_BYTES);
                if (target.internal()) {
                    // netty-http's HttpObjectAggregator (chunkedMaxContentLength, 1 MiB) answers before the route runs
                    assertThat(answer.head().toLowerCase(Locale.ROOT)).as(what).contains("content-length: 0");
                } else {
                    assertThat(answer.head().toLowerCase(Locale.ROOT)).as(what)
                            .contains("content-type: application/json").contains("connection: close");
                    JsonNode problem = json.readTree(answer.body());
                    assertThat(problem.path("error").asText()).as(what).isEqualTo("payload_too_large");
                    assertThat(problem.path("field").asText()).as(what).isEqualTo("body");
                }
                assertThat(suite.hub.alive()).as("the hub is alive after " + what).isTrue();
            }
        }

        System.out.printf(Locale.ROOT, "[faults] oversized body: afterwards hub heap used %,d bytes%n",
                heapBytes("jvm.memory.used"));
        assertThat(suite.hub.alive()).isTrue();
        String log = Files.readString(suite.hub.logFile().toPath(), StandardCharsets.ISO_8859_1).substring((int) logStart);
        assertThat(log).as("the hub's log").doesNotContain("OutOfMemoryError");

        HttpResponse<String> ingest = FaultSuite.post(suite.hub.url("/api/ml/events/ingest"),
                "{\"source\":\"faults\",\"events\":[{\"event_type\":\"page_view\",\"user_id\":\"faults-oversized-user\"}]}");
        assertThat(ingest).as("a valid ingest afterwards").isNotNull();
        assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(202);
        HttpResponse<String> deadLetters = http.send(HttpRequest.newBuilder(URI.create(suite.hub.internalUrl("/internal/dead-letters")))
                .timeout(Duration.ofSeconds(10)).header("X-Internal-Secret", FaultSuite.SECRET).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(deadLetters.statusCode()).as("the internal listener afterwards: " + deadLetters.body()).isEqualTo(200);
        HttpResponse<String> readiness = http.send(HttpRequest.newBuilder(URI.create(suite.hub.url("/actuator/health/readiness")))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
        assertThat(json.readTree(readiness.body()).path("status").asText()).isEqualTo("UP");
    }

    /**
     * The head, then up to {@link #BODY_BYTES} of filler (in chunks, or raw after a {@code Content-Length} of that
     * size) until the hub answers or closes; the answer read after that.
     */
    private Answer send(Target target, Framing framing) throws IOException {
        int port = URI.create(target.internal() ? suite.hub.internalUrl("/") : suite.hub.url("/")).getPort();
        String head = "POST " + target.path() + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + "Content-Type: application/json\r\nX-Internal-Secret: " + FaultSuite.SECRET + "\r\n"
                + (framing == Framing.CHUNKED ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + BODY_BYTES + "\r\n")
                + "\r\n";
        byte[] chunkSize = (Integer.toHexString(FILLER.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
        long started = System.nanoTime();
        long sent = 0;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            ScheduledFuture<?> giveUp = watchdog.schedule(() -> close(socket), GIVE_UP.toMillis(), TimeUnit.MILLISECONDS);
            try {
                socket.setSoTimeout((int) GIVE_UP.toMillis());
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                try {
                    while (sent < BODY_BYTES && in.available() == 0) {
                        int length = (int) Math.min(FILLER.length, BODY_BYTES - sent);
                        if (framing == Framing.CHUNKED) {
                            out.write(length == FILLER.length ? chunkSize
                                    : (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.write(FILLER, 0, length);
                            out.write(crlf);
                        } else {
                            out.write(FILLER, 0, length);
                        }
                        sent += length;
                    }
                    out.flush();
                } catch (IOException closedByHub) {
                    // the hub answered and closed while the body was still going out: its answer is read below
                }
                String answer = readAnswer(in);
                long millis = (System.nanoTime() - started) / 1_000_000;
                int headEnd = answer.indexOf("\r\n\r\n");
                assertThat(headEnd).as("%s %s: a whole answer head, got <%s> after %d ms", target.name(), framing,
                        answer, millis).isPositive();
                String statusLine = answer.substring(0, answer.indexOf("\r\n"));
                int status = Integer.parseInt(statusLine.split(" ")[1]);
                return new Answer(status, answer.substring(0, headEnd), answer.substring(headEnd + 4), millis, sent);
            } finally {
                giveUp.cancel(false);
            }
        }
    }

    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder answer = new StringBuilder();
        byte[] buffer = new byte[8192];
        try {
            int read;
            while ((read = in.read(buffer)) != -1) {
                answer.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
                int headEnd = answer.indexOf("\r\n\r\n");
                if (headEnd >= 0 && complete(answer, headEnd)) {
                    break;
                }
            }
        } catch (SocketException reset) {
            if (answer.isEmpty()) {
                throw reset;
            }
        }
        return answer.toString();
    }

    private static boolean complete(StringBuilder answer, int headEnd) {
        String head = answer.substring(0, headEnd).toLowerCase(Locale.ROOT);
        int at = head.indexOf("content-length:");
        if (at < 0) {
            return false;
        }
        int end = head.indexOf("\r\n", at);
        long length = Long.parseLong(head.substring(at + 15, end < 0 ? head.length() : end).trim());
        return answer.length() - headEnd - 4 >= length;
    }

    /** The hub's heap (area heap, all pools) from /actuator/metrics (open: the suite turns the console login off). */
    private long heapBytes(String metric) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(suite.hub.url("/actuator/metrics/" + metric
                + "?tag=area:heap"))).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(metric + ": " + answer.body()).isEqualTo(200);
        return json.readTree(answer.body()).path("measurements").path(0).path("value").asLong();
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing to give up: nothing more to do
        }
    }

    private static byte[] filler() {
        byte[] filler = new byte[64 * 1024];
        Arrays.fill(filler, (byte) ' ');
        return filler;
    }
}
