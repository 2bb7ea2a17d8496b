package routes.transcripts;

import java.util.Locale;

/**
 * The two MassTransit JSON formats the flow reads and writes, told apart by the AMQP {@code content_type} as
 * MassTransit's receive endpoint does: {@code application/vnd.masstransit+json}, the envelope (MassTransit's default),
 * and {@code application/json}, the raw serializer's bare message with the envelope's ids in transport headers
 * ({@code MessageId}, {@code CorrelationId}, {@code ConversationId}, {@code MT-InitiatorId}, {@code MT-Source-Address},
 * {@code MT-MessageType}).
 */
public enum MessageSerializer {

    ENVELOPE("application/vnd.masstransit+json"),
    RAW("application/json");

    private final String contentType;

    MessageSerializer(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    /**
     * The format of a delivery by its content type (parameters such as {@code charset} ignored, case-insensitive):
     * {@code application/json} is raw; anything else, and none, is read as an envelope, MassTransit's default.
     */
    public static MessageSerializer forContentType(String contentType) {
        if (contentType == null) {
            return ENVELOPE;
        }
        int parameters = contentType.indexOf(';');
        String mediaType = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
        return RAW.contentType.equals(mediaType) ? RAW : ENVELOPE;
    }
}
