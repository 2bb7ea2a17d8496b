package routes.transcripts;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;

import routes.shared.LiveEvent;

/**
 * The live events the flow feeds (bean {@code transcriptLiveEvents}); {@code video_id} is the transcriptRequestId.
 * Progress Queued/Processing become QUEUED/PROCESSING, the completed event PROCESSED or FAILED, a delivery moved to
 * _error or _skipped an {@code error} event naming the flow and the reason; Fault&lt;T&gt; none of its own.
 */
public final class TranscriptLiveEvents {

    private final TranscriptsSettings settings;

    public TranscriptLiveEvents(TranscriptsSettings settings) {
        this.settings = settings;
    }

    public LiveEvent progress(Exchange exchange) {
        TranscriptRequest request = exchange.getProperty(TranscriptsInbound.REQUEST, TranscriptRequest.class);
        String status = exchange.getProperty(TranscriptEvents.PROGRESS_STATUS, String.class);
        String liveStatus = "queued".equalsIgnoreCase(status) ? "QUEUED" : "PROCESSING";
        return withData(LiveEvent.videoStatus(request.transcriptRequestId(), liveStatus,
                exchange.getProperty(TranscriptEvents.PROGRESS_PERCENTAGE, Integer.class),
                exchange.getProperty(TranscriptEvents.PROGRESS_MESSAGE, String.class)), request);
    }

    public LiveEvent completed(Exchange exchange) {
        TranscriptRequest request = exchange.getProperty(TranscriptsInbound.REQUEST, TranscriptRequest.class);
        TranscriptOutcome outcome = exchange.getProperty(TranscriptsInbound.OUTCOME, TranscriptOutcome.class);
        LiveEvent event = outcome.success()
                ? LiveEvent.videoStatus(request.transcriptRequestId(), "PROCESSED", 100, "Transcript ready")
                : LiveEvent.videoStatus(request.transcriptRequestId(), "FAILED", null, outcome.error());
        return withData(event, request);
    }

    /** None for Fault&lt;T&gt;: the move of the delivery to _error that follows it feeds the live event ({@link #errorQueued}). */
    public LiveEvent faulted(Exchange exchange) {
        return null;
    }

    public LiveEvent errorQueued(Exchange exchange) {
        return deadLettered(exchange, settings.errorQueue());
    }

    public LiveEvent skipped(Exchange exchange) {
        return deadLettered(exchange, settings.skippedQueue());
    }

    private LiveEvent deadLettered(Exchange exchange, String queue) {
        TranscriptRequest request = exchange.getProperty(TranscriptsInbound.REQUEST, TranscriptRequest.class);
        FaultInfo fault = exchange.getProperty(FaultInfo.PROPERTY, FaultInfo.class);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("flow", "transcripts");
        data.put("queue", queue);
        IncomingEnvelope envelope = exchange.getProperty(TranscriptsInbound.ENVELOPE, IncomingEnvelope.class);
        if (envelope != null && envelope.messageId() != null) {
            data.put("message_id", envelope.messageId());
        }
        if (request != null) {
            data.put("transcript_request_id", request.transcriptRequestId());
        }
        String reason = fault != null ? fault.message() : "no consumer for the message type";
        return LiveEvent.error(request != null ? request.transcriptRequestId() : null,
                "Transcript request moved to " + queue + ": " + reason, data);
    }

    private static LiveEvent withData(LiveEvent event, TranscriptRequest request) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("transcript_request_id", request.transcriptRequestId());
        data.put("user_id", request.userId());
        return new LiveEvent(event.type(), event.timestamp(), event.videoId(), event.status(), event.progress(),
                event.message(), data);
    }
}
