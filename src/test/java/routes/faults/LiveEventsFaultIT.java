package routes.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

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
        SseClient client = new SseClient(json, suite.hub.url("/api/v2/events/stream"), run).start();
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
}
