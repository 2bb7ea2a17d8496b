package routes.liveevents;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real HTTP client of {@code GET /api/v2/events/stream} for integration tests, parsing Server-Sent Events as a
 * browser does. For a flow's IT after merging:
 *
 * <pre>{@code
 * try (LiveEventStreamClient events = LiveEventStreamClient.open(port, "video_id=" + videoId)) {
 *     ... make the flow run ...
 *     LiveEventStreamClient.Event done = events.await(e -> e.is("video.status") && "PROCESSED".equals(e.text("status")));
 *     assertThat(done.data().path("progress").asInt()).isEqualTo(100);
 * }
 * }</pre>
 */
public final class LiveEventStreamClient implements AutoCloseable {

    /** One event as EventSource dispatches it; {@code id} is null for heartbeats and replay notices. */
    public record Event(String id, String type, String rawData, JsonNode data) {

        public boolean is(String eventType) {
            return eventType.equals(type);
        }

        /** A text field of the data, e.g. {@code text("video_id")}; null when absent. */
        public String text(String field) {
            JsonNode value = data.get(field);
            return value == null || value.isNull() ? null : value.asText();
        }

        public long numericId() {
            return Long.parseLong(id);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpResponse<InputStream> response;
    private final List<Event> events = new ArrayList<>();
    private final Thread reader;
    private volatile boolean ended;
    private volatile String retry;
    private int consumed;

    private LiveEventStreamClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-test-client");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Opens the stream on {@code 127.0.0.1:port}; {@code query} without '?', may be empty. */
    public static LiveEventStreamClient open(int port, String query) throws IOException, InterruptedException {
        return open(port, query, Map.of());
    }

    public static LiveEventStreamClient open(int port, String query, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> response = connect(port, query, headers);
        if (response.statusCode() != 200) {
            String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
            throw new IllegalStateException("stream answered " + response.statusCode() + ": " + body);
        }
        return new LiveEventStreamClient(response);
    }

    /** The raw answer, for tests of refusals (400, 503) and headers. */
    public static HttpResponse<InputStream> connect(int port, String query, Map<String, String> headers)
            throws IOException, InterruptedException {
        String uri = "http://127.0.0.1:" + port + "/api/v2/events/stream" + (query == null || query.isEmpty() ? "" : "?" + query);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).header("Accept", "text/event-stream").GET();
        headers.forEach(request::header);
        try {
            return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream()).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("stream did not answer: " + e, e);
        }
    }

    public HttpHeaders headers() {
        return response.headers();
    }

    /** The {@code retry:} advice the stream sent, once read. */
    public String retry() {
        return retry;
    }

    /** True once the hub ended the stream. */
    public boolean ended() {
        return ended;
    }

    /** Every event received so far, in order. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The first event received since the last await that matches, waiting up to 10 s. */
    public Event await(Predicate<Event> wanted) {
        return await(wanted, Duration.ofSeconds(10));
    }

    public synchronized Event await(Predicate<Event> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (int i = consumed; i < events.size(); i++) {
                if (wanted.test(events.get(i))) {
                    consumed = i + 1;
                    return events.get(i);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || ended) {
                throw new AssertionError("no matching event within " + timeout + (ended ? " (stream ended)" : "")
                        + "; received: " + events);
            }
            try {
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** The first event of that type (e.g. {@code "video.status"}) since the last await. */
    public Event awaitType(String type) {
        return await(e -> e.is(type));
    }

    /** Waits until the hub ends the stream. */
    public synchronized void awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("stream still open after " + timeout);
            }
            try {
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String type = null;
            StringBuilder data = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        String raw = data.toString();
                        received(new Event(id, type == null ? "message" : type, raw, JSON.readTree(raw)));
                    }
                    id = null;
                    type = null;
                    data = null;
                    continue;
                }
                if (line.startsWith(":")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> type = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    case "retry" -> retry = value;
                    default -> { }
                }
            }
        } catch (IOException closed) {
            // closed by the test or the hub
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    private synchronized void received(Event event) {
        events.add(event);
        notifyAll();
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // already closed
        }
        reader.interrupt();
    }
}
