package routes.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An EventSource-like client of a hub's live event stream: reads frames, reconnects with {@code Last-Event-ID}
 * (after the hub went away, or when {@link #moveTo moved} to another instance), records what it got: the events of
 * this run (a {@code video_id} starting with {@code run}) with how often each arrived, the eventIds of the
 * {@code extraction.completed} events, the {@code stream.gap} codes and every SSE id in arrival order.
 */
final class SseClient implements Runnable {

    final String run;
    final Map<String, Integer> received = new ConcurrentHashMap<>();
    final Map<String, Integer> extractionEvents = new ConcurrentHashMap<>();
    final List<String> gaps = new CopyOnWriteArrayList<>();
    final List<String> ids = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicBoolean running = new AtomicBoolean(true);
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile String streamUrl;
    private volatile String lastEventId;
    private volatile Stream<String> open;

    SseClient(ObjectMapper json, String streamUrl, String run) {
        this.json = json;
        this.streamUrl = streamUrl;
        this.run = run;
    }

    /** Starts reading on a daemon thread. */
    SseClient start() {
        Thread reader = new Thread(this, "sse-client-" + run);
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    @Override
    public void run() {
        while (running.get()) {
            String url = streamUrl;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            try {
                HttpResponse<Stream<String>> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
                if (answer.statusCode() != 200) {
                    answer.body().close();
                    FaultSuite.sleep(Duration.ofMillis(200));
                    continue;
                }
                connections.incrementAndGet();
                open = answer.body();
                try (Stream<String> lines = answer.body()) {
                    read(lines, url);
                }
            } catch (IOException | UncheckedIOException e) {
                // the hub went away (or the client moved): reconnect, as EventSource does
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (running.get()) {
                FaultSuite.sleep(Duration.ofMillis(200));
            }
        }
    }

    private void read(Stream<String> lines, String url) {
        String[] frame = new String[3];
        lines.forEach(line -> {
            if (!url.equals(streamUrl)) {
                // moved: what this connection has not delivered as a whole frame is left to the next one's replay
                throw new UncheckedIOException(new IOException("moved to " + streamUrl));
            }
            if (line.isEmpty()) {
                record(frame[0], frame[1], frame[2]);
                frame[0] = frame[1] = frame[2] = null;
            } else if (line.startsWith("id:")) {
                frame[0] = line.substring(3).trim();
            } else if (line.startsWith("event:")) {
                frame[1] = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                frame[2] = line.substring(5).trim();
            }
        });
    }

    private void record(String id, String event, String data) {
        if (id != null) {
            lastEventId = id;
            if (data != null) {
                ids.add(id);
            }
        }
        if (data == null) {
            return;
        }
        try {
            JsonNode body = json.readTree(data);
            if ("stream.gap".equals(event)) {
                gaps.add(body.path("data").path("code").asText());
                return;
            }
            String videoId = body.path("video_id").asText(body.path("data").path("video_id").asText());
            if (videoId.startsWith(run)) {
                received.merge(videoId, 1, Integer::sum);
            }
            if ("extraction.completed".equals(body.path("type").asText())) {
                extractionEvents.merge(body.path("data").path("event_id").asText(), 1, Integer::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a frame that is not JSON: " + data, e);
        }
    }

    void awaitConnected(int atLeast, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (connections.get() < atLeast && System.nanoTime() < deadline) {
            FaultSuite.sleep(Duration.ofMillis(50));
        }
        assertThat(connections.get()).as("SSE connections").isGreaterThanOrEqualTo(atLeast);
        // the stream's reader is attached once the first frame (retry:) is out: give it a moment
        FaultSuite.sleep(Duration.ofMillis(500));
    }

    /** Leaves the current instance and reconnects to {@code url} with the last id it got (a client behind a balancer). */
    void moveTo(String url) {
        streamUrl = url;
    }

    String lastEventId() {
        return lastEventId;
    }

    void stop() {
        running.set(false);
        Stream<String> stream = open;
        if (stream != null) {
            stream.close();
        }
    }
}
