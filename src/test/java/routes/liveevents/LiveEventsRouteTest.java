package routes.liveevents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.lettuce.core.RedisException;
import routes.HubApplication;
import routes.shared.LiveEvent;

/**
 * The live-events routes with the Redis stream mocked ({@link LiveEventLog}): appending, the broadcast endpoint's
 * answers, the reader (delivery, backoff, resume), heartbeat.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class)
@ActiveProfiles("unit")
// an advised CamelContext is this class's alone: never hand it to the next test class
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
@UseAdviceWith
class LiveEventsRouteTest {

    private static final String SECRET = "unit-secret";

    @Autowired
    CamelContext camelContext;

    @Autowired
    ProducerTemplate template;

    @Autowired
    LiveEventStream stream;

    @Autowired
    ObjectMapper json;

    @MockitoBean
    LiveEventLog log;

    @Autowired
    LiveEventReader reader;

    @BeforeEach
    void adviseAndStart() throws Exception {
        // advised once per (cached) context: after that the routes are running
        if (!camelContext.isStarted()) {
            AdviceWith.adviceWith(camelContext, "liveEventRead", a -> a.replaceFromWith("direct:liveEventReadTest"));
            AdviceWith.adviceWith(camelContext, "liveEventHeartbeat", a -> a.replaceFromWith("direct:liveEventHeartbeatTest"));
            AdviceWith.adviceWith(camelContext, "liveEventProbe", a -> a.replaceFromWith("direct:liveEventProbeTest"));
            // REST routes: Camel inlines the direct: route into the REST route (camel.rest.inline-routes), which keeps
            // the direct route's id; the test calls it through a direct endpoint instead of HTTP
            AdviceWith.adviceWith(camelContext, "liveEventsHealth", a -> a.replaceFromWith("direct:liveEventsHealthTest"));
            AdviceWith.adviceWith(camelContext, "liveEventBroadcast", a -> a.replaceFromWith("direct:liveEventBroadcastTest"));
            if (!camelContext.isStarted()) {
                camelContext.start();
            }
            for (String route : new String[] {"liveEventPublish", "liveEventAppend", "liveEventRead", "liveEventHeartbeat",
                    "liveEventProbe", "liveEventsHealth", "liveEventBroadcast"}) {
                camelContext.getRouteController().startRoute(route);
            }
        }
        when(log.append(anyString())).thenReturn("1767225600000-0");
    }

    private String appended() {
        ArgumentCaptor<String> body = ArgumentCaptor.forClass(String.class);
        verify(log).append(body.capture());
        return body.getValue();
    }

    @Test
    void theOpenApiRouteHasAName() {
        assertThat(camelContext.getRoute("openapi")).as("the api-context route, named in Hawtio").isNotNull();
        assertThat(camelContext.getRoutes()).noneSatisfy(route -> assertThat(route.getRouteId()).matches("route\\d+"));
    }

    @Test
    void aFlowsEventIsAppendedToTheStreamAsJson() throws Exception {
        Exchange sent = template.send("direct:live-event", e -> {
            e.setProperty("liveEvent", LiveEvent.videoStatus("v1", "PROCESSING", 45, "Transcribing audio..."));
            e.getMessage().setHeader("SomeFlowHeader", "must not leak");
        });
        assertThat(sent.getException()).isNull();
        JsonNode body = json.readTree(appended());
        assertThat(body.path("type").asText()).isEqualTo("video.status");
        assertThat(body.path("video_id").asText()).isEqualTo("v1");
        assertThat(body.path("status").asText()).isEqualTo("PROCESSING");
        assertThat(body.path("progress").asInt()).isEqualTo(45);
        assertThat(body.has("data")).isFalse();
        assertThat(sent.getProperty("liveEventId")).isEqualTo("1767225600000-0");
    }

    @Test
    void aFailedAppendNeverFailsTheFlow() {
        when(log.append(anyString())).thenThrow(new RedisConnectionFailureException("Unable to connect to Redis"));
        Exchange result = template.send("direct:live-event", e -> e.setProperty("liveEvent", LiveEvent.summaryReady("v1", Map.of())));
        assertThat(result.getException()).isNull();
        verify(log).append(anyString());
    }

    private Exchange broadcast(String secret, String body) {
        return template.send("direct:liveEventBroadcastTest", e -> {
            if (secret != null) {
                e.getMessage().setHeader("X-Internal-Secret", secret);
            }
            e.getMessage().setBody(body);
        });
    }

    private static int status(Exchange exchange) {
        return exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    @Test
    void aValidBroadcastIsAppendedAnd202WithItsId() throws Exception {
        Exchange answer = broadcast(SECRET, "{\"type\":\"video.status\",\"video_id\":\"v1\",\"status\":\"PROCESSED\",\"progress\":100,"
                + "\"data\":{\"duration\":3600}}");
        assertThat(status(answer)).isEqualTo(202);
        JsonNode accepted = json.readTree(answer.getMessage().getBody(String.class));
        assertThat(accepted.path("type").asText()).isEqualTo("video.status");
        assertThat(accepted.path("id").asText()).isEqualTo("1767225600000-0");
        assertThat(answer.getMessage().getHeaders()).doesNotContainKey("X-Internal-Secret");
        JsonNode published = json.readTree(appended());
        assertThat(published.path("status").asText()).isEqualTo("PROCESSED");
        assertThat(published.path("data").path("duration").asInt()).isEqualTo(3600);
        assertThat(published.path("timestamp").asText()).isNotBlank();
    }

    @Test
    void aBadBroadcastIs400NamingTheFieldAndIsNotAppended() throws Exception {
        Exchange answer = broadcast(SECRET, "{\"type\":\"video.status\",\"video_id\":\"v1\",\"status\":\"DONE\"}");
        assertThat(status(answer)).isEqualTo(400);
        JsonNode problem = json.readTree(answer.getMessage().getBody(String.class));
        assertThat(problem.path("field").asText()).isEqualTo("status");
        assertThat(problem.path("message").asText()).contains("enum");

        Exchange notJson = broadcast(SECRET, "{not json");
        assertThat(status(notJson)).isEqualTo(400);
        assertThat(json.readTree(notJson.getMessage().getBody(String.class)).path("field").asText()).isEqualTo("body");

        Exchange tooBig = broadcast(SECRET, "{\"type\":\"error\",\"message\":\"" + "x".repeat(70_000) + "\"}");
        assertThat(status(tooBig)).isEqualTo(413);
        verify(log, never()).append(anyString());
    }

    @Test
    void aBroadcastWithoutTheSecretIs401() {
        assertThat(status(broadcast(null, "{\"type\":\"error\"}"))).isEqualTo(401);
        assertThat(status(broadcast("guess", "{\"type\":\"error\"}"))).isEqualTo(401);
        verify(log, never()).append(anyString());
    }

    @Test
    void aBroadcastRedisDoesNotTakeIs503WithRetryAfter() throws Exception {
        for (RuntimeException down : new RuntimeException[] {new RedisConnectionFailureException("Unable to connect to Redis"),
                new QueryTimeoutException("Redis command timed out"), new RedisException("Connection closed")}) {
            doThrow(down).when(log).append(anyString());
            Exchange answer = broadcast(SECRET, "{\"type\":\"error\",\"message\":\"dead-lettered\"}");
            assertThat(status(answer)).as(down.toString()).isEqualTo(503);
            assertThat(answer.getMessage().getHeader("Retry-After")).hasToString("5");
            assertThat(json.readTree(answer.getMessage().getBody(String.class)).path("error").asText()).isEqualTo("stream_unavailable");
        }
    }

    @Test
    void theReaderStreamsWhatItReadsAndResumesFromTheLastIdAfterARedisError() throws Exception {
        when(log.state()).thenReturn(StreamState.EMPTY);
        when(log.read(any(), anyInt(), anyLong()))
                .thenReturn(List.of(new LiveEventEntry(StreamId.of("1767225600001-0"), "{\"type\":\"summary.ready\",\"video_id\":\"v1\"}"),
                        new LiveEventEntry(StreamId.of("1767225600001-1"), "not an event")))
                .thenThrow(new RedisConnectionFailureException("Unable to connect to Redis"))
                .thenReturn(List.of(new LiveEventEntry(StreamId.of("1767225600002-0"), "{\"type\":\"error\"}")));

        Exchange first = template.send("direct:liveEventReadTest", e -> { });
        assertThat(first.getException()).isNull();
        assertThat(stream.lastEventId()).as("the unreadable entry is skipped").isEqualTo("1767225600001-0");

        long started = System.nanoTime();
        Exchange failed = template.send("direct:liveEventReadTest", e -> { });
        assertThat(failed.getException()).isNull();
        assertThat(failed.getMessage().getHeader("liveEventRetryMs")).isEqualTo(LiveEventReader.FIRST_RETRY_MS);
        assertThat(System.nanoTime() - started).as("backed off").isGreaterThanOrEqualTo(LiveEventReader.FIRST_RETRY_MS * 1_000_000);
        assertThat(reader.resumeId()).isEqualTo("1767225600001-1");

        template.send("direct:liveEventReadTest", e -> { });
        assertThat(stream.lastEventId()).isEqualTo("1767225600002-0");
        verify(log, times(2)).read(eq(StreamId.of("1767225600001-1")), anyInt(), anyLong());
    }

    @Test
    void healthAnswersTheSeedsJson() throws Exception {
        Exchange answer = template.send("direct:liveEventsHealthTest", e -> { });
        JsonNode health = json.readTree(answer.getMessage().getBody(String.class));
        assertThat(health.path("status").asText()).isEqualTo("healthy");
        assertThat(health.path("service").asText()).isEqualTo("sse_events");
        assertThat(health.path("connected_clients").isInt()).isTrue();
    }

    @Test
    void theHeartbeatAndProbeRoutesCallTheStream() {
        Exchange beat = template.send("direct:liveEventHeartbeatTest", e -> { });
        assertThat(beat.getException()).isNull();
        assertThat(beat.getMessage().getBody()).isEqualTo(stream.connectedClients());
        Exchange probe = template.send("direct:liveEventProbeTest", e -> { });
        assertThat(probe.getException()).isNull();
        assertThat(probe.getMessage().getBody()).isEqualTo(stream.connectedClients());
    }
}
