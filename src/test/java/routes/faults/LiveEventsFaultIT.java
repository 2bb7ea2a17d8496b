package routes.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The live event stream under kill -9, on the packaged hub: an SSE client stays connected (and reconnects with
 * {@code Last-Event-ID}, as EventSource does) while workers broadcast; the hub is killed mid-load and started again.
 * The guarantee checked: every broadcast answered 2xx reached the client, or the client was told it may have missed
 * events (a {@code stream.gap} event after its reconnect); no event reached it twice; the stream works again after
 * the restart (every broadcast accepted after it is received).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveEventsFaultIT {

    static final int BROADCASTS = 300;

    private final ObjectMapper json = new ObjectMapper();
    private FaultSuite suite;

    @BeforeAll
    void start() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LIVE_EVENTS_STREAM", "faults:live-events:stream");
        suite = new FaultSuite("live-events", env);
        suite.startHub();
    }

    @AfterAll
    void stop() throws Exception {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void killDuringBroadcasts() throws Exception {
        String run = "faults-" + UUID.randomUUID().toString().substring(0, 8);
        Client client = new Client(run);
        Thread reader = new Thread(client, "sse-client");
        reader.setDaemon(true);
        reader.start();
        client.awaitConnected(1, Duration.ofSeconds(30));

        List<String> accepted = new ArrayList<>();
        List<String> acceptedAfterRestart = new ArrayList<>();
        int sent = 0;
        long fault = 0;
        double faultSeconds = 0;
        for (int i = 0; i < BROADCASTS; i++) {
            String videoId = run + "-" + i;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                sent++;
                HttpResponse<String> answer = FaultSuite.post(suite.hub.url("/api/v2/events/internal/broadcast"),
                        "{\"type\":\"video.status\",\"video_id\":\"" + videoId + "\",\"status\":\"PROCESSING\",\"progress\":" + (i % 100)
                                + ",\"message\":\"fault suite\"}", "X-Internal-Secret", FaultSuite.SECRET);
                if (answer != null && answer.statusCode() / 100 == 2) {
                    accepted.add(videoId);
                    if (fault != 0) {
                        acceptedAfterRestart.add(videoId);
                    }
                    break;
                }
                FaultSuite.sleep(Duration.ofMillis(200));
            }
            FaultSuite.sleep(Duration.ofMillis(10));
            if (i == BROADCASTS / 2) {
                fault = System.nanoTime();
                int connectionsBefore = client.connections.get();
                suite.killAndRestartHub();
                client.awaitConnected(connectionsBefore + 1, Duration.ofSeconds(30));
                faultSeconds = (System.nanoTime() - fault) / 1e9;
            }
        }
        long settle = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < settle && !client.received.keySet().containsAll(accepted)) {
            FaultSuite.sleep(Duration.ofMillis(200));
        }
        FaultSuite.sleep(Duration.ofSeconds(1));
        client.stop();

        List<String> missed = accepted.stream().filter(id -> !client.received.containsKey(id)).toList();
        int duplicates = client.received.values().stream().mapToInt(n -> n - 1).sum();
        boolean told = !client.gaps.isEmpty();
        int lost = told ? 0 : missed.size();
        new FaultReport("live events kill -9 at 50%", sent, accepted.size(), accepted.size() - missed.size(), lost, duplicates,
                faultSeconds).print();
        System.out.println("[faults] live events kill -9 at 50%: missed " + missed.size() + " (first " + missed.stream().limit(3)
                .toList() + "), told by stream.gap: " + client.gaps + ", reconnects: " + (client.connections.get() - 1));
        assertThat(accepted).hasSize(BROADCASTS);
        assertThat(client.connections.get()).as("the client reconnected after the kill").isGreaterThanOrEqualTo(2);
        assertThat(lost).as("broadcasts answered 2xx that never reached the client, with no stream.gap telling of it").isZero();
        assertThat(duplicates).as("events the client received twice").isZero();
        assertThat(acceptedAfterRestart).as("broadcasts after the restart").isNotEmpty();
        assertThat(acceptedAfterRestart.stream().filter(id -> !client.received.containsKey(id)).toList())
                .as("the stream works again after the restart").isEmpty();
    }

    /** An EventSource-like client: reads frames, reconnects with Last-Event-ID, records what it got. */
    final class Client implements Runnable {
        final String run;
        final Map<String, Integer> received = new ConcurrentHashMap<>();
        final List<String> gaps = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        final AtomicBoolean running = new AtomicBoolean(true);
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private volatile String lastEventId;
        private volatile Stream<String> open;

        Client(String run) {
            this.run = run;
        }

        @Override
        public void run() {
            while (running.get()) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(suite.hub.url("/api/v2/events/stream")))
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
                    read(answer.body());
                } catch (IOException | UncheckedIOException e) {
                    // the hub went away: reconnect, as EventSource does
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (running.get()) {
                    FaultSuite.sleep(Duration.ofMillis(200));
                }
            }
        }

        private void read(Stream<String> lines) {
            String[] frame = new String[3];
            lines.forEach(line -> {
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
            // the stream's queue is bound once the first frame (retry:) is out: give it a moment
            FaultSuite.sleep(Duration.ofMillis(500));
        }

        void stop() {
            running.set(false);
            Stream<String> stream = open;
            if (stream != null) {
                stream.close();
            }
        }
    }
}
