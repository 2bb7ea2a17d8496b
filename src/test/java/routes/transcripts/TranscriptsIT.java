package routes.transcripts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import routes.shared.ConsumerKillSwitch;
import routes.support.HubIntegrationTest;
import routes.support.HubResources;
import routes.support.TestInfrastructure;

/**
 * The transcripts flow on the real RabbitMQ and PostgreSQL with a WireMock transcript-api: envelopes published to
 * the .NET app's exchange as MassTransit publishes them, and the envelopes, AMQP properties and dead letters that
 * come out, field by field.
 */
@HubIntegrationTest
class TranscriptsIT {

    private static final String NS = "M3.Net.Modules.Transcripts.IntegrationEvents";
    private static final String API_PATH = "/transcript-api/process-video-from-consumer";
    private static final String PROGRESS_Q = "it.transcripts.progress";
    private static final String COMPLETED_Q = "it.transcripts.completed";
    private static final String FAULT_Q = "it.transcripts.fault";

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    AmqpAdmin amqpAdmin;

    @Autowired
    HubResources resources;

    @Autowired
    TranscriptsSettings settings;

    @Autowired
    CamelContext camel;

    @Autowired
    TranscriptEvents events;

    @Autowired
    RedeliverySchedule redeliverySchedule;

    @Value("${hub.transcripts.consumer.concurrency}")
    int consumerCount;

    @LocalServerPort
    int port;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final WireMockServer wireMock = TestInfrastructure.wireMock();
    private TranscriptFixtures fixtures;

    @BeforeEach
    void cleanUp() {
        bindTestQueue(PROGRESS_Q, settings.exchanges().progress());
        bindTestQueue(COMPLETED_Q, settings.exchanges().completed());
        bindTestQueue(FAULT_Q, settings.exchanges().fault());
        resources.purgeQueues(PROGRESS_Q, COMPLETED_Q, FAULT_Q, settings.errorQueue(), settings.skippedQueue());
        for (StubMapping stub : new ArrayList<>(wireMock.getStubMappings())) {
            if (stub.getRequest().getUrl() != null && stub.getRequest().getUrl().startsWith("/transcript-api")) {
                wireMock.removeStub(stub);
            }
        }
        fixtures = new TranscriptFixtures();
    }

    @Test
    void transcriptReady_eventsOnTheWireAreWhatMassTransitWrites() throws Exception {
        stubApi(fixtures.transcriptRequestId, 200, "{\"success\": true, \"transcript\": \"Never gonna give you up\"}");
        publish(fixtures.bytes("envelope-activity.json"), fixtures.messageId, Map.of("MT-Activity-Id", fixtures.activityId));

        Message queued = awaitMessage(PROGRESS_Q, fixtures.transcriptRequestId, m -> "Queued".equals(status(m)));
        Message processing = awaitMessage(PROGRESS_Q, fixtures.transcriptRequestId, m -> "Processing".equals(status(m)));
        Message completed = awaitMessage(COMPLETED_Q, fixtures.transcriptRequestId, m -> true);

        assertOnTheWire(queued, "TranscriptProcessingProgressIntegrationEvent", settings.exchanges().progress(), true);
        assertOnTheWire(processing, "TranscriptProcessingProgressIntegrationEvent", settings.exchanges().progress(), true);
        assertOnTheWire(completed, "TranscriptProcessingCompletedIntegrationEvent", settings.exchanges().completed(), true);
        assertThat(body(queued).path("message").path("progressPercentage").asInt()).isZero();
        assertThat(body(processing).path("message").path("progressPercentage").asInt()).isEqualTo(10);
        JsonNode done = body(completed).path("message");
        assertThat(done.path("success").asBoolean()).isTrue();
        assertThat(done.path("transcriptContent").asText()).isEqualTo("Never gonna give you up");
        assertThat(done.path("errorMessage").isNull()).isTrue();
        assertThat(done.path("processedAtUtc").asText()).endsWith("Z");

        RequestPatternBuilder call = apiCall(fixtures.transcriptRequestId)
                .withHeader("Idempotency-Key", equalTo(fixtures.messageId))
                .withHeader("X-Correlation-Id", equalTo(fixtures.transcriptRequestId))
                .withHeader("traceparent", equalTo(fixtures.activityId))
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(matchingJsonPath("$.video_url", equalTo("http://videos.example.org/talks/42.mp4")))
                .withRequestBody(matchingJsonPath("$.user_id", equalTo(fixtures.userId)))
                .withRequestBody(matchingJsonPath("$.correlation_id", equalTo(fixtures.transcriptRequestId)));
        wireMock.verify(1, call);
        await().atMost(Duration.ofSeconds(5)).until(() -> "COMPLETED".equals(inboxStatus(fixtures.messageId)));
    }

    @Test
    void everyEnvelopeShapeMassTransitSends_isProcessed() throws Exception {
        for (String shape : List.of("envelope-full.json", "envelope-minimal.json", "envelope-request.json", "envelope-n-guids.json")) {
            TranscriptFixtures f = new TranscriptFixtures();
            stubApi(f.transcriptRequestId, 200, "{\"success\": true, \"transcript\": \"" + shape + "\"}");
            byte[] body = shape.equals("envelope-n-guids.json") ? f.withBom(shape) : f.bytes(shape);
            publish(body, shape.equals("envelope-minimal.json") ? null : f.messageId, Map.of());
            Message completed = awaitMessage(COMPLETED_Q, f.transcriptRequestId, m -> true);
            JsonNode envelope = body(completed);
            assertThat(envelope.path("message").path("transcriptContent").asText()).as(shape).isEqualTo(shape);
            String expectedInitiator = shape.equals("envelope-minimal.json") ? f.eventId : f.messageId;
            assertThat(envelope.path("initiatorId").asText()).as(shape).isEqualTo(expectedInitiator);
            String expectedConversation = switch (shape) {
                case "envelope-minimal.json" -> f.eventId;
                case "envelope-request.json" -> f.messageId;
                default -> f.conversationId;
            };
            assertThat(envelope.path("conversationId").asText()).as(shape).isEqualTo(expectedConversation);
            assertThat(completed.getMessageProperties().getCorrelationId()).as(shape).isEqualTo(f.transcriptRequestId);
        }
    }

    /**
     * MassTransit's raw JSON serializer on both sides: a bare TranscriptRequestedIntegrationEvent (application/json,
     * ids in the AMQP properties and MassTransit's transport headers) is processed, and with the publish serializer
     * raw (TRANSCRIPTS_PUBLISH_SERIALIZER=raw, switched on the bean here) the events go out as bare JSON with the raw
     * serializer's headers.
     */
    @Test
    void rawJsonRequestIn_rawJsonEventsOut() throws Exception {
        stubApi(fixtures.transcriptRequestId, 200, "{\"success\": true, \"transcript\": \"raw all the way\"}");
        events.useSerializer(MessageSerializer.RAW);
        try {
            MessageProperties props = new MessageProperties();
            props.setContentType("application/json");
            props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
            props.setMessageId(fixtures.messageId);
            props.setHeader("ConversationId", fixtures.conversationId);
            props.setHeader("MT-MessageType", "urn:message:" + NS + ":TranscriptRequestedIntegrationEvent");
            props.setHeader("MT-Source-Address", "rabbitmq://127.0.0.1/m3-api");
            props.setHeader("MT-Activity-Id", fixtures.activityId);
            String body = "{\"id\":\"" + fixtures.eventId + "\",\"occurredOnUtc\":\"2026-12-04T10:00:00Z\",\"transcriptRequestId\":\""
                    + fixtures.transcriptRequestId + "\",\"userId\":\"" + fixtures.userId
                    + "\",\"videoUrl\":\"https://www.youtube.com/watch?v=raw\",\"language\":null}";
            rabbit.send(settings.exchanges().requested(), "", new Message(body.getBytes(java.nio.charset.StandardCharsets.UTF_8), props));

            Message queued = awaitRaw(PROGRESS_Q, m -> rawAbout(m) && "Queued".equals(body(m).path("status").asText()));
            Message processing = awaitRaw(PROGRESS_Q, m -> rawAbout(m) && "Processing".equals(body(m).path("status").asText()));
            Message completed = awaitRaw(COMPLETED_Q, this::rawAbout);
            assertRawOnTheWire(queued, "TranscriptProcessingProgressIntegrationEvent");
            assertRawOnTheWire(processing, "TranscriptProcessingProgressIntegrationEvent");
            assertRawOnTheWire(completed, "TranscriptProcessingCompletedIntegrationEvent");
            assertThat(body(completed).path("success").asBoolean()).isTrue();
            assertThat(body(completed).path("transcriptContent").asText()).isEqualTo("raw all the way");

            wireMock.verify(1, apiCall(fixtures.transcriptRequestId)
                    .withHeader("Idempotency-Key", equalTo(fixtures.messageId))
                    .withHeader("traceparent", equalTo(fixtures.activityId))
                    .withRequestBody(matchingJsonPath("$.video_url", equalTo("https://www.youtube.com/watch?v=raw"))));
            await().atMost(Duration.ofSeconds(5)).until(() -> "COMPLETED".equals(inboxStatus(fixtures.messageId)));
        } finally {
            events.useSerializer(MessageSerializer.ENVELOPE);
        }
    }

    @Test
    void poisonMessage_movesToErrorUnchangedWithFaultHeaders() throws Exception {
        byte[] body = fixtures.bytes("envelope-invalid-json.json");
        publish(body, fixtures.messageId, Map.of("Custom-Header", "kept"));
        Message error = awaitRaw(settings.errorQueue(), m -> fixtures.messageId.equals(m.getMessageProperties().getMessageId()));
        assertThat(error.getBody()).isEqualTo(body);
        MessageProperties props = error.getMessageProperties();
        assertThat(props.getContentType()).isEqualTo("application/vnd.masstransit+json");
        assertThat(props.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        Map<String, Object> headers = props.getHeaders();
        assertThat(headers).containsEntry("MT-Reason", "fault").containsEntry("Custom-Header", "kept")
                .containsEntry("MT-Fault-ExceptionType", InvalidTranscriptMessage.class.getName())
                .containsEntry("MT-Fault-InputAddress", "rabbitmq://127.0.0.1/" + settings.endpoint())
                .containsKeys("MT-Fault-Message", "MT-Fault-Timestamp", "MT-Host-MachineName", "MT-Host-ProcessId",
                        "MT-Host-MassTransitVersion")
                .doesNotContainKey("MT-Fault-RetryCount");
        assertThat(headers.keySet()).noneMatch(k -> k.startsWith("Camel"));
        wireMock.verify(0, apiCall(fixtures.transcriptRequestId));
    }

    @Test
    void schemaInvalidPayload_movesToError() throws Exception {
        publish(fixtures.bytes("envelope-invalid-payload.json"), fixtures.messageId, Map.of());
        Message error = awaitRaw(settings.errorQueue(), m -> fixtures.messageId.equals(m.getMessageProperties().getMessageId()));
        assertThat((String) error.getMessageProperties().getHeader("MT-Fault-Message")).contains("userId");
        wireMock.verify(0, apiCall(fixtures.transcriptRequestId));
    }

    @Test
    void otherMessageType_movesToSkipped() throws Exception {
        byte[] body = fixtures.bytes("envelope-other-type.json");
        publish(body, fixtures.messageId, Map.of());
        Message skipped = awaitRaw(settings.skippedQueue(), m -> fixtures.messageId.equals(m.getMessageProperties().getMessageId()));
        assertThat(skipped.getBody()).isEqualTo(body);
        assertThat(skipped.getMessageProperties().getHeaders()).containsEntry("MT-Reason", "dead-letter")
                .doesNotContainKey("MT-Fault-ExceptionType");
    }

    @Test
    void apiUnavailableThroughEveryRetry_completedFailedFaultAndError() throws Exception {
        wireMock.stubFor(post(urlEqualTo(API_PATH))
                .withRequestBody(matchingJsonPath("$.transcript_request_id", equalTo(fixtures.transcriptRequestId)))
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "0").withBody("{\"detail\":\"overloaded\"}")));
        // the last delivery of the it profile's intervals (1s,2s): no redelivery left (TranscriptsRedeliveryIT for those)
        publish(fixtures.bytes("envelope-full.json"), fixtures.messageId, Map.of("MT-Redelivery-Count", 2));

        Message completed = awaitMessage(COMPLETED_Q, fixtures.transcriptRequestId, m -> true);
        JsonNode done = body(completed).path("message");
        assertThat(done.path("success").asBoolean()).isFalse();
        assertThat(done.path("transcriptContent").isNull()).isTrue();
        assertThat(done.path("errorMessage").asText()).contains("503").contains("overloaded");

        Message fault = awaitMessage(FAULT_Q, null, m -> fixtures.messageId.equals(body(m).path("message").path("faultedMessageId").asText()));
        JsonNode faultEnvelope = body(fault);
        assertThat(faultEnvelope.path("messageType").get(0).asText())
                .isEqualTo("urn:message:MassTransit:Fault[[" + NS + ":TranscriptRequestedIntegrationEvent]]");
        assertThat(faultEnvelope.path("conversationId").asText()).isEqualTo(fixtures.conversationId);
        assertThat(faultEnvelope.path("message").path("message").path("transcriptRequestId").asText()).isEqualTo(fixtures.transcriptRequestId);
        assertThat(fault.getMessageProperties().getContentType()).isEqualTo("application/vnd.masstransit+json");

        Message error = awaitRaw(settings.errorQueue(), m -> fixtures.messageId.equals(m.getMessageProperties().getMessageId()));
        assertThat(error.getMessageProperties().getHeaders()).containsEntry("MT-Reason", "fault")
                .containsEntry("MT-Fault-RetryCount", 4).containsEntry("MT-Redelivery-Count", 2);
        wireMock.verify(5, apiCall(fixtures.transcriptRequestId));
        await().atMost(Duration.ofSeconds(5)).until(() -> "COMPLETED".equals(inboxStatus(fixtures.messageId)));
    }

    @Test
    void duplicateEnvelope_doesNotCallTheApiTwice() throws Exception {
        stubApi(fixtures.transcriptRequestId, 200, "{\"success\": true, \"transcript\": \"once\"}");
        byte[] body = fixtures.bytes("envelope-full.json");
        publish(body, fixtures.messageId, Map.of());
        awaitMessage(COMPLETED_Q, fixtures.transcriptRequestId, m -> true);
        await().atMost(Duration.ofSeconds(5)).until(() -> "COMPLETED".equals(inboxStatus(fixtures.messageId)));

        publish(body, fixtures.messageId, Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(fixtures.messageId) == 2);
        assertThat(rabbit.receive(COMPLETED_Q, 500)).as("no second completed event").isNull();
        wireMock.verify(1, apiCall(fixtures.transcriptRequestId));
    }

    /**
     * The consumer is no request/reply endpoint (disableReplyTo=true): a request carrying an AMQP reply_to property
     * is processed as any other, and nothing is published to the queue it names.
     */
    @Test
    void aRequestWithReplyTo_isProcessedAndNothingIsPublishedToTheReplyQueue() throws Exception {
        String replyQueue = "it.transcripts.reply-to." + UUID.randomUUID();
        amqpAdmin.declareQueue(new Queue(replyQueue, false, false, false));
        try {
            stubApi(fixtures.transcriptRequestId, 200, "{\"success\": true, \"transcript\": \"no reply\"}");
            MessageProperties props = new MessageProperties();
            props.setContentType("application/vnd.masstransit+json");
            props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
            props.setMessageId(fixtures.messageId);
            props.setReplyTo(replyQueue);
            rabbit.send(settings.exchanges().requested(), "", new Message(fixtures.bytes("envelope-full.json"), props));

            awaitMessage(COMPLETED_Q, fixtures.transcriptRequestId, m -> true);
            await().atMost(Duration.ofSeconds(5)).until(() -> "COMPLETED".equals(inboxStatus(fixtures.messageId)));
            wireMock.verify(1, apiCall(fixtures.transcriptRequestId));
            // a reply would be sent as the delivery ends; when sending it fails, the delivery goes back to the queue,
            // again and again (seen with disableReplyTo=false): the request must stay delivered exactly once
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> deliveries(fixtures.messageId) == 1);
            assertThat(rabbit.receive(replyQueue, 500)).as("a reply on the reply_to queue").isNull();
            assertThat(amqpAdmin.getQueueInfo(replyQueue).getMessageCount()).isZero();
            assertThat(amqpAdmin.getQueueInfo(settings.endpoint()).getMessageCount()).as("the request left its queue").isZero();
        } finally {
            amqpAdmin.deleteQueue(replyQueue);
        }
    }

    @Test
    void overTheDeliveryLimit_aFinishedRequestIsAckedAndAnUnfinishedOneGoesToError() throws Exception {
        // the queue's x-delivery-count as a redelivery after lost acks would carry it (TRANSCRIPTS_DELIVERY_LIMIT: 10)
        Map<String, Object> overTheLimit = Map.of("x-delivery-count", 10L);
        stubApi(fixtures.transcriptRequestId, 200, "{\"success\": true, \"transcript\": \"done once\"}");
        byte[] body = fixtures.bytes("envelope-full.json");
        publish(body, fixtures.messageId, Map.of());
        awaitMessage(COMPLETED_Q, fixtures.transcriptRequestId, m -> true);
        await().atMost(Duration.ofSeconds(5)).until(() -> "COMPLETED".equals(inboxStatus(fixtures.messageId)));

        publish(body, fixtures.messageId, overTheLimit);
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(fixtures.messageId) == 2);
        assertThat(rabbit.receive(settings.errorQueue(), 1_000)).as("no Fault for a success").isNull();
        assertThat(rabbit.receive(FAULT_Q, 200)).isNull();
        wireMock.verify(1, apiCall(fixtures.transcriptRequestId));

        TranscriptFixtures never = new TranscriptFixtures();
        publish(never.bytes("envelope-full.json"), never.messageId, overTheLimit);
        Message dead = awaitRaw(settings.errorQueue(), m -> never.messageId.equals(m.getMessageProperties().getMessageId()));
        assertThat(String.valueOf(dead.getMessageProperties().getHeaders().get("MT-Fault-Message"))).contains("delivered 10 more times");
        wireMock.verify(0, apiCall(never.transcriptRequestId));
    }

    @Test
    void accepted202_callbacksBecomeEventsInTheOriginalConversation() throws Exception {
        stubApi(fixtures.transcriptRequestId, 202, "{\"status\": \"accepted\"}");
        publish(fixtures.bytes("envelope-activity.json"), fixtures.messageId, Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> "ACCEPTED".equals(inboxStatus(fixtures.messageId)));
        awaitMessage(PROGRESS_Q, fixtures.transcriptRequestId, m -> "Processing".equals(status(m)));

        HttpResponse<String> unauthorized = callback("progress", fixtures.transcriptRequestId, "wrong",
                "{\"status\":\"Transcribing\",\"progress_percentage\":55,\"message\":\"half way\"}");
        assertThat(unauthorized.statusCode()).isEqualTo(401);

        HttpResponse<String> invalid = callback("progress", fixtures.transcriptRequestId, "it-secret",
                "{\"status\":\"Transcribing\",\"progress_percentage\":\"half\"}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json.readTree(invalid.body()).path("field").asText()).isEqualTo("progress_percentage");

        HttpResponse<String> progress = callback("progress", fixtures.transcriptRequestId, "it-secret",
                "{\"status\":\"Transcribing\",\"progress_percentage\":55,\"message\":\"half way\"}");
        assertThat(progress.statusCode()).as(progress.body()).isEqualTo(202);
        Message progressEvent = awaitMessage(PROGRESS_Q, fixtures.transcriptRequestId, m -> "Transcribing".equals(status(m)));
        assertOnTheWire(progressEvent, "TranscriptProcessingProgressIntegrationEvent", settings.exchanges().progress(), true);
        assertThat(body(progressEvent).path("message").path("progressPercentage").asInt()).isEqualTo(55);
        assertThat(body(progressEvent).path("message").path("message").asText()).isEqualTo("half way");

        HttpResponse<String> done = callback("completed", fixtures.transcriptRequestId, "it-secret",
                "{\"success\":true,\"transcript\":\"called back\",\"error\":null}");
        assertThat(done.statusCode()).as(done.body()).isEqualTo(202);
        Message completed = awaitMessage(COMPLETED_Q, fixtures.transcriptRequestId, m -> true);
        assertOnTheWire(completed, "TranscriptProcessingCompletedIntegrationEvent", settings.exchanges().completed(), true);
        assertThat(body(completed).path("message").path("transcriptContent").asText()).isEqualTo("called back");
        assertThat(json.readTree(done.body()).path("messageId").asText()).isEqualTo(completed.getMessageProperties().getMessageId());
        assertThat(inboxStatus(fixtures.messageId)).isEqualTo("COMPLETED");

        assertThat(callback("completed", fixtures.transcriptRequestId, "it-secret", "{\"success\":true,\"transcript\":\"again\"}")
                .statusCode()).isEqualTo(409);
        assertThat(callback("completed", new TranscriptFixtures().transcriptRequestId, "it-secret",
                "{\"success\":false,\"error\":\"x\"}").statusCode()).isEqualTo(404);
        wireMock.verify(1, apiCall(fixtures.transcriptRequestId));
    }

    @Test
    void killSwitch_stopsTheConsumerWhenMostDeliveriesFail_andStartsItAgainAfterTheRestartTimeout() throws Exception {
        ConsumerKillSwitch killSwitch = camel.getRegistry().lookupByNameAndType("transcriptsKillSwitch", ConsumerKillSwitch.class);
        assertThat(killSwitch.snapshot().state()).as("off unless TRANSCRIPTS_KILL_SWITCH_ENABLED").isEqualTo(ConsumerKillSwitch.State.DISABLED);
        killSwitch.setActivationThreshold(4);
        killSwitch.setTripThreshold(50);
        killSwitch.setRestartTimeout("6s");
        killSwitch.setEnabled(true);
        try {
            List<TranscriptFixtures> failing = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                TranscriptFixtures request = new TranscriptFixtures();
                wireMock.stubFor(post(urlEqualTo(API_PATH))
                        .withRequestBody(matchingJsonPath("$.transcript_request_id", equalTo(request.transcriptRequestId)))
                        .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "0")));
                failing.add(request);
            }
            // redelivered as often as the intervals allow already (1s,2s in the it profile): to _error after the retries
            failing.forEach(request -> publish(request.bytes("envelope-full.json"), request.messageId,
                    Map.of("MT-Redelivery-Count", 2)));

            await().atMost(Duration.ofSeconds(30)).until(() -> killSwitch.snapshot().state() == ConsumerKillSwitch.State.TRIPPED);
            await().atMost(Duration.ofSeconds(10)).until(() -> consumers(settings.endpoint()) == 0);
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/health/killSwitch")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("OUT_OF_SERVICE").contains("transcriptsConsume").contains("TRIPPED");
            HttpResponse<String> readiness = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(readiness.statusCode()).as("a tripped consumer keeps the pod ready: " + readiness.body()).isEqualTo(200);

            stubApi(fixtures.transcriptRequestId, 200, "{\"success\": true, \"transcript\": \"after the pause\"}");
            publish(fixtures.bytes("envelope-full.json"), fixtures.messageId, Map.of());
            Thread.sleep(1000);
            assertThat(killSwitch.snapshot().state()).isEqualTo(ConsumerKillSwitch.State.TRIPPED);
            wireMock.verify(0, apiCall(fixtures.transcriptRequestId));

            Message completed = awaitMessage(COMPLETED_Q, fixtures.transcriptRequestId, m -> true);
            assertThat(body(completed).path("message").path("success").asBoolean()).isTrue();
            assertThat(killSwitch.snapshot().state()).isEqualTo(ConsumerKillSwitch.State.CLOSED);
            await().atMost(Duration.ofSeconds(10)).until(() -> consumers(settings.endpoint()) == consumerCount);
            // the failed deliveries are in _error, none lost to the stop (the ones a consumer had prefetched went back)
            java.util.Set<String> missing = new java.util.HashSet<>();
            failing.forEach(request -> missing.add(request.messageId));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!missing.isEmpty() && System.nanoTime() < deadline) {
                Message error = rabbit.receive(settings.errorQueue(), 500);
                if (error != null) {
                    missing.remove(error.getMessageProperties().getMessageId());
                }
            }
            assertThat(missing).as("failed requests not in " + settings.errorQueue()).isEmpty();
        } finally {
            killSwitch.setEnabled(false);
            killSwitch.restart();
        }
    }

    @Test
    void topologyIsMassTransits_redeclaringItNeverFails() {
        List<Declarable> topology = TranscriptsTopology.declarables(settings, redeliverySchedule);
        for (Declarable declarable : topology) {
            if (declarable instanceof Queue queue) {
                amqpAdmin.declareQueue(queue);
            } else if (declarable instanceof FanoutExchange exchange) {
                amqpAdmin.declareExchange(exchange);
            } else if (declarable instanceof Binding binding) {
                amqpAdmin.declareBinding(binding);
            }
        }
        // the queue really is quorum: declaring it as a classic queue is refused (406)
        assertThatThrownBy(() -> amqpAdmin.declareQueue(new Queue(settings.endpoint(), true, false, false)))
                .isInstanceOf(AmqpException.class);
    }

    // ---- helpers ----

    private void assertOnTheWire(Message message, String type, String exchange, boolean activity) throws Exception {
        MessageProperties props = message.getMessageProperties();
        JsonNode envelope = body(message);
        assertThat(props.getContentType()).isEqualTo("application/vnd.masstransit+json");
        assertThat(props.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        assertThat(props.getMessageId()).isEqualTo(envelope.path("messageId").asText());
        assertThat(props.getCorrelationId()).isEqualTo(fixtures.transcriptRequestId);
        assertThat(props.getReceivedExchange()).isEqualTo(exchange);
        assertThat(props.getHeaders().keySet()).as("AMQP headers").containsExactlyInAnyOrderElementsOf(
                activity ? List.of("MT-Activity-Id") : List.of());
        if (activity) {
            assertThat(props.getHeaders()).containsEntry("MT-Activity-Id", fixtures.activityId);
            assertThat(envelope.path("headers").path("MT-Activity-Id").asText()).isEqualTo(fixtures.activityId);
        }
        List<String> keys = new ArrayList<>();
        envelope.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("messageId", "requestId", "correlationId", "conversationId", "initiatorId",
                "sourceAddress", "destinationAddress", "responseAddress", "faultAddress", "messageType", "message",
                "expirationTime", "sentTime", "headers", "host");
        assertThat(envelope.path("messageId").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(envelope.path("correlationId").asText()).isEqualTo(fixtures.transcriptRequestId);
        assertThat(envelope.path("conversationId").asText()).isEqualTo(fixtures.conversationId);
        assertThat(envelope.path("initiatorId").asText()).isEqualTo(fixtures.messageId);
        assertThat(envelope.path("requestId").isNull()).isTrue();
        assertThat(envelope.path("sourceAddress").asText()).isEqualTo("rabbitmq://127.0.0.1/" + settings.endpoint());
        assertThat(envelope.path("destinationAddress").asText()).isEqualTo("rabbitmq://127.0.0.1/" + exchange);
        assertThat(envelope.path("messageType").size()).isEqualTo(1);
        assertThat(envelope.path("messageType").get(0).asText()).isEqualTo("urn:message:" + NS + ":" + type);
        assertThat(envelope.path("sentTime").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,7})?Z");
        assertThat(envelope.path("expirationTime").isNull()).isTrue();
        assertThat(envelope.path("host").path("processId").asLong()).isEqualTo(ProcessHandle.current().pid());
        JsonNode payload = envelope.path("message");
        assertThat(payload.path("transcriptRequestId").asText()).isEqualTo(fixtures.transcriptRequestId);
        assertThat(payload.path("id").asText()).isNotEqualTo(fixtures.eventId);
        assertThat(payload.path("occurredOnUtc").asText()).endsWith("Z");
    }

    private boolean rawAbout(Message message) {
        return fixtures.transcriptRequestId.equals(body(message).path("transcriptRequestId").asText());
    }

    /** A bare event as MassTransit's raw JSON serializer publishes it: the AMQP properties and its transport headers. */
    private void assertRawOnTheWire(Message message, String type) throws Exception {
        MessageProperties props = message.getMessageProperties();
        JsonNode event = body(message);
        assertThat(props.getContentType()).isEqualTo("application/json");
        assertThat(props.getReceivedDeliveryMode()).isEqualTo(MessageDeliveryMode.PERSISTENT);
        assertThat(props.getMessageId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(props.getCorrelationId()).isEqualTo(fixtures.transcriptRequestId);
        assertThat(props.getHeaders().keySet()).as("AMQP headers").containsExactlyInAnyOrder("MessageId", "CorrelationId",
                "ConversationId", "MT-InitiatorId", "MT-Source-Address", "MT-MessageType", "MT-Host-Info", "MT-Activity-Id");
        assertThat(props.getHeaders()).containsEntry("MessageId", props.getMessageId())
                .containsEntry("CorrelationId", fixtures.transcriptRequestId)
                .containsEntry("ConversationId", fixtures.conversationId)
                .containsEntry("MT-InitiatorId", fixtures.messageId)
                .containsEntry("MT-Source-Address", "rabbitmq://127.0.0.1/" + settings.endpoint())
                .containsEntry("MT-MessageType", "urn:message:" + NS + ":" + type)
                .containsEntry("MT-Activity-Id", fixtures.activityId);
        assertThat(json.readTree(String.valueOf(props.getHeaders().get("MT-Host-Info"))).path("processId").asLong())
                .isEqualTo(ProcessHandle.current().pid());
        assertThat(event.has("messageType") || event.has("message") && event.path("message").isObject())
                .as("a bare message, no envelope").isFalse();
        assertThat(event.path("transcriptRequestId").asText()).isEqualTo(fixtures.transcriptRequestId);
        assertThat(event.path("id").asText()).isNotEqualTo(fixtures.eventId);
        assertThat(event.path("occurredOnUtc").asText()).endsWith("Z");
    }

    private void publish(byte[] body, String messageId, Map<String, Object> headers) {
        MessageProperties props = new MessageProperties();
        props.setContentType("application/vnd.masstransit+json");
        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        if (messageId != null) {
            props.setMessageId(messageId);
        }
        headers.forEach(props::setHeader);
        rabbit.send(settings.exchanges().requested(), "", new Message(body, props));
    }

    /** The next message on {@code queue} about {@code transcriptRequestId} (any, when null) that matches. */
    private Message awaitMessage(String queue, String transcriptRequestId, Predicate<Message> matches) {
        return awaitRaw(queue, m -> (transcriptRequestId == null
                || transcriptRequestId.equals(body(m).path("message").path("transcriptRequestId").asText())) && matches.test(m));
    }

    private Message awaitRaw(String queue, Predicate<Message> matches) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            Message message = rabbit.receive(queue, 500);
            if (message != null && matches.test(message)) {
                return message;
            }
        }
        throw new AssertionError("no matching message on " + queue + " within 15 s");
    }

    private JsonNode body(Message message) {
        try {
            return json.readTree(message.getBody());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + new String(message.getBody()), e);
        }
    }

    private String status(Message message) {
        return body(message).path("message").path("status").asText();
    }

    private void stubApi(String transcriptRequestId, int status, String body) {
        wireMock.stubFor(post(urlEqualTo(API_PATH))
                .withRequestBody(matchingJsonPath("$.transcript_request_id", equalTo(transcriptRequestId)))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static RequestPatternBuilder apiCall(String transcriptRequestId) {
        return postRequestedFor(urlEqualTo(API_PATH))
                .withRequestBody(matchingJsonPath("$.transcript_request_id", equalTo(transcriptRequestId)));
    }

    private HttpResponse<String> callback(String kind, String transcriptRequestId, String secret, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/internal/transcripts/"
                        + transcriptRequestId + "/" + kind))
                .header("Content-Type", "application/json")
                .header("X-Internal-Secret", secret)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String inboxStatus(String messageId) {
        List<String> status = resources.jdbc().queryForList("SELECT status FROM transcript_inbox WHERE message_id = ?",
                String.class, messageId);
        return status.isEmpty() ? null : status.get(0);
    }

    private int deliveries(String messageId) {
        List<Integer> deliveries = resources.jdbc().queryForList("SELECT deliveries FROM transcript_inbox WHERE message_id = ?",
                Integer.class, messageId);
        return deliveries.isEmpty() ? 0 : deliveries.get(0);
    }

    private int consumers(String queue) {
        QueueInformation info = amqpAdmin.getQueueInfo(queue);
        return info == null ? -1 : info.getConsumerCount();
    }

    private void bindTestQueue(String queue, String exchange) {
        Queue q = new Queue(queue, false, false, false);
        amqpAdmin.declareQueue(q);
        amqpAdmin.declareExchange(new FanoutExchange(exchange, true, false));
        amqpAdmin.declareBinding(BindingBuilder.bind(q).to(new FanoutExchange(exchange, true, false)));
    }
}
