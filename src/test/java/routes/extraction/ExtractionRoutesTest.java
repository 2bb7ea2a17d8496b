package routes.extraction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.model.IdempotentConsumerDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import routes.HubApplication;
import routes.shared.LiveEvent;

/**
 * The extraction routes with mocks in place of RabbitMQ, PostgreSQL and the webhook: every status code of the
 * callback, the secret guard through the route, and the consumer's dedup, retry and dead-letter decisions.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, properties = {
        "hub.extraction.callback.trust-forwarded-for=true",
        "hub.extraction.callback.rate-limit-per-second=1",
        "hub.extraction.callback.rate-limit-burst=5",
        "hub.extraction.webhook.redelivery-delay-ms=10",
        "hub.extraction.webhook.max-redelivery-delay-ms=20",
        "hub.security.extraction-webhook-secret=" + ExtractionRoutesTest.WEBHOOK_SECRET})
@ActiveProfiles("unit")
// an advised CamelContext is this class's alone: never hand it to the next test class
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
@UseAdviceWith
class ExtractionRoutesTest {

    private static final String SECRET = "unit-secret";
    private static final String PREVIOUS_SECRET = "unit-secret-previous";
    static final String WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate template;

    @Autowired
    ObjectMapper json;

    MockEndpoint broker;
    MockEndpoint webhook;
    MockEndpoint deadLetters;
    MockEndpoint liveEvents;
    MockEndpoint liveErrors;

    // shared by the test methods as the (cached) Camel context is
    private static final MemoryIdempotentRepository EVENT_IDS = new MemoryIdempotentRepository();
    private static final MemoryIdempotentRepository CONTENT_IDS = new MemoryIdempotentRepository();
    private ListAppender<ILoggingEvent> audit;

    @BeforeEach
    void adviseAndStart() throws Exception {
        if (!camel.isStarted()) {
            // the callback's netty-http consumer gives way to a direct endpoint: no listener in a unit test
            AdviceWith.adviceWith(camel, "extractionCallback", a -> {
                a.replaceFromWith("direct:extraction-callback");
                a.weaveById("extractionCallbackPublish").replace().to("mock:broker");
            });
            AdviceWith.adviceWith(camel, "extractionCompletedConsumer", a -> {
                a.replaceFromWith("direct:extraction-in");
                // the PostgreSQL repositories give way to in-memory ones: no database in a unit test
                for (IdempotentConsumerDefinition dedup : ProcessorDefinitionHelper.filterTypeInOutputs(
                        a.getOriginalRoute().getOutputs(), IdempotentConsumerDefinition.class)) {
                    dedup.idempotentRepository("extractionDedupEvent".equals(dedup.getId()) ? EVENT_IDS : CONTENT_IDS);
                }
                a.weaveById("extractionLiveEventTap").replace().to("mock:live");
            });
            AdviceWith.adviceWith(camel, "extractionWebhook",
                    a -> a.weaveById("extractionWebhookCall").replace().to("mock:webhook"));
            AdviceWith.adviceWith(camel, "extractionDeadLetter", a -> {
                a.weaveById("extractionDeadLetterPublish").replace().to("mock:dlq");
                a.weaveById("extractionDeadLetterLiveEventTap").replace().to("mock:live-error");
            });
            camel.start();
            for (String route : List.of("extractionCallback", "extractionCompletedConsumer", "extractionWebhook", "extractionDeadLetter")) {
                camel.getRouteController().startRoute(route);
            }
        }
        EVENT_IDS.clear();
        CONTENT_IDS.clear();
        broker = camel.getEndpoint("mock:broker", MockEndpoint.class);
        webhook = camel.getEndpoint("mock:webhook", MockEndpoint.class);
        deadLetters = camel.getEndpoint("mock:dlq", MockEndpoint.class);
        liveEvents = camel.getEndpoint("mock:live", MockEndpoint.class);
        liveErrors = camel.getEndpoint("mock:live-error", MockEndpoint.class);
        MockEndpoint.resetMocks(camel);
        audit = new ListAppender<>();
        audit.start();
        ((Logger) LoggerFactory.getLogger("routes.extraction.audit")).addAppender(audit);
    }

    @AfterEach
    void detachAudit() {
        ((Logger) LoggerFactory.getLogger("routes.extraction.audit")).detachAppender(audit);
    }

    // ---------------------------------------------------------------- callback: secret guard

    @Test
    void theCurrentSecretIsAcceptedAndTheEventPublishedWithItsProperties() throws Exception {
        broker.expectedMessageCount(1);
        Exchange answer = callback(SECRET, "application/json", "{\"contentId\": \"content-1\"}");

        assertThat(status(answer)).isEqualTo(200);
        JsonNode body = json.readTree(answer.getMessage().getBody(String.class));
        assertThat(body.path("success").asBoolean()).isTrue();
        broker.assertIsSatisfied();

        Exchange published = broker.getReceivedExchanges().get(0);
        // fire-and-confirm, not request-reply over RabbitMQ
        assertThat(published.getPattern()).isEqualTo(org.apache.camel.ExchangePattern.InOnly);
        JsonNode event = json.readTree(published.getMessage().getBody(byte[].class));
        assertThat(event.path("contentId").asText()).isEqualTo("content-1");
        assertThat(event.path("eventId").asText()).isEqualTo(body.path("eventId").asText()).isNotBlank();
        assertThat(event.path("occurredAt").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
        Map<String, Object> headers = published.getMessage().getHeaders();
        assertThat(headers).containsEntry("CamelSpringRabbitmqMessageId", event.path("eventId").asText())
                .containsEntry("CamelSpringRabbitmqContentType", "application/json")
                .containsEntry("CamelSpringRabbitmqDeliveryMode", org.springframework.amqp.core.MessageDeliveryMode.PERSISTENT);
        // nothing from the HTTP request travels to AMQP headers, least of all the secret
        assertThat(headers.keySet()).allMatch(k -> k.startsWith("CamelSpringRabbitmq"));
    }

    @Test
    void thePreviousSecretIsAcceptedDuringARotation() {
        broker.expectedMessageCount(1);
        assertThat(status(callback(PREVIOUS_SECRET, "application/json", "{\"contentId\": \"content-2\"}"))).isEqualTo(200);
    }

    @Test
    void aWrongMissingOrDifferentLengthSecretGetsABare401AndPublishesNothing() throws Exception {
        for (String secret : new String[] {"unit-secreT", null, "", "unit-secret-and-more", "u"}) {
            Exchange answer = callback(secret, "application/json", "{\"contentId\": \"content-3\"}");
            assertThat(status(answer)).as("secret %s", secret).isEqualTo(401);
            assertThat(json.readTree(answer.getMessage().getBody(String.class)))
                    .isEqualTo(json.readTree("{\"error\":\"unauthorized\"}"));
        }
        assertThat(broker.getReceivedCounter()).isZero();
    }

    // ---------------------------------------------------------------- callback: validation

    @Test
    void aBodyOver16KbIs413() {
        String big = "{\"contentId\": \"c\", \"padding\": \"" + "x".repeat(16_400) + "\"}";
        assertProblem(callback(SECRET, "application/json", big), 413, "body");

        Exchange declared = template.send("direct:extraction-callback", e -> {
            e.getMessage().setHeader("X-Internal-Secret", SECRET);
            e.getMessage().setHeader("X-Forwarded-For", uniqueCaller());
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            e.getMessage().setHeader("Content-Length", "20000");
            e.getMessage().setBody("{\"contentId\": \"c\"}".getBytes(StandardCharsets.UTF_8));
        });
        assertProblem(declared, 413, "body");
        assertThat(broker.getReceivedCounter()).isZero();
    }

    @Test
    void anyMethodButPostIs405WithAllow() {
        Exchange answer = template.send("direct:extraction-callback", e -> {
            e.getMessage().setHeader("X-Internal-Secret", SECRET);
            e.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
            e.getMessage().setHeader("X-Forwarded-For", uniqueCaller());
        });
        assertThat(status(answer)).isEqualTo(405);
        assertThat(answer.getMessage().getHeader("Allow", String.class)).isEqualTo("POST");
        assertThat(answer.getMessage().getHeader("X-Internal-Secret")).isNull();
        assertThat(broker.getReceivedCounter()).isZero();
    }

    @Test
    void aBodyThatIsNotSentAsJsonIs415() {
        assertProblem(callback(SECRET, "text/plain", "{\"contentId\": \"c\"}"), 415, "Content-Type");
        assertProblem(callback(SECRET, null, "{\"contentId\": \"c\"}"), 415, "Content-Type");
        assertThat(broker.getReceivedCounter()).isZero();
    }

    @Test
    void malformedBodiesAndContentIdsAre400NamingTheField() {
        assertProblem(callback(SECRET, "application/json", "contentId=c"), 400, "body");
        assertProblem(callback(SECRET, "application/json", ""), 400, "body");
        assertProblem(callback(SECRET, "application/json", "[\"c\"]"), 400, "body");
        assertProblem(callback(SECRET, "application/json", "{}"), 400, "contentId");
        assertProblem(callback(SECRET, "application/json", "{\"contentId\": null}"), 400, "contentId");
        assertProblem(callback(SECRET, "application/json", "{\"contentId\": 42}"), 400, "contentId");
        assertProblem(callback(SECRET, "application/json", "{\"contentId\": \"\"}"), 400, "contentId");
        assertProblem(callback(SECRET, "application/json", "{\"contentId\": \"" + "a".repeat(129) + "\"}"), 400, "contentId");
        assertProblem(callback(SECRET, "application/json", "{\"contentId\": \"has space\"}"), 400, "contentId");
        assertThat(broker.getReceivedCounter()).isZero();
    }

    @Test
    void unknownFieldsAreIgnoredAndTheLongestAllowedContentIdPasses() {
        broker.expectedMessageCount(2);
        assertThat(status(callback(SECRET, "application/json; charset=utf-8",
                "{\"contentId\": \"a.b_c:d-1\", \"extra\": {\"x\": 1}}"))).isEqualTo(200);
        assertThat(status(callback(SECRET, "application/json", "{\"contentId\": \"" + "a".repeat(128) + "\"}"))).isEqualTo(200);
    }

    @Test
    void aCallerOverItsRateLimitGets429WithRetryAfter() {
        String caller = uniqueCaller();
        for (int i = 0; i < 5; i++) {
            assertThat(status(callback(SECRET, "application/json", "{\"contentId\": \"rate-" + i + "\"}", caller))).isEqualTo(200);
        }
        Exchange limited = callback(SECRET, "application/json", "{\"contentId\": \"rate-6\"}", caller);
        assertThat(status(limited)).isEqualTo(429);
        assertThat(limited.getMessage().getHeader("Retry-After", Integer.class)).isPositive();
        assertThat(broker.getReceivedCounter()).isEqualTo(5);
        // another caller is not affected
        assertThat(status(callback(SECRET, "application/json", "{\"contentId\": \"rate-other\"}"))).isEqualTo(200);
    }

    // ---------------------------------------------------------------- callback: broker

    @Test
    void brokerDownIs503WithRetryAfter() {
        broker.whenAnyExchangeReceived(e -> {
            throw new AmqpConnectException(new java.net.ConnectException("Connection refused"));
        });
        Exchange answer = callback(SECRET, "application/json", "{\"contentId\": \"content-down\"}");
        assertThat(status(answer)).isEqualTo(503);
        assertThat(answer.getMessage().getHeader("Retry-After", Integer.class)).isEqualTo(5);
        assertThat(answer.getMessage().getBody(String.class)).contains("broker_unavailable").doesNotContain("success");
    }

    @Test
    void noConfirmInTimeIs503() {
        broker.whenAnyExchangeReceived(e -> {
            throw new TimeoutException("Message not confirmed within 3000 ms");
        });
        assertThat(status(callback(SECRET, "application/json", "{\"contentId\": \"content-nack\"}"))).isEqualTo(503);
    }

    // ---------------------------------------------------------------- callback: audit

    @Test
    void everyCallLeavesOneAuditLineWithoutTheSecret() {
        String caller = uniqueCaller();
        callback(SECRET, "application/json", "{\"contentId\": \"audited-1\"}", caller);
        callback("wrong-secret-value", "application/json", "{\"contentId\": \"audited-2\"}", caller);

        assertThat(audit.list).hasSize(2);
        String accepted = audit.list.get(0).getFormattedMessage();
        assertThat(accepted).contains("caller=" + caller, "contentId=audited-1", "outcome=accepted", "status=200", "latencyMs=");
        String refused = audit.list.get(1).getFormattedMessage();
        assertThat(refused).contains("caller=" + caller, "outcome=unauthorized", "status=401");
        for (ILoggingEvent line : audit.list) {
            assertThat(line.getFormattedMessage()).doesNotContain(SECRET).doesNotContain("wrong-secret-value");
        }
    }

    // ---------------------------------------------------------------- consumer

    @Test
    void anEventIsDeliveredToTheWebhookAndTheLiveStream() throws Exception {
        webhook.expectedMessageCount(1);
        liveEvents.expectedMessageCount(1);
        String eventId = UUID.randomUUID().toString();
        deliver(event("content-a", eventId));

        webhook.assertIsSatisfied();
        Exchange call = webhook.getReceivedExchanges().get(0);
        JsonNode sent = json.readTree(call.getMessage().getBody(byte[].class));
        assertThat(sent.path("contentId").asText()).isEqualTo("content-a");
        assertThat(sent.path("eventId").asText()).isEqualTo(eventId);
        assertThat(call.getMessage().getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(call.getMessage().getHeader("Idempotency-Key")).isEqualTo(eventId);
        // the internal secret stays home; the delivery is signed the Standard Webhooks way instead
        assertThat(call.getMessage().getHeaders().keySet()).noneMatch(k -> k.equalsIgnoreCase("X-Internal-Secret"));
        assertThat(call.getMessage().getHeaders().values()).noneMatch(v -> String.valueOf(v).contains(SECRET));
        assertThat(call.getMessage().getHeader("webhook-id")).isEqualTo(eventId);
        String timestamp = call.getMessage().getHeader("webhook-timestamp", String.class);
        assertThat(Long.parseLong(timestamp)).isCloseTo(java.time.Instant.now().getEpochSecond(),
                org.assertj.core.data.Offset.offset(60L));
        assertThat(call.getMessage().getHeader("webhook-signature")).isEqualTo(WebhookSignatureTest.independentSignature(
                WEBHOOK_SECRET, eventId, Long.parseLong(timestamp), call.getMessage().getBody(byte[].class)));

        liveEvents.assertIsSatisfied();
        LiveEvent live = liveEvents.getReceivedExchanges().get(0).getProperty("liveEvent", LiveEvent.class);
        assertThat(live.type()).isEqualTo(LiveEvent.EXTRACTION_COMPLETED);
        assertThat(live.data()).containsEntry("content_id", "content-a").containsEntry("event_id", eventId)
                .containsKey("occurred_at");
        assertThat(deadLetters.getReceivedCounter()).isZero();
    }

    @Test
    void theSameEventTwiceIsDeliveredOnce() throws Exception {
        String eventId = UUID.randomUUID().toString();
        deliver(event("content-b", eventId));
        deliver(event("content-b", eventId));
        assertThat(webhook.getReceivedCounter()).isEqualTo(1);
        assertThat(liveEvents.getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void aSecondEventForTheSameContentWithinTheWindowIsSkipped() {
        deliver(event("content-c", UUID.randomUUID().toString()));
        deliver(event("content-c", UUID.randomUUID().toString()));
        deliver(event("content-d", UUID.randomUUID().toString()));
        assertThat(webhook.getReceivedCounter()).isEqualTo(2);
    }

    @Test
    void aSeedStyleEventWithOnlyAContentIdTakesItsIdFromTheMessageId() throws Exception {
        template.send("direct:extraction-in", e -> {
            e.getMessage().setHeader("CamelSpringRabbitmqMessageId", "amqp-message-1");
            e.getMessage().setBody("{\"contentId\": \"content-seed\"}".getBytes(StandardCharsets.UTF_8));
        });
        JsonNode sent = json.readTree(webhook.getReceivedExchanges().get(0).getMessage().getBody(byte[].class));
        assertThat(sent.path("eventId").asText()).isEqualTo("amqp-message-1");
        assertThat(sent.path("occurredAt").asText()).isNotBlank();
    }

    @Test
    void aWebhook500IsRetriedThenDelivered() {
        webhook.whenExchangeReceived(1, e -> {
            throw failure(500);
        });
        String eventId = UUID.randomUUID().toString();
        deliver(event("content-e", eventId));
        assertThat(webhook.getReceivedCounter()).isEqualTo(2);
        assertThat(liveEvents.getReceivedCounter()).isEqualTo(1);
        assertThat(deadLetters.getReceivedCounter()).isZero();
        // the redelivery keeps the event's webhook-id (the receiver deduplicates on it) and is signed again
        for (Exchange attempt : webhook.getReceivedExchanges()) {
            assertThat(attempt.getMessage().getHeader("webhook-id")).isEqualTo(eventId);
            long timestamp = Long.parseLong(attempt.getMessage().getHeader("webhook-timestamp", String.class));
            assertThat(attempt.getMessage().getHeader("webhook-signature")).isEqualTo(WebhookSignatureTest
                    .independentSignature(WEBHOOK_SECRET, eventId, timestamp, attempt.getMessage().getBody(byte[].class)));
        }
    }

    @Test
    void aWebhookThatKeepsFailingEndsInTheDeadLetterQueueAfterTheRetries() throws Exception {
        webhook.whenAnyExchangeReceived(e -> {
            throw failure(503);
        });
        String eventId = UUID.randomUUID().toString();
        deliver(event("content-f", eventId));
        assertThat(webhook.getReceivedCounter()).isEqualTo(5);
        assertThat(deadLetters.getReceivedCounter()).isEqualTo(1);
        Exchange dead = deadLetters.getReceivedExchanges().get(0);
        assertThat(dead.getMessage().getHeader("x-dead-letter-reason", String.class)).startsWith("delivery failed after retries");
        assertThat(dead.getMessage().getHeader("x-dead-letter-webhook-status")).isEqualTo(503);
        assertThat(liveEvents.getReceivedCounter()).isZero();
    }

    @Test
    void aWebhook400GoesToTheDeadLetterQueueAtOnceWithTheReasonAndTheOriginalBody() throws Exception {
        webhook.whenAnyExchangeReceived(e -> {
            throw failure(400);
        });
        String eventId = UUID.randomUUID().toString();
        String original = event("content-g", eventId);
        deliver(original);

        assertThat(webhook.getReceivedCounter()).isEqualTo(1);
        assertThat(deadLetters.getReceivedCounter()).isEqualTo(1);
        Exchange dead = deadLetters.getReceivedExchanges().get(0);
        assertThat(dead.getMessage().getBody(String.class)).isEqualTo(original);
        assertThat(dead.getMessage().getHeader("x-dead-letter-reason", String.class)).isEqualTo("webhook rejected the event with HTTP 400");
        assertThat(dead.getMessage().getHeader("x-dead-letter-webhook-status")).isEqualTo(400);
        assertThat(dead.getMessage().getHeader("x-dead-letter-exception", String.class)).endsWith("HttpOperationFailedException");
        assertThat(dead.getMessage().getHeader("x-event-id", String.class)).isEqualTo(eventId);

        LiveEvent error = liveErrors.getReceivedExchanges().get(0).getProperty("liveEvent", LiveEvent.class);
        assertThat(error.type()).isEqualTo(LiveEvent.ERROR);
        assertThat(error.data()).containsEntry("content_id", "content-g").containsEntry("event_id", eventId);

        // dead-lettering frees the keys: the same event replayed from the DLQ is delivered once the webhook takes it
        webhook.reset();
        deliver(original);
        assertThat(webhook.getReceivedCounter()).isEqualTo(1);
        assertThat(liveEvents.getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void a429FromTheWebhookIsRetriedNotDeadLettered() {
        webhook.whenExchangeReceived(1, e -> {
            throw failure(429);
        });
        deliver(event("content-h", UUID.randomUUID().toString()));
        assertThat(webhook.getReceivedCounter()).isEqualTo(2);
        assertThat(deadLetters.getReceivedCounter()).isZero();
    }

    @Test
    void anInvalidEventGoesToTheDeadLetterQueueWithoutCallingTheWebhook() {
        deliver("{\"contentId\": \"not valid!\"}");
        deliver("not json");
        assertThat(webhook.getReceivedCounter()).isZero();
        assertThat(deadLetters.getReceivedCounter()).isEqualTo(2);
        assertThat(deadLetters.getReceivedExchanges().get(0).getMessage().getHeader("x-dead-letter-reason", String.class))
                .startsWith("invalid event: contentId");
        assertThat(deadLetters.getReceivedExchanges().get(1).getMessage().getHeader("x-dead-letter-reason", String.class))
                .isEqualTo("invalid event: message body is not JSON");
    }

    // ---------------------------------------------------------------- helpers

    private Exchange callback(String secret, String contentType, String body) {
        return callback(secret, contentType, body, uniqueCaller());
    }

    private Exchange callback(String secret, String contentType, String body, String caller) {
        return template.send("direct:extraction-callback", e -> {
            if (secret != null) {
                e.getMessage().setHeader("X-Internal-Secret", secret);
            }
            if (contentType != null) {
                e.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
            }
            e.getMessage().setHeader("X-Forwarded-For", caller);
            e.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
            e.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8));
        });
    }

    private void assertProblem(Exchange answer, int status, String field) {
        assertThat(status(answer)).isEqualTo(status);
        try {
            JsonNode body = json.readTree(answer.getMessage().getBody(String.class));
            assertThat(body.path("field").asText()).isEqualTo(field);
            assertThat(body.path("message").asText()).isNotBlank();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int status(Exchange answer) {
        assertThat(answer.getException()).isNull();
        return answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    private static String uniqueCaller() {
        return "10.0." + (int) (Math.random() * 250) + "." + (int) (Math.random() * 250) + "-" + UUID.randomUUID();
    }

    private static String event(String contentId, String eventId) {
        return "{\"contentId\":\"" + contentId + "\",\"eventId\":\"" + eventId + "\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}";
    }

    private void deliver(String body) {
        template.send("direct:extraction-in", e -> e.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpOperationFailedException failure(int status) {
        return new HttpOperationFailedException("http://webhook", status, "status " + status, null, Map.of(), "{}");
    }
}
