package routes.liveevents;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.fasterxml.jackson.databind.ObjectMapper;

import routes.support.HubIntegrationTest;
import routes.support.TestInfrastructure;

/**
 * The live event stream fed by the flows' own routes (not by direct:live-event): a MassTransit transcript request
 * becomes QUEUED, PROCESSING and PROCESSED {@code video.status} events, a poison envelope an {@code error} event,
 * an extraction callback an {@code extraction.completed} event.
 */
@HubIntegrationTest
class FlowLiveEventsIT {

    private static final String NAMESPACE = "M3.Net.Modules.Transcripts.IntegrationEvents";

    @LocalServerPort
    int port;

    // the internal listener, where the extraction callback is served
    @Value("${hub.internal-listener.port}")
    int internalPort;

    @Autowired
    RabbitTemplate rabbit;

    @Value("${hub.transcripts.exchanges.requested}")
    String requestedExchange;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aTranscriptRequestIsStreamedAsVideoStatusEvents() throws Exception {
        String transcriptRequestId = UUID.randomUUID().toString();
        TestInfrastructure.wireMock().stubFor(post(urlEqualTo("/transcript-api/process-video-from-consumer"))
                .withRequestBody(matchingJsonPath("$.transcript_request_id", equalTo(transcriptRequestId)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"success\": true, \"transcript\": \"streamed\"}")));
        try (LiveEventStreamClient events = LiveEventStreamClient.open(port, "video_id=" + transcriptRequestId)) {
            publishTranscriptRequest(json.writeValueAsBytes(envelope(transcriptRequestId)));
            events.await(e -> e.is("video.status") && "QUEUED".equals(e.text("status")));
            events.await(e -> e.is("video.status") && "PROCESSING".equals(e.text("status")));
            LiveEventStreamClient.Event done = events.await(e -> e.is("video.status") && "PROCESSED".equals(e.text("status")));
            assertThat(done.text("video_id")).isEqualTo(transcriptRequestId);
            assertThat(done.streamId()).isGreaterThan(StreamId.ZERO);
        }
    }

    @Test
    void aDeadLetteredEnvelopeIsStreamedAsAnErrorEvent() throws Exception {
        try (LiveEventStreamClient events = LiveEventStreamClient.open(port, "types=error")) {
            publishTranscriptRequest("{\"message\": {\"transcriptRequestId\": ".getBytes());
            LiveEventStreamClient.Event error = events.awaitType("error");
            assertThat(error.rawData()).isNotBlank();
        }
    }

    @Test
    void anExtractionCallbackIsStreamedAsExtractionCompleted() throws Exception {
        TestInfrastructure.wireMock().stubFor(post(urlPathMatching("/api/extraction/internal/baseline"))
                .willReturn(aResponse().withStatus(200)));
        String contentId = "stream-" + UUID.randomUUID();
        try (LiveEventStreamClient events = LiveEventStreamClient.open(port, "types=extraction.completed")) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + internalPort + "/extraction/internal/completed"))
                    .header("Content-Type", "application/json").header("X-Internal-Secret", "it-secret")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"contentId\": \"" + contentId + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            LiveEventStreamClient.Event event = events.await(e -> e.is("extraction.completed")
                    && e.rawData().contains(contentId));
            assertThat(event.rawData()).contains("event_id");
        }
    }

    private Map<String, Object> envelope(String transcriptRequestId) {
        return Map.of(
                "messageId", UUID.randomUUID().toString(),
                "messageType", List.of("urn:message:" + NAMESPACE + ":TranscriptRequestedIntegrationEvent"),
                "message", Map.of("id", UUID.randomUUID().toString(), "occurredOnUtc", Instant.now().toString(),
                        "transcriptRequestId", transcriptRequestId, "userId", UUID.randomUUID().toString(),
                        "videoUrl", "https://www.youtube.com/watch?v=stream", "language", "en"),
                "sentTime", Instant.now().toString());
    }

    private void publishTranscriptRequest(byte[] body) {
        MessageProperties props = new MessageProperties();
        props.setContentType("application/vnd.masstransit+json");
        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        props.setMessageId(UUID.randomUUID().toString());
        rabbit.send(requestedExchange, "", new Message(body, props));
    }
}
