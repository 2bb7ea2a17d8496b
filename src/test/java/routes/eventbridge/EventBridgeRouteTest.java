package routes.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import routes.HubApplication;

/**
 * The event bridge's routes with their outside world mocked: Redis writes, the Python service, RabbitMQ
 * (parking and dead-letter publishes, the queue count) are replaced; nothing leaves the JVM.
 */
@CamelSpringBootTest
// batches of 2 so that a short outbox message is cut into several
@SpringBootTest(classes = HubApplication.class, properties = "hub.event-bridge.python.batch-size=2")
@ActiveProfiles("unit")
// an advised CamelContext is this class's alone: never hand it to the next test class
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
@UseAdviceWith
class EventBridgeRouteTest {

    private static final String FAKE_STATUS = "fakePythonStatus";

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    ObjectMapper json;

    @Autowired
    PythonBridge bridge;

    /** The parking queue's message count is asked of RabbitMQ: here it answers "no such queue" (0). */
    @MockitoBean
    AmqpAdmin amqpAdmin;

    private static boolean advised;

    @BeforeEach
    void adviseOnce() throws Exception {
        if (!advised) {
            // the REST DSL inlines these routes under their HTTP endpoints: call them directly here
            AdviceWith.adviceWith(camel, "eventBridgeIngest", a -> a.replaceFromWith("direct:event-bridge-ingest"));
            AdviceWith.adviceWith(camel, "eventBridgePythonCommand", a -> a.replaceFromWith("direct:event-bridge-python-command"));
            AdviceWith.adviceWith(camel, "eventBridgePythonQuery", a -> a.replaceFromWith("direct:event-bridge-python-query"));
            AdviceWith.adviceWith(camel, "eventBridgeSinkStorage",
                    a -> a.weaveById("eventBridgeStore").replace().to("mock:storage")
                            .throwException(new IllegalStateException("Redis is on fire")));
            AdviceWith.adviceWith(camel, "eventBridgeSinkAggregations",
                    a -> a.weaveById("eventBridgeCount").replace().to("mock:aggregations"));
            AdviceWith.adviceWith(camel, "eventBridgeSinkFeatures",
                    a -> a.weaveById("eventBridgeFeatures").replace().to("mock:features"));
            AdviceWith.adviceWith(camel, "eventBridgeProcess",
                    a -> a.weaveById("eventBridgePythonEnqueue").replace().to("mock:outbox"));
            AdviceWith.adviceWith(camel, "eventBridgePythonOutbox", a -> a.replaceFromWith("direct:outbox"));
            AdviceWith.adviceWith(camel, "eventBridgePythonDeliver",
                    a -> a.weaveById("eventBridgePythonPost").replace().to("mock:pythonPost").process(e -> {
                        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, e.getProperty(FAKE_STATUS, Integer.class));
                        e.getMessage().setBody("{\"detail\": \"python says " + e.getProperty(FAKE_STATUS) + "\"}");
                    }));
            AdviceWith.adviceWith(camel, "eventBridgePythonPark",
                    a -> a.weaveById("eventBridgeParkPublish").replace().to("mock:parked"));
            AdviceWith.adviceWith(camel, "eventBridgePythonDeadLetter", a -> {
                a.weaveById("eventBridgeDeadLetterPublish").replace().to("mock:deadLetter");
                a.mockEndpointsAndSkip("direct:live-event");
            });
            AdviceWith.adviceWith(camel, PythonBridge.REPLAY_ROUTE_ID, a -> {
                a.replaceFromWith("direct:replay");
                a.mockEndpointsAndSkip("controlbus:*");
            });
            camel.start();
            for (String route : List.of("eventBridgeIngest", "eventBridgeProcess", "eventBridgeFanOut", "eventBridgeHttpAnswer",
                    "eventBridgeSinkStorage", "eventBridgeSinkAggregations", "eventBridgeSinkFeatures", "eventBridgePythonOutbox",
                    "eventBridgePythonBatch", "eventBridgePythonDeliver", "eventBridgePythonPark", "eventBridgePythonDeadLetter",
                    "eventBridgePythonQuery", "eventBridgePythonCommand", PythonBridge.REPLAY_ROUTE_ID)) {
                camel.getRouteController().startRoute(route);
            }
            advised = true;
        }
        MockEndpoint.resetMocks(camel);
        breaker().transitionToCloseState();
        bridge.replayDrained();
    }

    private ResilienceProcessor breaker() {
        return camel.getProcessor(PythonBridge.BREAKER_ID, ResilienceProcessor.class);
    }

    @Test
    void everyAcceptedEventReachesEverySinkEvenWhenOneSinkFails() throws Exception {
        MockEndpoint aggregations = camel.getEndpoint("mock:aggregations", MockEndpoint.class);
        MockEndpoint features = camel.getEndpoint("mock:features", MockEndpoint.class);
        MockEndpoint outbox = camel.getEndpoint("mock:outbox", MockEndpoint.class);
        aggregations.expectedMessageCount(2);
        features.expectedMessageCount(2);
        outbox.expectedMessageCount(1);
        // the outbox publish comes before the Redis fan-out
        java.util.concurrent.atomic.AtomicInteger redisWritesBeforeOutbox = new java.util.concurrent.atomic.AtomicInteger(-1);
        outbox.whenAnyExchangeReceived(e -> redisWritesBeforeOutbox.set(
                aggregations.getReceivedCounter() + features.getReceivedCounter()
                        + camel.getEndpoint("mock:storage", MockEndpoint.class).getReceivedCounter()));

        Exchange answer = producer.request("direct:event-bridge-ingest", e -> e.getMessage().setBody("""
                {"source": "driver_app", "events": [
                  {"event_type": "ride_request_response", "user_id": "driver_1", "response": "accepted"},
                  {"user_id": "driver_1"},
                  {"event_type": "ride_request_response", "user_id": "driver_2", "response": "rejected"}]}"""));

        assertThat(answer.getException()).isNull();
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(202);
        JsonNode body = json.readTree(answer.getMessage().getBody(String.class));
        assertThat(body.path("accepted").asInt()).isEqualTo(2);
        assertThat(body.path("rejected").asInt()).isEqualTo(1);
        assertThat(body.path("rejected_events").get(0).path("index").asInt()).isEqualTo(1);
        assertThat(body.path("rejected_events").get(0).path("reason").asText()).isEqualTo("event_type is required");

        MockEndpoint.assertIsSatisfied(camel);
        assertThat(aggregations.getExchanges()).extracting(e -> e.getMessage().getBody(BridgeEvent.class).index())
                .containsExactlyInAnyOrder(0, 2);
        // the Python leg: ONE outbox message for the request, the accepted events in their order, persistent,
        // published before anything was written to Redis
        Exchange published = outbox.getExchanges().get(0);
        JsonNode events = json.readTree(published.getMessage().getBody(String.class));
        assertThat(events.isArray()).isTrue();
        assertThat(events).extracting(e -> e.path("user_id").asText()).containsExactly("driver_1", "driver_2");
        assertThat(events).extracting(e -> e.path("data").path("response").asText()).containsExactly("accepted", "rejected");
        assertThat(published.getMessage().getHeader("CamelSpringRabbitmqDeliveryMode"))
                .isEqualTo(org.springframework.amqp.core.MessageDeliveryMode.PERSISTENT);
        assertThat(published.getMessage().getHeader("CamelSpringRabbitmqContentType")).isEqualTo("application/json");
        assertThat(redisWritesBeforeOutbox.get()).as("Redis writes before the outbox publish").isZero();
    }

    @Test
    void aRequestWithNoAcceptedEventPublishesNothingToTheOutbox() throws Exception {
        Exchange answer = producer.request("direct:event-bridge-ingest",
                e -> e.getMessage().setBody("{\"events\": [{\"user_id\": \"driver_1\"}]}"));

        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(202);
        assertThat(camel.getEndpoint("mock:outbox", MockEndpoint.class).getReceivedCounter()).isZero();
    }

    @Test
    void anOutboxPublishThatFailsAnswers503AndWritesNothingToRedis() throws Exception {
        MockEndpoint outbox = camel.getEndpoint("mock:outbox", MockEndpoint.class);
        outbox.whenAnyExchangeReceived(e -> {
            throw new org.springframework.amqp.AmqpException("event x not confirmed by the broker within 5000 ms");
        });

        Exchange answer = producer.request("direct:event-bridge-ingest", e -> e.getMessage().setBody("""
                {"source": "driver_app", "events": [
                  {"event_type": "ride_request_response", "user_id": "driver_1", "response": "accepted"},
                  {"event_type": "ride_request_response", "user_id": "driver_2", "response": "rejected"}]}"""));

        assertThat(outbox.getReceivedCounter()).isEqualTo(1);
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(503);
        assertThat(answer.getMessage().getHeader("Retry-After", Integer.class)).isEqualTo(5);
        JsonNode body = json.readTree(answer.getMessage().getBody(String.class));
        assertThat(body.path("error").asText()).isEqualTo("broker_unavailable");
        assertThat(body.has("accepted")).as("no 202 answer: " + body).isFalse();
        assertThat(camel.getEndpoint("mock:aggregations", MockEndpoint.class).getReceivedCounter()).as("counters written").isZero();
        assertThat(camel.getEndpoint("mock:features", MockEndpoint.class).getReceivedCounter()).as("features written").isZero();
        assertThat(camel.getEndpoint("mock:storage", MockEndpoint.class).getReceivedCounter()).as("stream written").isZero();
    }

    @Test
    void aRetryUnderTheClientsIdempotencyKeyIsTheSameOutboxMessageAndOneWithoutIsANewOne() throws Exception {
        MockEndpoint outbox = camel.getEndpoint("mock:outbox", MockEndpoint.class);
        String body = """
                {"source": "driver_app", "events": [
                  {"event_type": "ride_request_response", "user_id": "driver_1", "response": "accepted"}]}""";
        java.util.function.Function<String, Exchange> ingest = key -> producer.request("direct:event-bridge-ingest", e -> {
            e.getMessage().setBody(body);
            if (key != null) {
                e.getMessage().setHeader("Idempotency-Key", key);
            }
        });

        // the first attempt's answer was lost (a 503 whose publish the broker took after all, a dropped 202): the
        // client sends the request again under its key
        Exchange first = ingest.apply("order-42-attempt");
        Exchange retry = ingest.apply("order-42-attempt");
        Exchange other = ingest.apply("order-43-attempt");
        Exchange keyless = ingest.apply(null);
        Exchange keylessAgain = ingest.apply(null);

        for (Exchange answer : List.of(first, retry, other, keyless, keylessAgain)) {
            assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(202);
        }
        List<String> ids = outbox.getExchanges().stream()
                .map(e -> e.getMessage().getHeader("CamelSpringRabbitmqMessageId", String.class)).toList();
        assertThat(ids).hasSize(5).doesNotContainNull();
        assertThat(ids.get(1)).as("the retry: the same message to Python").isEqualTo(ids.get(0));
        assertThat(ids.get(2)).as("another key").isNotEqualTo(ids.get(0));
        assertThat(ids.get(3)).as("no key: a new message").isNotEqualTo(ids.get(4)).isNotIn(ids.get(0), ids.get(2));

        Exchange wrong = ingest.apply("key with spaces");
        assertThat(wrong.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(400);
        assertThat(json.readTree(wrong.getMessage().getBody(String.class)).path("error").asText()).isEqualTo("invalid_idempotency_key");
        assertThat(outbox.getReceivedCounter()).as("nothing published for the refused key").isEqualTo(5);
    }

    @Test
    void anOutboxMessageGoesToPythonInBatchesOfBatchSizeInOrder() throws Exception {
        MockEndpoint posts = camel.getEndpoint("mock:pythonPost", MockEndpoint.class);
        posts.expectedMessageCount(3);

        Exchange result = producer.request("direct:outbox", e -> {
            e.setProperty(FAKE_STATUS, 200);
            e.getMessage().setHeader("CamelSpringRabbitmqMessageId", "outbox-message-7");
            e.getMessage().setBody(outboxMessage("u-a", "u-b", "u-c", "u-d", "u-e"));
        });

        assertThat(result.getException()).isNull();
        posts.assertIsSatisfied();
        // each batch's key: the outbox message's id and the batch's index, the same on every redelivery
        assertThat(posts.getExchanges()).extracting(post -> post.getMessage().getHeader("Idempotency-Key", String.class))
                .containsExactly("outbox-message-7-0", "outbox-message-7-1", "outbox-message-7-2");
        List<List<String>> batches = new java.util.ArrayList<>();
        for (Exchange post : posts.getExchanges()) {
            List<String> users = new java.util.ArrayList<>();
            json.readTree(post.getMessage().getBody(String.class)).forEach(event -> users.add(event.path("user_id").asText()));
            batches.add(users);
        }
        assertThat(batches).containsExactly(List.of("u-a", "u-b"), List.of("u-c", "u-d"), List.of("u-e"));
        assertThat(camel.getEndpoint("mock:parked", MockEndpoint.class).getReceivedCounter()).isZero();
    }

    @Test
    void aBatchThatCanBeNeitherDeliveredNorParkedFailsTheOutboxMessageAndStopsTheLaterBatches() throws Exception {
        MockEndpoint parked = camel.getEndpoint("mock:parked", MockEndpoint.class);
        parked.whenAnyExchangeReceived(e -> {
            throw new org.springframework.amqp.AmqpConnectException(new java.net.ConnectException("RabbitMQ is down too"));
        });
        long failuresBefore = total("park_failures");

        Exchange result = producer.request("direct:outbox", e -> {
            e.setProperty(FAKE_STATUS, 503);
            e.getMessage().setBody(outboxMessage("u-a", "u-b", "u-c", "u-d", "u-e"));
        });

        // the exception makes the listener container put the outbox message back in the queue: nothing is lost
        assertThat(result.getException()).as("the outbox exchange fails").isNotNull();
        assertThat(result.getException()).hasMessageContaining("Could not park a batch");
        assertThat(total("park_failures")).isGreaterThan(failuresBefore);
        // only the first batch was tried (Python, then the park): the later ones did not overtake it
        assertThat(parked.getReceivedCounter()).isEqualTo(1);
        assertThat(parked.getExchanges().get(0).getMessage().getBody(String.class)).contains("u-a").doesNotContain("u-c");
        assertThat(camel.getEndpoint("mock:pythonPost", MockEndpoint.class).getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void aBatchPythonCannotTakeIsParkedAndLaterBatchesQueueBehindIt() throws Exception {
        MockEndpoint parked = camel.getEndpoint("mock:parked", MockEndpoint.class);
        parked.expectedMessageCount(2);

        Exchange first = sendBatch(503);
        assertThat(first.getProperty(FanOut.PYTHON_OUTCOME)).isEqualTo(FanOut.PARKED);
        assertThat(bridge.backlog()).isTrue();
        // Python is fine again, but the second batch must not overtake the parked one
        Exchange second = sendBatch(200);
        assertThat(second.getProperty(FanOut.PYTHON_OUTCOME)).isEqualTo(FanOut.PARKED);

        parked.assertIsSatisfied();
        assertThat(parked.getExchanges().get(0).getMessage().getBody(String.class)).contains("\"user_id\":\"u-503\"");
        assertThat(parked.getExchanges().get(1).getMessage().getBody(String.class)).contains("\"user_id\":\"u-200\"");
        assertThat(parked.getExchanges().get(0).getMessage().getHeader("x-parked-reason", String.class))
                .startsWith("Python unavailable");
        assertThat(parked.getExchanges()).as("a parked batch keeps its Idempotency-Key for the replay")
                .extracting(e -> e.getMessage().getHeader("x-idempotency-key", String.class))
                .containsExactly("batch-503", "batch-200");

        // the replay emptied the queue: batches go straight to Python again
        assertThat(bridge.replayDrained()).isTrue();
        assertThat(sendBatch(200).getProperty(FanOut.PYTHON_OUTCOME)).isEqualTo(FanOut.DELIVERED);
    }

    @Test
    void aBatchPythonRefusesIsDeadLetteredWithTheReason() throws Exception {
        MockEndpoint deadLetter = camel.getEndpoint("mock:deadLetter", MockEndpoint.class);
        deadLetter.expectedMessageCount(1);
        deadLetter.expectedHeaderReceived("x-python-status", 422);

        Exchange result = sendBatch(422);

        assertThat(result.getProperty(FanOut.PYTHON_OUTCOME)).isEqualTo(FanOut.REJECTED);
        deadLetter.assertIsSatisfied();
        assertThat(deadLetter.getExchanges().get(0).getMessage().getHeader("x-dead-letter-reason", String.class))
                .contains("HTTP 422").contains("python says 422");
        assertThat(deadLetter.getExchanges().get(0).getMessage().getBody(String.class)).contains("u-422");
        assertThat(bridge.backlog()).as("a refused batch is not a reason to park the next").isFalse();
    }

    @Test
    void theBreakerOpensOnServerErrorsAndShortCircuits() throws Exception {
        for (int i = 0; i < 5; i++) {
            Exchange result = deliver(500);
            assertThat(result.getProperty(FanOut.PYTHON_OUTCOME)).isEqualTo(FanOut.UNAVAILABLE);
            assertThat(result.getMessage().getBody(String.class)).as("the batch comes back unchanged").contains("u-500");
        }
        assertThat(bridge.breakerState()).isEqualTo("OPEN");
        Exchange shortCircuited = deliver(200);
        assertThat(shortCircuited.getProperty(FanOut.PYTHON_OUTCOME)).isEqualTo(FanOut.UNAVAILABLE);
        assertThat(shortCircuited.getProperty("CamelCircuitBreakerResponseShortCircuited", Boolean.class)).isTrue();
        assertThat(bridge.report()).extractingByKey("circuit_breaker").asString().contains("state=OPEN");

        // a passed health check half-opens it; successful calls close it
        bridge.halfOpenBreaker();
        assertThat(bridge.breakerState()).isEqualTo("HALF_OPEN");
        for (int i = 0; i < 3; i++) {
            assertThat(deliver(200).getProperty(FanOut.PYTHON_OUTCOME)).isEqualTo(FanOut.DELIVERED);
        }
        assertThat(bridge.breakerState()).isEqualTo("CLOSED");
        // a failed health check opens it at once
        bridge.openBreaker();
        assertThat(bridge.breakerOpen()).isTrue();
    }

    @Test
    void aReplayThatFailsStopsAndHandsTheBatchBackAndOneThatDrainsTheQueueStopsToo() throws Exception {
        MockEndpoint controlBus = camel.getEndpoint("mock:controlbus:route", MockEndpoint.class);
        controlBus.expectedMessageCount(1);

        Exchange failed = producer.request("direct:replay", e -> {
            e.setProperty(FAKE_STATUS, 503);
            e.getMessage().setBody("[{\"event_type\":\"a\",\"user_id\":\"u-replay\"}]");
        });

        // the exception makes the listener container put the message back at the head of the queue
        assertThat(failed.getException()).hasMessageContaining("goes back to the head of");
        controlBus.assertIsSatisfied();

        MockEndpoint.resetMocks(camel);
        controlBus.expectedMessageCount(1);
        bridge.parkStarted();
        bridge.parkFinished();
        Exchange delivered = producer.request("direct:replay", e -> {
            e.setProperty(FAKE_STATUS, 200);
            e.getMessage().setHeader("x-idempotency-key", "outbox-message-9-2");
            e.getMessage().setBody("[{\"event_type\":\"a\",\"user_id\":\"u-replay\"}]");
        });
        assertThat(delivered.getException()).isNull();
        assertThat(camel.getEndpoint("mock:pythonPost", MockEndpoint.class).getExchanges())
                .as("the replay sends a parked batch under the key it was first tried with")
                .extracting(e -> e.getMessage().getHeader("Idempotency-Key", String.class)).containsExactly("outbox-message-9-2");
        controlBus.assertIsSatisfied();
        assertThat(bridge.backlog()).as("queue empty after the replay: batches go straight to Python again").isFalse();
    }

    @Test
    void unknownActionsAre400() throws Exception {
        Exchange query = producer.request("direct:event-bridge-python-query", e -> e.getMessage().setHeader("action", "explode"));
        assertThat(query.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(400);
        assertThat(query.getMessage().getBody(String.class)).contains("\"field\":\"action\"").contains("explode");

        Exchange command = producer.request("direct:event-bridge-python-command",
                e -> e.getMessage().setBody("{\"action\": \"launch\"}"));
        assertThat(command.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(400);
        assertThat(command.getMessage().getBody(String.class)).contains("launch");

        Exchange features = producer.request("direct:event-bridge-python-query", e -> e.getMessage().setHeader("action", "features"));
        assertThat(features.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(400);
        assertThat(features.getMessage().getBody(String.class)).contains("user_id");
    }

    @Test
    void tooBigABatchIs413() throws Exception {
        StringBuilder events = new StringBuilder();
        for (int i = 0; i <= 500; i++) {
            events.append(i == 0 ? "" : ",").append("{\"event_type\": \"a\", \"user_id\": \"u\"}");
        }
        Exchange answer = producer.request("direct:event-bridge-ingest",
                e -> e.getMessage().setBody("{\"events\": [" + events + "]}"));
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(413);
        assertThat(answer.getMessage().getBody(String.class)).contains("batch_too_large").contains("at most 500");
    }

    private String outboxMessage(String... users) throws Exception {
        List<Map<String, Object>> events = new java.util.ArrayList<>();
        for (String user : users) {
            events.add(Map.of("event_type", "a", "user_id", user));
        }
        return json.writeValueAsString(events);
    }

    private long total(String name) {
        @SuppressWarnings("unchecked")
        Map<String, Object> totals = (Map<String, Object>) bridge.report().get("totals");
        return ((Number) totals.get(name)).longValue();
    }

    private Exchange sendBatch(int pythonStatus) {
        return producer.request("direct:event-bridge-python-batch", e -> {
            e.setProperty(FAKE_STATUS, pythonStatus);
            e.setProperty("pythonBatchKey", "batch-" + pythonStatus);
            e.getMessage().setBody(List.of(Map.of("event_type", "a", "user_id", "u-" + pythonStatus)));
        });
    }

    private Exchange deliver(int pythonStatus) {
        return producer.request("direct:event-bridge-python-deliver", e -> {
            e.setProperty(FAKE_STATUS, pythonStatus);
            e.getMessage().setBody("[{\"event_type\":\"a\",\"user_id\":\"u-" + pythonStatus + "\"}]");
        });
    }
}
