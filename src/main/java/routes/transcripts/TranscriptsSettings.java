package routes.transcripts;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The transcripts flow's settings ({@code hub.transcripts.*} in config/transcripts.yaml). */
@ConfigurationProperties(prefix = "hub.transcripts")
public record TranscriptsSettings(String namespace, String endpoint, Exchanges exchanges, boolean publishFaults,
                                  MessageSerializer publishSerializer) {

    /** Unset: envelopes, MassTransit's default (TRANSCRIPTS_PUBLISH_SERIALIZER). */
    public TranscriptsSettings {
        if (publishSerializer == null) {
            publishSerializer = MessageSerializer.ENVELOPE;
        }
    }

    public static final String REQUESTED_TYPE = "TranscriptRequestedIntegrationEvent";
    public static final String PROGRESS_TYPE = "TranscriptProcessingProgressIntegrationEvent";
    public static final String COMPLETED_TYPE = "TranscriptProcessingCompletedIntegrationEvent";

    /** Fanout exchanges: the one the .NET app publishes to, the two the hub publishes to, and Fault&lt;T&gt;'s. */
    public record Exchanges(String requested, String progress, String completed, String fault) {
    }

    public String errorQueue() {
        return endpoint + "_error";
    }

    public String skippedQueue() {
        return endpoint + "_skipped";
    }

    /** {@code urn:message:<namespace>:<TypeName>}, as MassTransit's MessageUrn writes it. */
    public String urn(String typeName) {
        return "urn:message:" + namespace + ":" + typeName;
    }

    public String faultUrn() {
        return "urn:message:MassTransit:Fault[[" + namespace + ":" + REQUESTED_TYPE + "]]";
    }
}
