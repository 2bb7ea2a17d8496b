package routes.liveevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import routes.support.HubIntegrationTest;
import routes.support.RabbitMqNode;

/**
 * The live event stream survives a RabbitMQ restart: {@code rabbitmqctl stop_app} deletes this instance's exclusive,
 * auto-delete queue with the connection; once the broker is back, the queue and its binding are declared again on
 * the new connection and the consumer of route {@code liveEventReceive} resumes, so an open SSE client receives the
 * next broadcast without the hub restarting. The broker is started again whatever happens.
 */
@HubIntegrationTest
class LiveEventsBrokerRestartIT {

    private static final Duration RECOVERY = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final RabbitMqNode broker = new RabbitMqNode(Duration.ofSeconds(60));

    @LocalServerPort
    int port;

    @Autowired
    LiveEventsSettings settings;

    @Test
    void anOpenStreamReceivesBroadcastsAgainAfterRabbitMqRestarts() throws Exception {
        String video = "restart-" + UUID.randomUUID();
        try (LiveEventStreamClient events = LiveEventStreamClient.open(port, "video_id=" + video)) {
            assertThat(broadcast(video, "before the restart")).isEqualTo(202);
            events.await(e -> "before the restart".equals(e.text("message")));

            try {
                broker.stopApp();
            } finally {
                broker.startApp();
            }
            long restarted = System.nanoTime();

            // one broadcast a second until one arrives: the first ones may reach the broker before this instance's
            // queue is back (a fanout exchange drops what no queue is bound to take)
            broadcastUntilOneArrives(events, video, "after the restart ", restarted);
            System.out.printf("live events: first event after the broker restart arrived %d ms after start_app returned%n",
                    Duration.ofNanos(System.nanoTime() - restarted).toMillis());

            assertSteady(events, video);
        }
    }

    /**
     * The queue deleted while the connection stays up (an operator, or an exclusive queue that outlived a broken
     * connection): no new connection, so RabbitAdmin's connection listener does not fire; the listener container
     * finds the queue missing when it restarts the cancelled consumer and has the Declarables declared again.
     */
    @Test
    void anOpenStreamReceivesBroadcastsAgainAfterTheQueueWasDeleted() throws Exception {
        String video = "deleted-" + UUID.randomUUID();
        try (LiveEventStreamClient events = LiveEventStreamClient.open(port, "video_id=" + video)) {
            assertThat(broadcast(video, "before the delete")).isEqualTo(202);
            events.await(e -> "before the delete".equals(e.text("message")));

            broker.deleteQueue(settings.queue());
            long deleted = System.nanoTime();

            broadcastUntilOneArrives(events, video, "after the delete ", deleted);
            System.out.printf("live events: first event after the queue was deleted arrived %d ms later%n",
                    Duration.ofNanos(System.nanoTime() - deleted).toMillis());
            assertSteady(events, video);
        }
    }

    /** Broadcasts one event a second until one reaches the stream, for up to {@link #RECOVERY} after {@code since}. */
    private LiveEventStreamClient.Event broadcastUntilOneArrives(LiveEventStreamClient events, String video, String prefix,
                                                                 long since) throws Exception {
        LiveEventStreamClient.Event first = null;
        for (int attempt = 1; first == null && System.nanoTime() - since < RECOVERY.toNanos(); attempt++) {
            assertThat(events.ended()).as("the hub ended the stream").isFalse();
            int status = broadcastQuietly(video, prefix + attempt);
            if (status == 202) {
                first = awaitQuietly(events, e -> e.is("video.status") && e.text("message").startsWith(prefix),
                        Duration.ofSeconds(1));
            } else {
                Thread.sleep(1000);
            }
        }
        assertThat(first).as("an event broadcast within %s reached the open stream; broker queues: %s",
                RECOVERY, broker.queues("name", "exclusive", "auto_delete", "consumers")).isNotNull();
        return first;
    }

    /** From now on every broadcast arrives, on this instance's own queue (the name the hub was started with). */
    private void assertSteady(LiveEventStreamClient events, String video) throws Exception {
        assertThat(broadcast(video, "steady again")).isEqualTo(202);
        events.await(e -> "steady again".equals(e.text("message")), Duration.ofSeconds(10));
        assertThat(broker.queues("name", "exclusive", "auto_delete", "consumers"))
                .contains(settings.queue() + "\ttrue\ttrue\t1");
    }

    private int broadcast(String video, String message) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v2/events/internal/broadcast"))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").header("X-Internal-Secret", "it-secret")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"video.status\",\"video_id\":\"" + video
                        + "\",\"status\":\"PROCESSING\",\"progress\":50,\"message\":\"" + message + "\"}"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The status, or -1 when the hub did not answer in time (it may be waiting for the broker). */
    private int broadcastQuietly(String video, String message) throws InterruptedException {
        try {
            return broadcast(video, message);
        } catch (IOException e) {
            return -1;
        }
    }

    private static LiveEventStreamClient.Event awaitQuietly(LiveEventStreamClient events,
                                                            Predicate<LiveEventStreamClient.Event> wanted,
                                                            Duration timeout) {
        try {
            return events.await(wanted, timeout);
        } catch (AssertionError notYet) {
            return null;
        }
    }
}
