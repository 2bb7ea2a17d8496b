package routes.liveevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import routes.support.HubIntegrationTest;

/**
 * The live event stream through Redis outages, on a Redis of its own: a {@code redis-server} this test starts on a
 * free port (append-only file, fsync always, so a SIGKILL loses nothing) and a hub instance ({@link SecondHub})
 * using it. The machine's Redis, shared with everybody, is never touched.
 * <ul>
 *   <li>Redis killed and started again under an open stream: broadcasts meanwhile get 503 with Retry-After, a client
 *   reconnecting meanwhile is told {@code replay_unavailable}; once Redis is back the reader resumes from the last id
 *   it delivered, so entries another instance appended before it reconnected are streamed too, in order, once.</li>
 *   <li>The hub's connections killed ({@code CLIENT KILL TYPE normal}, on this test's Redis): the stream goes on.</li>
 *   <li>The reader held up while the stream is trimmed past it: every client gets {@code events_lost}.</li>
 * </ul>
 */
@HubIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveEventsRedisOutageIT {

    private static final String STREAM = "it:live-events:outage";
    private static final int REPLAY_SIZE = 100;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Autowired
    Environment environment;

    private Path dir;
    private int redisPort;
    private Process redis;
    private SecondHub hub;

    @BeforeAll
    void startRedisServer() throws Exception {
        dir = Files.createTempDirectory("live-events-redis");
        try (ServerSocket free = new ServerSocket(0)) {
            redisPort = free.getLocalPort();
        }
        startRedis();
    }

    /** The hub on this test's Redis, started in a test (Camel's test listener holds contexts started earlier back). */
    private SecondHub hub() {
        if (hub == null) {
            hub = SecondHub.start(environment, "--spring.data.redis.port=" + redisPort, "--hub.live-events.stream=" + STREAM,
                    "--hub.live-events.replay-size=" + REPLAY_SIZE, "--hub.live-events.read-block-ms=500",
                    "--hub.live-events.read-retry-max-ms=1000");
        }
        return hub;
    }

    @AfterAll
    void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        if (redis != null) {
            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void startRedis() throws Exception {
        redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "yes", "--appendfsync", "always", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", redisPort), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !redis.isAlive()) {
                    throw new IllegalStateException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")));
                }
                Thread.sleep(100);
            }
        }
    }

    /** Another instance's append, straight to this test's Redis. */
    private String appendElsewhere(String json) {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + redisPort);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().xadd(STREAM, Map.of(LiveEventLog.FIELD, json));
        } finally {
            client.shutdown();
        }
    }

    /** {@code CLIENT KILL TYPE normal} on this test's Redis: every client connection but the one asking. */
    private long killClientConnections() {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + redisPort);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().clientKill(KillArgs.Builder.typeNormal());
        } finally {
            client.shutdown();
        }
    }

    private HttpResponse<String> broadcast(String video, String message) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub().port() + "/api/v2/events/internal/broadcast"))
                .header("Content-Type", "application/json").header("X-Internal-Secret", "it-secret")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"video.status\",\"video_id\":\"" + video
                        + "\",\"status\":\"PROCESSING\",\"message\":\"" + message + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String event(String video, String message) {
        return "{\"type\":\"video.status\",\"video_id\":\"" + video + "\",\"status\":\"PROCESSING\",\"message\":\"" + message + "\"}";
    }

    @Test
    void aRedisRestartUnderAnOpenStreamSkipsNothing() throws Exception {
        String video = "outage-" + UUID.randomUUID();
        try (LiveEventStreamClient events = LiveEventStreamClient.open(hub().port(), "video_id=" + video)) {
            assertThat(broadcast(video, "before").statusCode()).isEqualTo(202);
            String before = events.await(e -> "before".equals(e.text("message"))).id();

            redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

            HttpResponse<String> refused = broadcast(video, "during");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(refused.body()).contains("stream_unavailable");
            // an id this instance has no longer cached (older than anything here): the replay needs Redis
            try (LiveEventStreamClient resumed = LiveEventStreamClient.open(hub().port(), "video_id=" + video,
                    Map.of("Last-Event-ID", "1-0"))) {
                LiveEventStreamClient.Event gap = resumed.awaitType("stream.gap");
                assertThat(gap.data().path("data").path("code").asText()).isEqualTo("replay_unavailable");
            }
            // the reader backs off meanwhile (100 ms doubling up to read-retry-max-ms)
            Thread.sleep(2_500);

            startRedis();
            // appended at once, most likely before this hub's reader is back: it must still get them
            appendElsewhere(event(video, "elsewhere 1"));
            appendElsewhere(event(video, "elsewhere 2"));
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> broadcast(video, "after").statusCode() == 202);

            events.await(e -> "after".equals(e.text("message")), Duration.ofSeconds(20));
            assertThat(events.events()).filteredOn(e -> e.id() != null).extracting(e -> e.text("message"))
                    .startsWith("before", "elsewhere 1", "elsewhere 2").doesNotContain("during")
                    .filteredOn(m -> !"after".equals(m)).hasSize(3);
            assertThat(events.events()).noneMatch(e -> e.is("stream.gap"));
            assertThat(events.events().stream().filter(e -> e.id() != null).map(LiveEventStreamClient.Event::streamId).toList())
                    .isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void killedConnectionsAreReopenedAndTheStreamGoesOn() throws Exception {
        String video = "killed-" + UUID.randomUUID();
        try (LiveEventStreamClient events = LiveEventStreamClient.open(hub().port(), "video_id=" + video)) {
            assertThat(broadcast(video, "before").statusCode()).isEqualTo(202);
            events.await(e -> "before".equals(e.text("message")));

            assertThat(killClientConnections()).as("the hub's connections").isPositive();
            appendElsewhere(event(video, "elsewhere"));
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> broadcast(video, "after").statusCode() == 202);

            events.await(e -> "elsewhere".equals(e.text("message")), Duration.ofSeconds(20));
            events.await(e -> "after".equals(e.text("message")), Duration.ofSeconds(20));
            assertThat(events.events()).noneMatch(e -> e.is("stream.gap"));
        }
    }

    @Test
    void aReaderThatFellBehindTheTrimmingTellsEveryClientEventsLost() throws Exception {
        String video = "lost-" + UUID.randomUUID();
        CamelContext camel = hub().bean(CamelContext.class);
        LiveEventLog log = hub().bean(LiveEventLog.class);
        try (LiveEventStreamClient events = LiveEventStreamClient.open(hub().port(), "types=error")) {
            assertThat(broadcast(video, "before").statusCode()).isEqualTo(202);
            LiveEventStream stream = hub().bean(LiveEventStream.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> stream.lastEventId() != null);

            camel.getRouteController().stopRoute("liveEventRead");
            try {
                for (int i = 0; i < REPLAY_SIZE * 4; i++) {
                    log.append(event(video, "filler " + i));
                }
                log.append("{\"type\":\"error\",\"message\":\"after the trimming\"}");
            } finally {
                camel.getRouteController().startRoute("liveEventRead");
            }
            LiveEventStreamClient.Event gap = events.awaitType("stream.gap");
            assertThat(gap.id()).isNull();
            assertThat(gap.data().path("data").path("code").asText()).isEqualTo("events_lost");
            assertThat(gap.text("message")).contains("may have been missed");
            events.await(e -> "after the trimming".equals(e.text("message")), Duration.ofSeconds(20));
        }
    }
}
