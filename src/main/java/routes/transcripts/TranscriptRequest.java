package routes.transcripts;

/**
 * One TranscriptRequestedIntegrationEvent delivery and the envelope context its replies need: the inbox key
 * ({@code messageId}: the envelope's, else the AMQP message_id, else the event id), the conversation it belongs to,
 * the incoming envelope's correlationId (copied onto Fault&lt;T&gt;), the W3C traceparent in {@code MT-Activity-Id},
 * and the payload (GUIDs in lowercase D form; {@code payloadJson} as received, key names made canonical).
 */
public record TranscriptRequest(String messageId, String conversationId, String envelopeCorrelationId, String activityId,
                                String eventId, String transcriptRequestId, String userId, String videoUrl,
                                String language, String payloadJson) {
}
