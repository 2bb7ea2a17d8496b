package routes.transcripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import routes.HubApplication;
import routes.shared.LiveEvent;

/**
 * The transcripts routes with every broker, database and HTTP step replaced by mocks: each branch of the flow,
 * every class of transcript-api answer, and the envelopes and AMQP properties it publishes.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, properties = {
        "hub.transcripts.api.retry-delay-ms=10",
        "hub.transcripts.api.max-retry-delay-ms=40",
        "hub.transcripts.inbox.in-work-retry-delay-ms=5"})
@ActiveProfiles("unit")
// an advised CamelContext is this class's alone: never hand it to the next test class
@org.springframework.test.annotation.DirtiesContext(classMode = org.springframework.test.annotation.DirtiesContext.ClassMode.AFTER_CLASS)
@UseAdviceWith
class TranscriptsRouteTest {

    private static final String NS = "M3.Net.Modules.Transcripts.IntegrationEvents";
    private static final String PROGRESS_X = "m3-net-modules-transcripts-integration-events:transcript-processing-progress-integration-event";
    private static final String COMPLETED_X = "m3-net-modules-transcripts-integration-events:transcript-processing-completed-integration-event";

    @Autowired
    CamelContext camelContext;

    @Autowired
    ProducerTemplate producer;

    private final ObjectMapper json = new ObjectMapper();
    private final TranscriptFixtures fixtures = new TranscriptFixtures();

    /** What the inbox claim answers (the row transcript_inbox_claim gives); default: a first delivery. */
    private volatile Map<String, Object> claimRow;
    /** What the n-th claim of a test answers (1-based); default: {@link #claimRow} every time. */
    private volatile Function<Integer, Map<String, Object>> claimRows;
    private final AtomicInteger claimCalls = new AtomicInteger();
    /** The inbox status the delivery-limit check finds (null: no row). */
    private volatile String storedStatus;
    /** Rows the outcome UPDATE changes: 0 = another delivery took the request over. */
    private volatile int outcomeUpdates;
    /** What transcript-api does on each call (1-based call number). */
    private volatile Function<Integer, Object> api;
    private final AtomicInteger apiCalls = new AtomicInteger();
    private final ConcurrentLinkedQueue<Exchange> apiRequests = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void adviseAndStart() throws Exception {
        if (!camelContext.getStatus().isStarted()) {
            advise();
            camelContext.start();
            for (String id : List.of("transcriptsConsume", "transcriptsClaim", "transcriptsApiCall", "transcriptsComplete",
                    "transcriptsClose", "transcriptsPublishProgress",
                    "transcriptsPublishCompleted", "transcriptsPublishFault", "transcriptsDeadLetterError",
                    "transcriptsDeadLetterSkipped", "transcriptsRedeliver", "transcriptsCallbackProgress", "transcriptsCallbackCompleted")) {
                camelContext.getRouteController().startRoute(id);
            }
        }
        claimRow = row("RECEIVED", 1);
        claimRows = call -> claimRow;
        storedStatus = null;
        outcomeUpdates = 1;
        api = call -> answer(200, "{\"success\": true, \"transcript\": \"hello world\"}");
        resetMocks();
    }

    private void resetMocks() {
        MockEndpoint.resetMocks(camelContext);
        apiCalls.set(0);
        claimCalls.set(0);
        apiRequests.clear();
        mock("inboxClaim").whenAnyExchangeReceived(e -> e.getMessage().setBody(claimRows.apply(claimCalls.incrementAndGet())));
        mock("inboxOutcome").whenAnyExchangeReceived(e -> e.getMessage().setHeader("CamelSqlUpdateCount", outcomeUpdates));
        mock("limitLookup").whenAnyExchangeReceived(e -> e.getMessage().setHeader("transcriptsStoredStatus", storedStatus));
        mock("api").whenAnyExchangeReceived(e -> {
            int call = apiCalls.incrementAndGet();
            apiRequests.add(e.copy());
            Object result = api.apply(call);
            if (result instanceof Exception failure) {
                throw failure;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> response = (Map<String, Object>) result;
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, response.get("status"));
            e.getMessage().setBody(response.get("body"));
        });
    }

    private void advise() throws Exception {
        AdviceWith.adviceWith(camelContext, "transcriptsConsume", a -> {
            a.replaceFromWith("direct:transcripts-in");
            a.weaveById("transcriptsInboxOutcome").replace().to("mock:inboxOutcome");
            a.weaveById("transcriptsDeliveryLimitLookup").replace().to("mock:limitLookup");
        });
        AdviceWith.adviceWith(camelContext, "transcriptsClaim", a -> a.weaveById("transcriptsInboxClaim").replace().to("mock:inboxClaim"));
        AdviceWith.adviceWith(camelContext, "transcriptsApiCall", a -> a.weaveById("transcriptsApiPost").replace().to("mock:api"));
        AdviceWith.adviceWith(camelContext, "transcriptsClose",
                a -> a.weaveById("transcriptsInboxCompleted").replace().to("mock:inboxCompleted"));
        // the publish routes come from one template: AdviceWith sees the template's step ids (Out, Live); the route's
        // prefixId is added when it starts (transcriptsProgressOut)
        AdviceWith.adviceWith(camelContext, "transcriptsPublishProgress", a -> {
            a.weaveById("Out").replace().to("mock:progressOut");
            a.weaveById("Live").replace().to("mock:live");
        });
        AdviceWith.adviceWith(camelContext, "transcriptsPublishCompleted", a -> {
            a.weaveById("Out").replace().to("mock:completedOut");
            a.weaveById("Live").replace().to("mock:live");
        });
        AdviceWith.adviceWith(camelContext, "transcriptsPublishFault",
                a -> a.weaveById("Out").replace().to("mock:faultOut"));
        AdviceWith.adviceWith(camelContext, "transcriptsDeadLetterError", a -> {
            a.weaveById("Out").replace().to("mock:errorOut");
            a.weaveById("Live").replace().to("mock:live");
        });
        AdviceWith.adviceWith(camelContext, "transcriptsRedeliver", a -> {
            a.weaveById("transcriptsRedeliveryOut").replace().to("mock:redeliveryOut");
            a.weaveById("transcriptsInboxRetryScheduled").replace().to("mock:retryScheduled");
        });
        AdviceWith.adviceWith(camelContext, "transcriptsDeadLetterSkipped", a -> {
            a.weaveById("Out").replace().to("mock:skippedOut");
            a.weaveById("Live").replace().to("mock:live");
        });
        // the REST DSL inlines the direct: routes into the rest routes: drive them from a direct: endpoint
        AdviceWith.adviceWith(camelContext, "transcriptsCallbackProgress", a -> {
            a.replaceFromWith("direct:transcripts-callback-progress");
            a.weaveById("transcriptsProgressLookup").replace().to("mock:callbackLookup");
        });
        AdviceWith.adviceWith(camelContext, "transcriptsCallbackCompleted", a -> {
            a.replaceFromWith("direct:transcripts-callback-completed");
            a.weaveById("transcriptsCompletedLookup").replace().to("mock:callbackLookup");
            a.weaveById("transcriptsCallbackOutcome").replace().to("mock:callbackOutcome");
        });
    }

    // ---- the publish template ----

    @Test
    void publishRoutes_comeFromOneTemplate_withTheirOwnIdsEndpointsAndStepIds() {
        Map<String, String> endpoints = Map.of(
                "transcriptsPublishProgress", "direct://transcripts-progress",
                "transcriptsPublishCompleted", "direct://transcripts-completed-event",
                "transcriptsPublishFault", "direct://transcripts-fault-event",
                "transcriptsDeadLetterError", "direct://transcripts-error",
                "transcriptsDeadLetterSkipped", "direct://transcripts-skipped");
        Map<String, String> prefixes = Map.of(
                "transcriptsPublishProgress", "transcriptsProgress",
                "transcriptsPublishCompleted", "transcriptsCompleted",
                "transcriptsPublishFault", "transcriptsFault",
                "transcriptsDeadLetterError", "transcriptsError",
                "transcriptsDeadLetterSkipped", "transcriptsSkipped");
        endpoints.forEach((routeId, endpoint) -> {
            org.apache.camel.Route route = camelContext.getRoute(routeId);
            assertThat(route).as(routeId).isNotNull();
            assertThat(route.isCreatedByRouteTemplate()).as(routeId).isTrue();
            assertThat(route.getEndpoint().getEndpointUri()).as(routeId).isEqualTo(endpoint);
            // the template's own (Camel resolves no template parameter in a description)
            assertThat(route.getDescription()).as(routeId).startsWith("One of the transcripts publishers").doesNotContain("{{");
            // the steps AdviceWith left in place carry the prefixed ids Hawtio shows
            for (String step : List.of("Message", "LiveEvent")) {
                assertThat(camelContext.getProcessor(prefixes.get(routeId) + step)).as(prefixes.get(routeId) + step).isNotNull();
            }
        });
    }

    // ---- the happy path, field by field ----

    @Test
    void transcriptReady_publishesQueuedProcessingAndCompletedAsMassTransitWouldOnTheWire() throws Exception {
        deliver(fixtures.bytes("envelope-activity.json"), Map.of("CamelSpringRabbitmqMessageId", fixtures.messageId,
                "CamelSpringRabbitmqContentType", "application/vnd.masstransit+json", "MT-Activity-Id", fixtures.activityId));

        assertThat(apiCalls).hasValue(1);
        Exchange request = apiRequests.peek();
        JsonNode apiBody = json.readTree(request.getMessage().getBody(String.class));
        assertThat(apiBody.get("transcript_request_id").asText()).isEqualTo(fixtures.transcriptRequestId);
        assertThat(apiBody.get("video_url").asText()).isEqualTo("http://videos.example.org/talks/42.mp4");
        assertThat(apiBody.get("user_id").asText()).isEqualTo(fixtures.userId);
        assertThat(apiBody.has("language")).isTrue();
        assertThat(apiBody.get("language").isNull()).isTrue();
        assertThat(apiBody.get("correlation_id").asText()).isEqualTo(fixtures.transcriptRequestId);
        assertThat(request.getMessage().getHeader("Idempotency-Key")).isEqualTo(fixtures.messageId);
        assertThat(request.getMessage().getHeader("X-Correlation-Id")).isEqualTo(fixtures.transcriptRequestId);
        assertThat(request.getMessage().getHeader("traceparent")).isEqualTo(fixtures.activityId);
        assertThat(request.getMessage().getHeaders()).doesNotContainKeys("CamelSpringRabbitmqMessageId", "MT-Activity-Id");

        List<Exchange> progress = mock("progressOut").getReceivedExchanges();
        assertThat(progress).hasSize(2);
        JsonNode queued = envelope(progress.get(0));
        JsonNode processing = envelope(progress.get(1));
        assertThat(queued.path("message").path("status").asText()).isEqualTo("Queued");
        assertThat(queued.path("message").path("progressPercentage").asInt()).isZero();
        assertThat(processing.path("message").path("status").asText()).isEqualTo("Processing");
        assertThat(processing.path("message").path("progressPercentage").asInt()).isEqualTo(10);
        assertEnvelope(progress.get(0), "TranscriptProcessingProgressIntegrationEvent", PROGRESS_X);
        assertValid("transcript-processing-progress-integration-event", queued.path("message"));
        assertValid("transcript-processing-progress-integration-event", processing.path("message"));

        List<Exchange> completed = mock("completedOut").getReceivedExchanges();
        assertThat(completed).hasSize(1);
        JsonNode done = envelope(completed.get(0));
        assertEnvelope(completed.get(0), "TranscriptProcessingCompletedIntegrationEvent", COMPLETED_X);
        assertThat(done.path("message").path("success").asBoolean()).isTrue();
        assertThat(done.path("message").path("transcriptContent").asText()).isEqualTo("hello world");
        assertThat(done.path("message").has("errorMessage")).isTrue();
        assertThat(done.path("message").path("errorMessage").isNull()).isTrue();
        assertValid("transcript-processing-completed-integration-event", done.path("message"));

        assertThat(mock("inboxOutcome").getReceivedExchanges()).singleElement()
                .satisfies(e -> assertThat(e.getMessage().getBody(Map.class)).containsEntry("status", "SUCCEEDED")
                        .containsEntry("messageId", fixtures.messageId).containsEntry("transcript", "hello world"));
        assertThat(mock("inboxCompleted").getReceivedExchanges()).hasSize(1);
        assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("faultOut").getReceivedExchanges()).isEmpty();
        assertThat(liveStatuses()).containsExactly("QUEUED", "PROCESSING", "PROCESSED");
    }

    @Test
    void everyEnvelopeIdIsTheOneMassTransitWouldSet() throws Exception {
        deliver(fixtures.bytes("envelope-full.json"), Map.of());
        JsonNode queued = envelope(mock("progressOut").getReceivedExchanges().get(0));
        JsonNode done = envelope(mock("completedOut").getReceivedExchanges().get(0));
        for (JsonNode envelope : List.of(queued, done)) {
            assertThat(envelope.path("conversationId").asText()).as("conversation carried over").isEqualTo(fixtures.conversationId);
            assertThat(envelope.path("initiatorId").asText()).isEqualTo(fixtures.messageId);
            assertThat(envelope.path("correlationId").asText()).isEqualTo(fixtures.transcriptRequestId);
            assertThat(envelope.path("messageId").asText()).isNotIn(fixtures.messageId, fixtures.eventId);
            assertThat(envelope.path("headers").size()).as("no MT-Activity-Id came in").isZero();
        }
        assertThat(queued.path("messageId").asText()).isNotEqualTo(done.path("messageId").asText());
    }

    @Test
    void minimalEnvelope_usesTheAmqpMessageIdElseTheEventIdAsConversation() throws Exception {
        deliver(fixtures.bytes("envelope-minimal.json"), Map.of());
        JsonNode done = envelope(mock("completedOut").getReceivedExchanges().get(0));
        assertThat(done.path("initiatorId").asText()).isEqualTo(fixtures.eventId);
        assertThat(done.path("conversationId").asText()).isEqualTo(fixtures.eventId);
        assertThat(apiRequests.peek().getMessage().getHeader("Idempotency-Key")).isEqualTo(fixtures.eventId);
    }

    @Test
    void bomPascalCaseAndNFormatGuids_areReadAndWrittenAsLowercaseD() throws Exception {
        deliver(fixtures.withBom("envelope-n-guids.json"), Map.of());
        assertThat(apiCalls).hasValue(1);
        JsonNode apiBody = json.readTree(apiRequests.peek().getMessage().getBody(String.class));
        assertThat(apiBody.get("transcript_request_id").asText()).isEqualTo(fixtures.transcriptRequestId);
        assertThat(apiBody.get("user_id").asText()).isEqualTo(fixtures.userId);
        assertThat(apiBody.get("language").asText()).isEqualTo("pt-BR");
        JsonNode done = envelope(mock("completedOut").getReceivedExchanges().get(0));
        assertThat(done.path("initiatorId").asText()).isEqualTo(fixtures.messageId);
        assertThat(done.path("conversationId").asText()).isEqualTo(fixtures.conversationId);
        assertThat(done.path("message").path("transcriptRequestId").asText()).isEqualTo(fixtures.transcriptRequestId);
    }

    // ---- transcript-api answers ----

    @Test
    void apiSaysFailed_completedFailedWithoutRetryOrFault() throws Exception {
        api = call -> answer(200, "{\"success\": false, \"error\": \"video is private\"}");
        deliver(fixtures.bytes("envelope-full.json"), Map.of());
        assertThat(apiCalls).hasValue(1);
        JsonNode done = envelope(mock("completedOut").getReceivedExchanges().get(0));
        assertThat(done.path("message").path("success").asBoolean()).isFalse();
        assertThat(done.path("message").path("errorMessage").asText()).isEqualTo("video is private");
        assertThat(done.path("message").path("transcriptContent").isNull()).isTrue();
        assertValid("transcript-processing-completed-integration-event", done.path("message"));
        assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("faultOut").getReceivedExchanges()).isEmpty();
        assertThat(liveStatuses()).endsWith("FAILED");
    }

    @Test
    void apiAccepted202_waitsForTheCallbacks() throws Exception {
        api = call -> answer(202, "{\"status\": \"accepted\"}");
        deliver(fixtures.bytes("envelope-full.json"), Map.of());
        assertThat(apiCalls).hasValue(1);
        assertThat(mock("progressOut").getReceivedExchanges()).hasSize(2);
        assertThat(mock("completedOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("inboxCompleted").getReceivedExchanges()).isEmpty();
        assertThat(mock("inboxOutcome").getReceivedExchanges()).singleElement()
                .satisfies(e -> assertThat(e.getMessage().getBody(Map.class)).containsEntry("status", "ACCEPTED"));
    }

    @Test
    void retriableAnswersAreRetried_thenTheTranscriptIsPublished() throws Exception {
        for (int status : new int[] {408, 429, 500, 502, 503, 504}) {
            api = call -> call == 1 ? failure(status, Map.of("Retry-After", "0")) : answer(200, "{\"success\":true,\"transcript\":\"t\"}");
            resetMocks();
            deliver(new TranscriptFixtures().bytes("envelope-full.json"), Map.of());
            assertThat(apiCalls).as("calls for " + status).hasValue(2);
            assertThat(mock("completedOut").getReceivedExchanges()).as("completed for " + status).hasSize(1);
            assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
        }
    }

    @Test
    void connectionRefusedIsRetried() throws Exception {
        api = call -> call < 3 ? new ConnectException("Connection refused") : answer(200, "{\"success\":true,\"transcript\":\"t\"}");
        deliver(fixtures.bytes("envelope-full.json"), Map.of());
        assertThat(apiCalls).hasValue(3);
        assertThat(envelope(mock("completedOut").getReceivedExchanges().get(0)).path("message").path("success").asBoolean()).isTrue();
    }

    @Test
    void aLongRetryAfterIsCappedByTheMaximumDelay() throws Exception {
        api = call -> call == 1 ? failure(429, Map.of("Retry-After", "1")) : answer(200, "{\"success\":true,\"transcript\":\"t\"}");
        long start = System.nanoTime();
        deliver(fixtures.bytes("envelope-full.json"), Map.of());
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        // Retry-After: 1 s, capped by max-retry-delay-ms (40 ms here): the cap wins over a longer Retry-After
        assertThat(apiCalls).hasValue(2);
        assertThat(elapsedMs).isLessThan(900);
    }

    @Test
    void retriesExhausted_completedFailedFaultPublishedAndDeliveryMovedToError() throws Exception {
        api = call -> failure(503, Map.of());
        byte[] body = fixtures.bytes("envelope-full.json");
        // the third redelivery of the default intervals (5s,30s,2m): none left
        deliver(body, Map.of("CamelSpringRabbitmqMessageId", fixtures.messageId,
                "CamelSpringRabbitmqContentType", "application/vnd.masstransit+json",
                "CamelSpringRabbitmqDeliveryMode", MessageDeliveryMode.PERSISTENT, "Custom-Header", "kept",
                "MT-Redelivery-Count", 3));
        assertThat(apiCalls).as("first call + 4 retries").hasValue(5);
        assertThat(mock("redeliveryOut").getReceivedExchanges()).as("every interval spent").isEmpty();

        JsonNode done = envelope(mock("completedOut").getReceivedExchanges().get(0));
        assertThat(done.path("message").path("success").asBoolean()).isFalse();
        assertThat(done.path("message").path("errorMessage").asText()).contains("503").contains("after 4 retries");

        Exchange fault = mock("faultOut").getReceivedExchanges().get(0);
        JsonNode faultEnvelope = envelope(fault);
        assertThat(faultEnvelope.path("messageType").get(0).asText())
                .isEqualTo("urn:message:MassTransit:Fault[[" + NS + ":TranscriptRequestedIntegrationEvent]]");
        assertThat(faultEnvelope.path("messageType").get(1).asText()).isEqualTo("urn:message:MassTransit:Fault");
        assertThat(faultEnvelope.path("destinationAddress").asText())
                .isEqualTo("rabbitmq://127.0.0.1/MassTransit:Fault--" + NS + ":TranscriptRequestedIntegrationEvent--");
        assertThat(faultEnvelope.path("conversationId").asText()).isEqualTo(fixtures.conversationId);
        assertThat(faultEnvelope.path("correlationId").isNull()).as("copied from the failed message").isTrue();
        JsonNode faultMessage = faultEnvelope.path("message");
        assertThat(faultMessage.path("faultedMessageId").asText()).isEqualTo(fixtures.messageId);
        assertThat(faultMessage.path("faultMessageTypes").get(0).asText()).isEqualTo("urn:message:" + NS + ":TranscriptRequestedIntegrationEvent");
        assertThat(faultMessage.path("exceptions").get(0).path("exceptionType").asText()).isEqualTo(HttpOperationFailedException.class.getName());
        assertThat(faultMessage.path("message").path("transcriptRequestId").asText()).isEqualTo(fixtures.transcriptRequestId);
        assertThat(faultMessage.path("host").path("processName").asText()).isEqualTo("java");

        Exchange error = mock("errorOut").getReceivedExchanges().get(0);
        assertThat(error.getMessage().getBody(byte[].class)).as("body unchanged").isEqualTo(body);
        Map<String, Object> headers = error.getMessage().getHeaders();
        assertThat(headers).containsEntry("MT-Reason", "fault")
                .containsEntry("MT-Fault-RetryCount", 4)
                .containsEntry("MT-Fault-ExceptionType", HttpOperationFailedException.class.getName())
                .containsEntry("MT-Fault-InputAddress", "rabbitmq://127.0.0.1/transcript-consumer")
                .containsEntry("MT-Fault-MessageType", "urn:message:" + NS + ":TranscriptRequestedIntegrationEvent")
                .containsEntry("CamelSpringRabbitmqMessageId", fixtures.messageId)
                .containsEntry("CamelSpringRabbitmqContentType", "application/vnd.masstransit+json")
                .containsEntry("CamelSpringRabbitmqDeliveryMode", MessageDeliveryMode.PERSISTENT)
                .containsEntry("Custom-Header", "kept")
                .containsEntry("MT-Redelivery-Count", 3)
                .containsKeys("MT-Fault-Message", "MT-Fault-Timestamp", "MT-Fault-StackTrace", "MT-Host-MachineName",
                        "MT-Host-ProcessName", "MT-Host-ProcessId", "MT-Host-Assembly", "MT-Host-AssemblyVersion",
                        "MT-Host-MassTransitVersion", "MT-Host-FrameworkVersion", "MT-Host-OperatingSystemVersion");
        assertThat((String) headers.get("MT-Fault-Message")).contains("503");
        assertThat(mock("inboxOutcome").getReceivedExchanges()).singleElement()
                .satisfies(e -> assertThat(e.getMessage().getBody(Map.class)).containsEntry("status", "FAILED")
                        .containsEntry("fault", true).containsEntry("retryCount", 4));
        assertThat(mock("inboxCompleted").getReceivedExchanges()).hasSize(1);
        assertThat(liveTypes()).contains(LiveEvent.ERROR);
    }

    @Test
    void clientErrorsFailAtOnce() throws Exception {
        for (int status : new int[] {400, 401, 404, 409, 422}) {
            api = call -> failure(status, Map.of());
            resetMocks();
            deliver(new TranscriptFixtures().bytes("envelope-full.json"), Map.of());
            assertThat(apiCalls).as("calls for " + status).hasValue(1);
            JsonNode done = envelope(mock("completedOut").getReceivedExchanges().get(0));
            assertThat(done.path("message").path("success").asBoolean()).isFalse();
            assertThat(done.path("message").path("errorMessage").asText()).contains(String.valueOf(status));
            Exchange error = mock("errorOut").getReceivedExchanges().get(0);
            assertThat(error.getMessage().getHeaders()).containsEntry("MT-Reason", "fault").doesNotContainKey("MT-Fault-RetryCount");
            assertThat(mock("faultOut").getReceivedExchanges()).hasSize(1);
            assertThat(mock("redeliveryOut").getReceivedExchanges()).as("a refusal is not redelivered").isEmpty();
        }
    }

    @Test
    void answerWithoutAResultBodyIsAFault() throws Exception {
        api = call -> answer(200, "<html>oops</html>");
        deliver(fixtures.bytes("envelope-full.json"), Map.of());
        assertThat(apiCalls).hasValue(1);
        assertThat(envelope(mock("completedOut").getReceivedExchanges().get(0)).path("message").path("success").asBoolean()).isFalse();
        assertThat(mock("errorOut").getReceivedExchanges()).hasSize(1);
        assertThat(mock("redeliveryOut").getReceivedExchanges()).isEmpty();
    }

    // ---- delayed redelivery (default intervals 5s,30s,2m) ----

    @Test
    void apiUnavailableThroughTheImmediateRetries_isRedeliveredLaterAsReceivedWithTheCountOneHigher() throws Exception {
        api = call -> failure(503, Map.of());
        byte[] body = fixtures.bytes("envelope-full.json");
        Exchange done = deliver(body, Map.of("CamelSpringRabbitmqMessageId", fixtures.messageId,
                "CamelSpringRabbitmqContentType", "application/vnd.masstransit+json",
                "CamelSpringRabbitmqDeliveryMode", MessageDeliveryMode.NON_PERSISTENT, "Custom-Header", "kept",
                "CamelSpringRabbitmqDeliveryTag", 7L, "x-delivery-count", 1));
        assertThat(done.getException()).as("acked").isNull();
        assertThat(apiCalls).as("first call + 4 retries, then the delayed redelivery").hasValue(5);

        Exchange copy = mock("redeliveryOut").getReceivedExchanges().get(0);
        assertThat(copy.getMessage().getBody(byte[].class)).as("body unchanged").isEqualTo(body);
        assertThat(copy.getMessage().getHeaders())
                .containsEntry("MT-Redelivery-Count", 1)
                .containsEntry("CamelSpringRabbitmqRoutingOverrideKey", "transcript-consumer_delay_5s")
                .containsEntry("CamelSpringRabbitmqMessageId", fixtures.messageId)
                .containsEntry("CamelSpringRabbitmqContentType", "application/vnd.masstransit+json")
                .containsEntry("CamelSpringRabbitmqDeliveryMode", MessageDeliveryMode.PERSISTENT)
                .containsEntry("Custom-Header", "kept")
                .doesNotContainKeys("MT-Reason", "MT-Fault-Message", "CamelSpringRabbitmqDeliveryTag", "x-delivery-count");
        assertThat(mock("retryScheduled").getReceivedExchanges()).singleElement()
                .satisfies(e -> assertThat(e.getMessage().getBody(Map.class)).containsEntry("messageId", fixtures.messageId)
                        .containsEntry("redeliveryCount", 1).containsKey("owner"))
                .satisfies(e -> assertThat((String) e.getMessage().getBody(Map.class).get("error")).contains("503"));
        assertThat(mock("inboxOutcome").getReceivedExchanges()).as("no outcome yet").isEmpty();
        assertThat(mock("completedOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("faultOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("inboxCompleted").getReceivedExchanges()).isEmpty();
    }

    @Test
    void eachRedeliveryWaitsInTheNextIntervalsQueue_thenError() throws Exception {
        api = call -> failure(503, Map.of());
        Map<Integer, String> queueAfter = Map.of(0, "transcript-consumer_delay_5s", 1, "transcript-consumer_delay_30s",
                2, "transcript-consumer_delay_2m");
        for (int count = 0; count <= 3; count++) {
            resetMocks();
            Map<String, Object> headers = new HashMap<>();
            if (count > 0) {
                // as the broker hands an AMQP long over
                headers.put("MT-Redelivery-Count", (long) count);
            }
            deliver(fixtures.bytes("envelope-full.json"), headers);
            if (count < 3) {
                Exchange copy = mock("redeliveryOut").getReceivedExchanges().get(0);
                assertThat(copy.getMessage().getHeaders()).as("after delivery %d", count)
                        .containsEntry("MT-Redelivery-Count", count + 1)
                        .containsEntry("CamelSpringRabbitmqRoutingOverrideKey", queueAfter.get(count));
                assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
            } else {
                assertThat(mock("redeliveryOut").getReceivedExchanges()).isEmpty();
                assertThat(mock("errorOut").getReceivedExchanges()).hasSize(1);
                assertThat(mock("faultOut").getReceivedExchanges()).hasSize(1);
                assertThat(envelope(mock("completedOut").getReceivedExchanges().get(0)).path("message").path("success").asBoolean()).isFalse();
            }
        }
    }

    @Test
    void theScheduledCopyClaimsTheRequestWithItsCount_andSucceeds() throws Exception {
        Map<String, Object> resumed = row("RECEIVED", 2);
        resumed.put("claimed", true);
        claimRow = resumed;
        deliver(fixtures.bytes("envelope-full.json"), Map.of("MT-Redelivery-Count", 1));
        assertThat(mock("inboxClaim").getReceivedExchanges().get(0).getMessage().getBody(Map.class))
                .containsEntry("redeliveryCount", 1);
        assertThat(apiCalls).hasValue(1);
        assertThat(apiRequests.peek().getMessage().getHeader("Idempotency-Key")).as("the same request").isEqualTo(fixtures.messageId);
        assertThat(envelope(mock("completedOut").getReceivedExchanges().get(0)).path("message").path("success").asBoolean()).isTrue();
        assertThat(mock("redeliveryOut").getReceivedExchanges()).isEmpty();
    }

    @Test
    void aPlainDuplicateWhileARedeliveryIsScheduled_isDropped() throws Exception {
        Map<String, Object> scheduled = row("RETRY_SCHEDULED", 2);
        scheduled.put("claimed", false);
        claimRow = scheduled;
        Exchange done = deliver(fixtures.bytes("envelope-full.json"), Map.of("CamelSpringRabbitmqRedelivered", true));
        assertThat(done.getException()).isNull();
        assertThat(done.getProperty(TranscriptsInbound.DECISION)).isEqualTo(TranscriptsInbound.DUPLICATE);
        assertThat(mock("inboxClaim").getReceivedExchanges().get(0).getMessage().getBody(Map.class))
                .containsEntry("redeliveryCount", 0);
        assertThat(apiCalls).hasValue(0);
        assertThat(mock("progressOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("redeliveryOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
    }

    @Test
    void aCopyTheBrokerDoesNotConfirm_sendsTheDeliveryBackToTheQueue() throws Exception {
        api = call -> failure(503, Map.of());
        mock("redeliveryOut").whenAnyExchangeReceived(e -> {
            throw new org.springframework.amqp.AmqpIOException(new java.io.IOException("connection reset"));
        });
        Exchange done = deliver(fixtures.bytes("envelope-full.json"), Map.of());
        assertThat(done.getException()).as("fails back to the listener, which requeues").isNotNull();
        assertThat(mock("retryScheduled").getReceivedExchanges()).isEmpty();
        assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("completedOut").getReceivedExchanges()).isEmpty();
    }

    @Test
    void anUnmarkedInbox_stillAcksTheDeliveryOnceTheCopyIsConfirmed() throws Exception {
        api = call -> failure(503, Map.of());
        mock("retryScheduled").whenAnyExchangeReceived(e -> {
            throw new java.sql.SQLException("connection refused", "08001");
        });
        Exchange done = deliver(fixtures.bytes("envelope-full.json"), Map.of());
        assertThat(done.getException()).isNull();
        assertThat(mock("redeliveryOut").getReceivedExchanges()).hasSize(1);
        assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
    }

    @Test
    void anUnexpectedFailureThroughItsRetries_isRedeliveredToo() throws Exception {
        AtomicInteger claims = new AtomicInteger();
        mock("inboxClaim").whenAnyExchangeReceived(e -> {
            claims.incrementAndGet();
            throw new java.sql.SQLException("connection refused", "08001");
        });
        Exchange done = deliver(fixtures.bytes("envelope-full.json"), Map.of("MT-Redelivery-Count", 1));
        assertThat(done.getException()).isNull();
        assertThat(claims).as("first try + 3 retries").hasValue(4);
        assertThat(apiCalls).hasValue(0);
        assertThat(mock("redeliveryOut").getReceivedExchanges()).singleElement()
                .satisfies(e -> assertThat(e.getMessage().getHeaders()).containsEntry("MT-Redelivery-Count", 2)
                        .containsEntry("CamelSpringRabbitmqRoutingOverrideKey", "transcript-consumer_delay_30s"));
        assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("faultOut").getReceivedExchanges()).isEmpty();
    }

    // ---- poison, skipped ----

    @Test
    void invalidJson_goesToErrorAtOnceWithTheBodyUnchanged() throws Exception {
        byte[] body = fixtures.bytes("envelope-invalid-json.json");
        deliver(body, Map.of("CamelSpringRabbitmqMessageId", fixtures.messageId));
        assertThat(apiCalls).hasValue(0);
        assertThat(mock("redeliveryOut").getReceivedExchanges()).as("poison is never redelivered").isEmpty();
        Exchange error = mock("errorOut").getReceivedExchanges().get(0);
        assertThat(error.getMessage().getBody(byte[].class)).isEqualTo(body);
        assertThat(error.getMessage().getHeaders()).containsEntry("MT-Reason", "fault")
                .containsEntry("MT-Fault-ExceptionType", InvalidTranscriptMessage.class.getName())
                .containsEntry("CamelSpringRabbitmqMessageId", fixtures.messageId)
                .doesNotContainKey("MT-Fault-RetryCount");
        assertThat((String) error.getMessage().getHeader("MT-Fault-Message")).contains("not valid JSON");
        assertThat(mock("progressOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("completedOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("faultOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("inboxClaim").getReceivedExchanges()).isEmpty();
        assertThat(liveTypes()).containsExactly(LiveEvent.ERROR);
    }

    @Test
    void payloadAgainstTheSchema_goesToErrorNamingTheProblem() throws Exception {
        deliver(fixtures.bytes("envelope-invalid-payload.json"), Map.of());
        assertThat(apiCalls).hasValue(0);
        Exchange error = mock("errorOut").getReceivedExchanges().get(0);
        assertThat(error.getMessage().getHeaders()).containsEntry("MT-Reason", "fault")
                .containsEntry("MT-Fault-ExceptionType", "org.apache.camel.component.jsonvalidator.JsonValidationException");
        assertThat((String) error.getMessage().getHeader("MT-Fault-Message")).contains("userId").contains("videoUrl");
        assertThat(mock("inboxClaim").getReceivedExchanges()).isEmpty();
    }

    @Test
    void envelopeWithoutMessage_goesToError() throws Exception {
        deliver(fixtures.bytes("envelope-no-message.json"), Map.of());
        assertThat((String) mock("errorOut").getReceivedExchanges().get(0).getMessage().getHeader("MT-Fault-Message"))
                .contains("no message");
    }

    @Test
    void otherMessageType_goesToSkippedAsDeadLetter() throws Exception {
        byte[] body = fixtures.bytes("envelope-other-type.json");
        deliver(body, Map.of("CamelSpringRabbitmqMessageId", fixtures.messageId, "Custom-Header", "kept"));
        Exchange skipped = mock("skippedOut").getReceivedExchanges().get(0);
        assertThat(skipped.getMessage().getBody(byte[].class)).isEqualTo(body);
        assertThat(skipped.getMessage().getHeaders()).containsEntry("MT-Reason", "dead-letter")
                .containsEntry("Custom-Header", "kept").containsEntry("CamelSpringRabbitmqMessageId", fixtures.messageId)
                .doesNotContainKey("MT-Fault-ExceptionType");
        assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
        assertThat(apiCalls).hasValue(0);
    }

    // ---- MassTransit's raw JSON serializer ----

    @Test
    void rawJsonRequest_isProcessedWithItsIdsFromTheTransportHeaders_andRawEventsGoOutWhenConfigured() throws Exception {
        TranscriptEvents events = camelContext.getRegistry().lookupByNameAndType("transcriptEvents", TranscriptEvents.class);
        assertThat(events.serializer()).as("TRANSCRIPTS_PUBLISH_SERIALIZER unset").isEqualTo(MessageSerializer.ENVELOPE);
        events.useSerializer(MessageSerializer.RAW);
        try {
            deliver(rawRequest(fixtures), Map.of("CamelSpringRabbitmqMessageId", fixtures.messageId,
                    "CamelSpringRabbitmqContentType", "application/json", "ConversationId", fixtures.conversationId,
                    "MT-MessageType", "urn:message:" + NS + ":TranscriptRequestedIntegrationEvent",
                    "MT-Activity-Id", fixtures.activityId));

            assertThat(apiCalls).hasValue(1);
            Exchange request = apiRequests.peek();
            assertThat(request.getMessage().getHeader("Idempotency-Key")).as("the AMQP message id").isEqualTo(fixtures.messageId);
            assertThat(request.getMessage().getHeader("traceparent")).isEqualTo(fixtures.activityId);
            assertThat(json.readTree(request.getMessage().getBody(String.class)).path("video_url").asText())
                    .isEqualTo("https://www.youtube.com/watch?v=raw");
            @SuppressWarnings("unchecked")
            Map<String, Object> claim = mock("inboxClaim").getReceivedExchanges().get(0).getMessage().getBody(Map.class);
            assertThat(claim).containsEntry("messageId", fixtures.messageId).containsEntry("conversationId", fixtures.conversationId);

            List<Exchange> progress = mock("progressOut").getReceivedExchanges();
            assertThat(progress).hasSize(2);
            Exchange completed = mock("completedOut").getReceivedExchanges().get(0);
            for (Exchange event : List.of(progress.get(0), progress.get(1), completed)) {
                assertThat(event.getMessage().getHeaders()).containsEntry("CamelSpringRabbitmqContentType", "application/json")
                        .containsEntry("MT-InitiatorId", fixtures.messageId)
                        .containsEntry("ConversationId", fixtures.conversationId)
                        .containsEntry("CorrelationId", fixtures.transcriptRequestId)
                        .containsEntry("MessageId", event.getMessage().getHeader("CamelSpringRabbitmqMessageId"));
            }
            JsonNode done = json.readTree(completed.getMessage().getBody(byte[].class));
            assertThat(done.has("message") && done.has("messageType")).as("no envelope").isFalse();
            assertThat(done.path("transcriptContent").asText()).isEqualTo("hello world");
            assertValid("transcript-processing-completed-integration-event", done);
            assertValid("transcript-processing-progress-integration-event",
                    json.readTree(progress.get(0).getMessage().getBody(byte[].class)));
        } finally {
            events.useSerializer(MessageSerializer.ENVELOPE);
        }
    }

    @Test
    void rawJsonRequest_ofAnotherMessageTypeGoesToSkipped_andOneAgainstTheContractToError() throws Exception {
        byte[] body = rawRequest(fixtures);
        deliver(body, Map.of("CamelSpringRabbitmqMessageId", fixtures.messageId, "CamelSpringRabbitmqContentType",
                "application/json", "MT-MessageType", "urn:message:Shop:OrderPlacedEvent"));
        Exchange skipped = mock("skippedOut").getReceivedExchanges().get(0);
        assertThat(skipped.getMessage().getBody(byte[].class)).isEqualTo(body);
        assertThat(skipped.getMessage().getHeaders()).containsEntry("MT-Reason", "dead-letter")
                .containsEntry("CamelSpringRabbitmqContentType", "application/json");

        TranscriptFixtures invalid = new TranscriptFixtures();
        deliver("{\"id\": \"x\", \"videoUrl\": \"ftp://nowhere\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("CamelSpringRabbitmqMessageId", invalid.messageId, "CamelSpringRabbitmqContentType", "application/json"));
        Exchange error = mock("errorOut").getReceivedExchanges().get(0);
        assertThat(error.getMessage().getHeaders()).containsEntry("MT-Reason", "fault")
                .containsEntry("MT-Fault-ExceptionType", "org.apache.camel.component.jsonvalidator.JsonValidationException");
        assertThat(apiCalls).hasValue(0);
    }

    private static byte[] rawRequest(TranscriptFixtures f) {
        return ("{\"id\": \"" + f.eventId + "\", \"occurredOnUtc\": \"2026-12-04T10:00:00Z\", \"transcriptRequestId\": \""
                + f.transcriptRequestId + "\", \"userId\": \"" + f.userId
                + "\", \"videoUrl\": \"https://www.youtube.com/watch?v=raw\", \"language\": \"en\"}").getBytes(StandardCharsets.UTF_8);
    }

    // ---- idempotency ----

    @Test
    void duplicateOfACompletedRequest_isAckedWithoutCallingTheApi() throws Exception {
        claimRow = row("COMPLETED", 2);
        deliver(fixtures.bytes("envelope-full.json"), Map.of("CamelSpringRabbitmqRedelivered", true));
        assertThat(apiCalls).hasValue(0);
        assertThat(mock("progressOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("completedOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
    }

    @Test
    void redeliveryWhileAnotherDeliveryWorksOnIt_waitsAndClaimsAgain_thenAcksTheDuplicate() throws Exception {
        Map<String, Object> inWork = row("RECEIVED", 2);
        inWork.put("claimed", false);
        claimRows = call -> call < 3 ? inWork : row("COMPLETED", 3);
        deliver(fixtures.bytes("envelope-full.json"), Map.of("CamelSpringRabbitmqRedelivered", true));
        assertThat(claimCalls).as("claimed again while the other delivery held the lease").hasValue(3);
        assertThat(apiCalls).hasValue(0);
        assertThat(mock("progressOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("completedOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
    }

    @Test
    void redeliveryStillInWorkAfterEveryClaim_goesBackToTheQueueWithoutAFault() throws Exception {
        Map<String, Object> inWork = row("RECEIVED", 2);
        inWork.put("claimed", false);
        claimRow = inWork;
        Exchange done = deliver(fixtures.bytes("envelope-full.json"), Map.of("CamelSpringRabbitmqRedelivered", true));
        assertThat(done.getException()).as("fails back to the listener, which requeues").isInstanceOf(TranscriptInWork.class);
        assertThat(claimCalls).as("the first claim and 30 more").hasValue(31);
        assertThat(apiCalls).hasValue(0);
        assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("faultOut").getReceivedExchanges()).isEmpty();
    }

    @Test
    void anotherDeliveryTookTheRequestOverDuringTheCall_nothingIsPublished() throws Exception {
        outcomeUpdates = 0;
        deliver(fixtures.bytes("envelope-full.json"), Map.of());
        assertThat(apiCalls).hasValue(1);
        assertThat(mock("completedOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("inboxCompleted").getReceivedExchanges()).isEmpty();
        assertThat(mock("faultOut").getReceivedExchanges()).isEmpty();
    }

    @Test
    void aFailingCloseIsRetriedAloneAndNeverFaultsASuccess() throws Exception {
        AtomicInteger closes = new AtomicInteger();
        mock("inboxCompleted").whenAnyExchangeReceived(e -> {
            if (closes.incrementAndGet() < 3) {
                throw new java.sql.SQLException("FATAL: terminating connection due to administrator command", "57P01");
            }
        });
        deliver(fixtures.bytes("envelope-full.json"), Map.of());
        assertThat(closes).hasValue(3);
        assertThat(mock("completedOut").getReceivedExchanges()).as("published once, not once per retry").hasSize(1);
        assertThat(mock("faultOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
    }

    @Test
    void aFailingOutcomeUpdateIsRetriedInPlace() throws Exception {
        AtomicInteger updates = new AtomicInteger();
        mock("inboxOutcome").whenAnyExchangeReceived(e -> {
            if (updates.incrementAndGet() < 2) {
                throw new java.sql.SQLException("FATAL: terminating connection due to administrator command", "57P01");
            }
            e.getMessage().setHeader("CamelSqlUpdateCount", 1);
        });
        deliver(fixtures.bytes("envelope-full.json"), Map.of());
        assertThat(updates).hasValue(2);
        assertThat(apiCalls).as("transcript-api not called again").hasValue(1);
        assertThat(mock("completedOut").getReceivedExchanges()).hasSize(1);
        assertThat(mock("faultOut").getReceivedExchanges()).isEmpty();
    }

    @Test
    void outcomeThatCannotBeStored_goesBackToTheQueueWithoutAFault() throws Exception {
        mock("inboxOutcome").whenAnyExchangeReceived(e -> {
            throw new java.sql.SQLException("connection refused", "08001");
        });
        Exchange done = deliver(fixtures.bytes("envelope-full.json"), Map.of());
        assertThat(done.getException()).as("fails back to the listener, which requeues").isNotNull();
        assertThat(mock("completedOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("faultOut").getReceivedExchanges()).isEmpty();
        assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
    }

    @Test
    void aDeliveryOverTheLimit_goesToErrorWithoutBeingProcessed() throws Exception {
        deliver(fixtures.bytes("envelope-full.json"), Map.of("x-delivery-count", 10, "CamelSpringRabbitmqRedelivered", true));
        assertThat(claimCalls).hasValue(0);
        assertThat(apiCalls).hasValue(0);
        Exchange moved = mock("errorOut").getReceivedExchanges().get(0);
        assertThat(moved.getMessage().getHeader("MT-Reason")).isEqualTo("fault");
        assertThat(moved.getMessage().getHeader("MT-Fault-Message", String.class)).contains("delivered 10 more times");
        assertThat(moved.getMessage().getHeaders()).doesNotContainKey("x-delivery-count");
    }

    @Test
    void aDeliveryOverTheLimitWhoseOutcomeIsStored_isRepublishedNotFaulted() throws Exception {
        storedStatus = "SUCCEEDED";
        Map<String, Object> stored = row("SUCCEEDED", 2);
        stored.put("transcript_content", "hello world");
        claimRow = stored;
        deliver(fixtures.bytes("envelope-full.json"), Map.of("x-delivery-count", 10, "CamelSpringRabbitmqRedelivered", true));
        assertThat(mock("limitLookup").getReceivedExchanges()).hasSize(1);
        assertThat(mock("errorOut").getReceivedExchanges()).as("no Fault for a success").isEmpty();
        assertThat(apiCalls).hasValue(0);
        assertThat(envelope(mock("completedOut").getReceivedExchanges().get(0)).path("messageId").asText())
                .isEqualTo(DerivedMessageId.of(fixtures.messageId, 0, "completed"));
    }

    @Test
    void aDeliveryOverTheLimitStillInWork_goesToError() throws Exception {
        storedStatus = "RECEIVED";
        deliver(fixtures.bytes("envelope-full.json"), Map.of("x-delivery-count", 12, "CamelSpringRabbitmqRedelivered", true));
        assertThat(claimCalls).hasValue(0);
        assertThat(mock("errorOut").getReceivedExchanges()).hasSize(1);
    }

    @Test
    void aDeliveryUnderTheLimit_isProcessed() throws Exception {
        deliver(fixtures.bytes("envelope-full.json"), Map.of("x-delivery-count", 9, "CamelSpringRabbitmqRedelivered", true));
        assertThat(apiCalls).hasValue(1);
        assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();
    }

    @Test
    void republishAfterACrash_carriesTheSameMessageIdsAsTheFirstPublish() throws Exception {
        deliver(fixtures.bytes("envelope-full.json"), Map.of());
        String first = envelope(mock("completedOut").getReceivedExchanges().get(0)).path("messageId").asText();
        String firstEvent = envelope(mock("completedOut").getReceivedExchanges().get(0)).path("message").path("id").asText();
        resetMocks();
        Map<String, Object> stored = row("SUCCEEDED", 2);
        stored.put("transcript_content", "hello world");
        claimRow = stored;
        deliver(fixtures.bytes("envelope-full.json"), Map.of("CamelSpringRabbitmqRedelivered", true));
        JsonNode again = envelope(mock("completedOut").getReceivedExchanges().get(0));
        assertThat(again.path("messageId").asText()).isEqualTo(first)
                .isEqualTo(DerivedMessageId.of(fixtures.messageId, 0, "completed"));
        assertThat(again.path("message").path("id").asText()).isEqualTo(firstEvent);
    }

    @Test
    void aRedriveFromError_isProcessedAgainUnderNewIdsAndANewIdempotencyKey() throws Exception {
        Map<String, Object> redriven = row("RECEIVED", 3);
        redriven.put("claimed", true);
        redriven.put("generation", 1);
        claimRow = redriven;
        deliver(fixtures.bytes("envelope-full.json"), Map.of("MT-Reason", "fault", "MT-Fault-Timestamp", "2026-12-02T04:00:00Z"));
        assertThat(mock("inboxClaim").getReceivedExchanges().get(0).getMessage().getBody(Map.class))
                .containsEntry("redriveOf", "fault/2026-12-02T04:00:00Z");
        assertThat(apiCalls).hasValue(1);
        assertThat(apiRequests.peek().getMessage().getHeader("Idempotency-Key")).isEqualTo(fixtures.messageId + "/redrive-1");
        JsonNode done = envelope(mock("completedOut").getReceivedExchanges().get(0));
        assertThat(done.path("messageId").asText()).isEqualTo(DerivedMessageId.of(fixtures.messageId, 1, "completed"))
                .isNotEqualTo(DerivedMessageId.of(fixtures.messageId, 0, "completed"));
    }

    @Test
    void duplicateOfAnAcceptedRequest_waitsForTheCallbacks() throws Exception {
        claimRow = row("ACCEPTED", 2);
        deliver(fixtures.bytes("envelope-full.json"), Map.of("CamelSpringRabbitmqRedelivered", true));
        assertThat(apiCalls).hasValue(0);
        assertThat(mock("completedOut").getReceivedExchanges()).isEmpty();
    }

    @Test
    void redeliveryAfterACrashDuringTheCall_callsTheApiWithTheSameIdempotencyKey() throws Exception {
        // the owner's lease ran out: transcript_inbox_claim handed the request to this delivery
        claimRow = row("RECEIVED", 2);
        claimRow.put("claimed", true);
        deliver(fixtures.bytes("envelope-full.json"), Map.of("CamelSpringRabbitmqRedelivered", true));
        assertThat(apiCalls).hasValue(1);
        assertThat(apiRequests.peek().getMessage().getHeader("Idempotency-Key")).isEqualTo(fixtures.messageId);
        assertThat(mock("completedOut").getReceivedExchanges()).hasSize(1);
    }

    @Test
    void redeliveryAfterACrashBeforeTheConfirm_republishesTheStoredResultWithoutCallingTheApi() throws Exception {
        Map<String, Object> stored = row("SUCCEEDED", 2);
        stored.put("transcript_content", "stored transcript");
        claimRow = stored;
        deliver(fixtures.bytes("envelope-full.json"), Map.of("CamelSpringRabbitmqRedelivered", true));
        assertThat(apiCalls).hasValue(0);
        JsonNode done = envelope(mock("completedOut").getReceivedExchanges().get(0));
        assertThat(done.path("message").path("transcriptContent").asText()).isEqualTo("stored transcript");
        assertThat(mock("inboxCompleted").getReceivedExchanges()).hasSize(1);
    }

    // ---- callbacks ----

    @Test
    void callbackWithoutTheSecret_is401() {
        Exchange answer = callback("progress", fixtures.transcriptRequestId, "wrong", "{\"status\":\"Processing\",\"progress_percentage\":50}");
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(401);
        assertThat(mock("progressOut").getReceivedExchanges()).isEmpty();
    }

    @Test
    void callbackWithABadBody_is400NamingTheField() throws Exception {
        Exchange answer = callback("progress", fixtures.transcriptRequestId, "unit-secret", "{\"status\":\"Processing\",\"progress_percentage\":150}");
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        JsonNode problem = json.readTree(answer.getMessage().getBody(String.class));
        assertThat(problem.path("field").asText()).isEqualTo("progress_percentage");

        Exchange missing = callback("completed", fixtures.transcriptRequestId, "unit-secret", "{\"success\":true}");
        assertThat(missing.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        assertThat(json.readTree(missing.getMessage().getBody(String.class)).path("field").asText()).isEqualTo("transcript");

        Exchange badId = callback("completed", "not-a-guid", "unit-secret", "{\"success\":true,\"transcript\":\"x\"}");
        assertThat(badId.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        assertThat(json.readTree(badId.getMessage().getBody(String.class)).path("field").asText()).isEqualTo("transcriptRequestId");
    }

    @Test
    void callbackForAnUnknownRequest_is404() throws Exception {
        mock("callbackLookup").whenAnyExchangeReceived(e -> e.getMessage().setBody(null));
        Exchange answer = callback("progress", fixtures.transcriptRequestId, "unit-secret", "{\"status\":\"Processing\",\"progress_percentage\":50}");
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(404);
    }

    @Test
    void completedCallback_publishesTheCompletedEventInTheOriginalConversation() throws Exception {
        Map<String, Object> inbox = new HashMap<>();
        inbox.put("message_id", fixtures.messageId);
        inbox.put("transcript_request_id", fixtures.transcriptRequestId);
        inbox.put("user_id", fixtures.userId);
        inbox.put("conversation_id", fixtures.conversationId);
        inbox.put("activity_id", fixtures.activityId);
        inbox.put("payload", "{}");
        inbox.put("status", "ACCEPTED");
        mock("callbackLookup").whenAnyExchangeReceived(e -> e.getMessage().setBody(inbox));
        Exchange answer = callback("completed", fixtures.transcriptRequestId.toUpperCase(), "unit-secret-previous",
                "{\"success\":true,\"transcript\":\"from callback\",\"error\":null}");
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(202);
        Exchange published = mock("completedOut").getReceivedExchanges().get(0);
        JsonNode done = envelope(published);
        assertThat(done.path("conversationId").asText()).isEqualTo(fixtures.conversationId);
        assertThat(done.path("initiatorId").asText()).isEqualTo(fixtures.messageId);
        assertThat(done.path("headers").path("MT-Activity-Id").asText()).isEqualTo(fixtures.activityId);
        assertThat(done.path("message").path("transcriptContent").asText()).isEqualTo("from callback");
        assertThat(json.readTree(answer.getMessage().getBody(String.class)).path("messageId").asText())
                .isEqualTo(done.path("messageId").asText());
        assertThat(mock("callbackOutcome").getReceivedExchanges()).hasSize(1);
        assertThat(mock("inboxCompleted").getReceivedExchanges()).hasSize(1);
        assertThat(mock("errorOut").getReceivedExchanges()).isEmpty();

        inbox.put("status", "COMPLETED");
        Exchange again = callback("completed", fixtures.transcriptRequestId, "unit-secret", "{\"success\":true,\"transcript\":\"x\"}");
        assertThat(again.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(409);
    }

    // ---- helpers ----

    private Exchange deliver(byte[] body, Map<String, Object> headers) {
        return producer.send("direct:transcripts-in", e -> {
            e.getMessage().setBody(body);
            e.getMessage().setHeaders(new HashMap<>(headers));
        });
    }

    private Exchange callback(String kind, String id, String secret, String body) {
        return producer.request("direct:transcripts-callback-" + kind, e -> {
            e.getMessage().setHeader("transcriptRequestId", id);
            e.getMessage().setHeader("X-Internal-Secret", secret);
            e.getMessage().setBody(body);
        });
    }

    private void assertEnvelope(Exchange published, String type, String exchangeName) throws Exception {
        JsonNode envelope = envelope(published);
        List<String> keys = new ArrayList<>();
        envelope.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("messageId", "requestId", "correlationId", "conversationId", "initiatorId",
                "sourceAddress", "destinationAddress", "responseAddress", "faultAddress", "messageType", "message",
                "expirationTime", "sentTime", "headers", "host");
        assertThat(envelope.path("requestId").isNull()).isTrue();
        assertThat(envelope.path("responseAddress").isNull()).isTrue();
        assertThat(envelope.path("faultAddress").isNull()).isTrue();
        assertThat(envelope.path("expirationTime").isNull()).isTrue();
        assertThat(envelope.path("messageType").size()).isEqualTo(1);
        assertThat(envelope.path("messageType").get(0).asText()).isEqualTo("urn:message:" + NS + ":" + type);
        assertThat(envelope.path("sourceAddress").asText()).isEqualTo("rabbitmq://127.0.0.1/transcript-consumer");
        assertThat(envelope.path("destinationAddress").asText()).isEqualTo("rabbitmq://127.0.0.1/" + exchangeName);
        assertThat(envelope.path("sentTime").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?Z");
        assertThat(envelope.path("correlationId").asText()).isEqualTo(fixtures.transcriptRequestId);
        JsonNode host = envelope.path("host");
        assertThat(host.path("processId").isNumber()).isTrue();
        for (String key : List.of("machineName", "processName", "assembly", "assemblyVersion", "frameworkVersion",
                "massTransitVersion", "operatingSystemVersion")) {
            assertThat(host.path(key).asText()).as("host." + key).isNotBlank();
        }
        assertThat(envelope.path("message").path("transcriptRequestId").asText()).isEqualTo(fixtures.transcriptRequestId);

        Map<String, Object> headers = published.getMessage().getHeaders();
        assertThat(headers).containsEntry("CamelSpringRabbitmqContentType", "application/vnd.masstransit+json")
                .containsEntry("CamelSpringRabbitmqDeliveryMode", MessageDeliveryMode.PERSISTENT)
                .containsEntry("CamelSpringRabbitmqMessageId", envelope.path("messageId").asText())
                .containsEntry("CamelSpringRabbitmqCorrelationId", fixtures.transcriptRequestId);
        Set<String> allowed = Set.of("CamelSpringRabbitmqContentType", "CamelSpringRabbitmqDeliveryMode",
                "CamelSpringRabbitmqMessageId", "CamelSpringRabbitmqCorrelationId", "MT-Activity-Id");
        assertThat(headers.keySet()).as("only AMQP properties and MassTransit headers go out").isSubsetOf(allowed);
        if (envelope.path("headers").has("MT-Activity-Id")) {
            assertThat(headers).containsEntry("MT-Activity-Id", envelope.path("headers").path("MT-Activity-Id").asText());
            assertThat(envelope.path("headers").path("MT-Activity-Id").asText()).isEqualTo(fixtures.activityId);
        }
    }

    private JsonNode envelope(Exchange published) throws Exception {
        return json.readTree(published.getMessage().getBody(byte[].class));
    }

    private void assertValid(String schema, JsonNode payload) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/contracts/transcripts/" + schema + ".schema.json")) {
            JsonSchema jsonSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
            Set<ValidationMessage> errors = jsonSchema.validate(payload);
            assertThat(errors).as(schema + " for " + payload).isEmpty();
        }
    }

    private List<String> liveStatuses() {
        return mock("live").getReceivedExchanges().stream()
                .map(e -> e.getProperty("liveEvent", LiveEvent.class)).map(LiveEvent::status).toList();
    }

    private List<String> liveTypes() {
        return mock("live").getReceivedExchanges().stream()
                .map(e -> e.getProperty("liveEvent", LiveEvent.class)).map(LiveEvent::type).toList();
    }

    private MockEndpoint mock(String name) {
        return camelContext.getEndpoint("mock:" + name, MockEndpoint.class);
    }

    private static Map<String, Object> row(String status, int deliveries) {
        Map<String, Object> row = new HashMap<>();
        row.put("status", status);
        row.put("deliveries", deliveries);
        row.put("claimed", "RECEIVED".equals(status) && deliveries == 1);
        row.put("generation", 0);
        row.put("fault", false);
        row.put("retry_count", 0);
        return row;
    }

    private static Map<String, Object> answer(int status, String body) {
        return Map.of("status", status, "body", body);
    }

    private static HttpOperationFailedException failure(int status, Map<String, String> headers) {
        return new HttpOperationFailedException("http://transcript-api/process-video-from-consumer", status, "status " + status,
                null, headers, "{\"detail\":\"status " + status + "\"}");
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
