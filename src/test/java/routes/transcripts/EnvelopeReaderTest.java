package routes.transcripts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class EnvelopeReaderTest {

    private final EnvelopeReader reader = new EnvelopeReader(new routes.shared.JsonLimits(64, 1_048_576, 100));
    private final TranscriptFixtures fixtures = new TranscriptFixtures();
    private static final String URN = "urn:message:M3.Net.Modules.Transcripts.IntegrationEvents:TranscriptRequestedIntegrationEvent";

    @Test
    void readsEveryKeyMassTransitWrites() {
        IncomingEnvelope envelope = reader.read(fixtures.bytes("envelope-full.json"));
        assertThat(envelope.messageId()).isEqualTo(fixtures.messageId);
        assertThat(envelope.conversationId()).isEqualTo(fixtures.conversationId);
        assertThat(envelope.correlationId()).isNull();
        assertThat(envelope.initiatorId()).isNull();
        assertThat(envelope.messageTypes()).hasSize(3);
        assertThat(envelope.hasMessageType(URN)).isTrue();
        assertThat(envelope.message().get("transcriptRequestId").asText()).isEqualTo(fixtures.transcriptRequestId);
        assertThat(envelope.headers()).isEmpty();
    }

    @Test
    void readsTheActivityIdHeader() {
        IncomingEnvelope envelope = reader.read(fixtures.bytes("envelope-activity.json"));
        assertThat(envelope.header("mt-activity-id")).isEqualTo(fixtures.activityId);
    }

    @Test
    void acceptsAnEnvelopeWithOnlyMessageAndMessageType() {
        IncomingEnvelope envelope = reader.read(fixtures.bytes("envelope-minimal.json"));
        assertThat(envelope.messageId()).isNull();
        assertThat(envelope.conversationId()).isNull();
        assertThat(envelope.hasMessageType(URN)).isTrue();
        assertThat(envelope.message()).isNotNull();
    }

    @Test
    void readsToleratly_bomCommentsTrailingCommasAnyCaseAnyGuidFormat() {
        IncomingEnvelope envelope = reader.read(fixtures.withBom("envelope-n-guids.json"));
        assertThat(envelope.messageId()).isEqualTo(fixtures.messageId);
        assertThat(envelope.conversationId()).isEqualTo(fixtures.conversationId);
        assertThat(envelope.hasMessageType(URN)).as("URNs compare case-insensitively").isTrue();
        assertThat(envelope.message().get("TranscriptRequestId").asText()).isEqualTo(fixtures.transcriptRequestId.replace("-", ""));
    }

    @Test
    void rejectsTheSampleWithABlankedValue() {
        assertThatThrownBy(() -> reader.read(fixtures.bytes("envelope-invalid-json.json")))
                .isInstanceOf(InvalidTranscriptMessage.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void rejectsWhatIsNotAnEnvelope() {
        assertThatThrownBy(() -> reader.read("[1,2]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(InvalidTranscriptMessage.class);
        assertThatThrownBy(() -> reader.read(new byte[0])).isInstanceOf(InvalidTranscriptMessage.class);
        assertThatThrownBy(() -> reader.read("{\"messageId\":\"not-a-guid\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidTranscriptMessage.class).hasMessageContaining("messageId");
        assertThatThrownBy(() -> reader.read("{\"message\":\"text\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidTranscriptMessage.class);
    }
}
