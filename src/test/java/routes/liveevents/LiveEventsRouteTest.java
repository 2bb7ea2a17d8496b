package routes.liveevents;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import routes.HubApplication;
import routes.shared.LiveEvent;

/** The live-events routes with the exchange mocked: publishing, the broadcast endpoint's answers, receiving, heartbeat. */
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

    MockEndpoint exchangeMock;

    @BeforeEach
    void adviseAndStart() throws Exception {
        // advised once per (cached) context: after that the routes are running
        if (!camelContext.isStarted()) {
            AdviceWith.adviceWith(camelContext, "liveEventFanout",
                    a -> a.weaveById("liveEventPublishToExchange").replace().to("mock:liveEventsExchange"));
            AdviceWith.adviceWith(camelContext, "liveEventReceive", a -> a.replaceFromWith("direct:liveEventReceiveTest"));
            AdviceWith.adviceWith(camelContext, "liveEventHeartbeat", a -> a.replaceFromWith("direct:liveEventHeartbeatTest"));
            AdviceWith.adviceWith(camelContext, "liveEventProbe", a -> a.replaceFromWith("direct:liveEventProbeTest"));
            // REST routes: Camel inlines the direct: route into the REST route (camel.rest.inline-routes), which keeps
            // the direct route's id; the test calls it through a direct endpoint instead of HTTP
            AdviceWith.adviceWith(camelContext, "liveEventsHealth", a -> a.replaceFromWith("direct:liveEventsHealthTest"));
            AdviceWith.adviceWith(camelContext, "liveEventBroadcast", a -> a.replaceFromWith("direct:liveEventBroadcastTest"));
            if (!camelContext.isStarted()) {
                camelContext.start();
            }
            for (String route : new String[] {"liveEventPublish", "liveEventFanout", "liveEventReceive", "liveEventHeartbeat",
                    "liveEventProbe", "liveEventsHealth", "liveEventBroadcast"}) {
                camelContext.getRouteController().startRoute(route);
            }
        }
        exchangeMock = camelContext.getEndpoint("mock:liveEventsExchange", MockEndpoint.class);
        exchangeMock.reset();
        exchangeMock.whenAnyExchangeReceived(e -> { });
    }

    @Test
    void theOpenApiRouteHasAName() {
        assertThat(camelContext.getRoute("openapi")).as("the api-context route, named in Hawtio").isNotNull();
        assertThat(camelContext.getRoutes()).noneSatisfy(route -> assertThat(route.getRouteId()).matches("route\\d+"));
    }

    @Test
    void aFlowsEventGoesToTheFanoutExchangeAsJson() throws Exception {
        exchangeMock.expectedMessageCount(1);
        template.send("direct:live-event", e -> {
            e.setProperty("liveEvent", LiveEvent.videoStatus("v1", "PROCESSING", 45, "Transcribing audio..."));
            e.getMessage().setHeader("SomeFlowHeader", "must not leak");
        });
        exchangeMock.assertIsSatisfied();
        Exchange sent = exchangeMock.getReceivedExchanges().get(0);
        JsonNode body = json.readTree(sent.getMessage().getBody(String.class));
        assertThat(body.path("type").asText()).isEqualTo("video.status");
        assertThat(body.path("video_id").asText()).isEqualTo("v1");
        assertThat(body.path("status").asText()).isEqualTo("PROCESSING");
        assertThat(body.path("progress").asInt()).isEqualTo(45);
        assertThat(body.has("data")).isFalse();
        assertThat(sent.getMessage().getHeader("CamelSpringRabbitmqContentType")).isEqualTo("application/json");
        assertThat(sent.getMessage().getHeaders()).doesNotContainKey("SomeFlowHeader");
    }

    @Test
    void aFailedPublishNeverFailsTheFlow() {
        exchangeMock.whenAnyExchangeReceived(e -> {
            throw new AmqpConnectException(new ConnectException("broker down"));
        });
        Exchange result = template.send("direct:live-event", e -> e.setProperty("liveEvent", LiveEvent.summaryReady("v1", Map.of())));
        assertThat(result.getException()).isNull();
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
    void aValidBroadcastIsPublishedAnd202() throws Exception {
        exchangeMock.expectedMessageCount(1);
        Exchange answer = broadcast(SECRET, "{\"type\":\"video.status\",\"video_id\":\"v1\",\"status\":\"PROCESSED\",\"progress\":100,"
                + "\"data\":{\"duration\":3600}}");
        assertThat(status(answer)).isEqualTo(202);
        assertThat(json.readTree(answer.getMessage().getBody(String.class)).path("type").asText()).isEqualTo("video.status");
        assertThat(answer.getMessage().getHeaders()).doesNotContainKey("X-Internal-Secret");
        exchangeMock.assertIsSatisfied();
        JsonNode published = json.readTree(exchangeMock.getReceivedExchanges().get(0).getMessage().getBody(String.class));
        assertThat(published.path("status").asText()).isEqualTo("PROCESSED");
        assertThat(published.path("data").path("duration").asInt()).isEqualTo(3600);
        assertThat(published.path("timestamp").asText()).isNotBlank();
    }

    @Test
    void aBadBroadcastIs400NamingTheFieldAndIsNotPublished() throws Exception {
        exchangeMock.expectedMessageCount(0);
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
        exchangeMock.assertIsSatisfied();
    }

    @Test
    void aBroadcastWithoutTheSecretIs401() {
        exchangeMock.expectedMessageCount(0);
        assertThat(status(broadcast(null, "{\"type\":\"error\"}"))).isEqualTo(401);
        assertThat(status(broadcast("guess", "{\"type\":\"error\"}"))).isEqualTo(401);
    }

    @Test
    void aBroadcastTheExchangeRefusesIs503WithRetryAfter() throws Exception {
        exchangeMock.whenAnyExchangeReceived(e -> {
            throw new AmqpConnectException(new ConnectException("broker down"));
        });
        Exchange answer = broadcast(SECRET, "{\"type\":\"error\",\"message\":\"dead-lettered\"}");
        assertThat(status(answer)).isEqualTo(503);
        assertThat(answer.getMessage().getHeader("Retry-After")).hasToString("5");
        assertThat(json.readTree(answer.getMessage().getBody(String.class)).path("error").asText()).isEqualTo("exchange_unavailable");
    }

    @Test
    void receivedEventsAreNumberedAndUnreadableOnesSkipped() {
        long before = stream.lastEventId();
        template.sendBody("direct:liveEventReceiveTest", "{\"type\":\"summary.ready\",\"video_id\":\"v1\"}".getBytes());
        assertThat(stream.lastEventId()).isEqualTo(before + 1);

        Exchange skipped = template.send("direct:liveEventReceiveTest", e -> e.getMessage().setBody("not an event"));
        assertThat(skipped.getException()).isNull();
        assertThat(stream.lastEventId()).isEqualTo(before + 1);
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
