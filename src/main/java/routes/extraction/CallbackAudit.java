package routes.extraction;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One audit line per callback (logger {@code routes.extraction.audit}): caller address, contentId (only once it
 * passed validation, so nothing a caller typed reaches the log unchecked), outcome, status and latency.
 * The secret never appears: the guard removes the header before anything else reads the message.
 */
public final class CallbackAudit {

    private static final Logger AUDIT = LoggerFactory.getLogger("routes.extraction.audit");

    public void record(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int code = status == null ? (exchange.isFailed() ? 500 : 200) : status;
        Long started = exchange.getProperty(ExtractionCallbacks.STARTED, Long.class);
        // milliseconds with one decimal (String.format was ~5% of a callback's CPU)
        double latencyMs = started == null ? -1 : Math.round((System.nanoTime() - started) / 100_000d) / 10d;
        String caller = exchange.getProperty(ExtractionCallbacks.CALLER, "unknown", String.class);
        String contentId = exchange.getProperty(ExtractionCallbacks.CONTENT_ID, "-", String.class);
        String eventId = exchange.getProperty(ExtractionCallbacks.EVENT_ID, "-", String.class);
        String outcome = outcome(code);
        AUDIT.atInfo()
                .addKeyValue("caller", caller)
                .addKeyValue("contentId", contentId)
                .addKeyValue("eventId", eventId)
                .addKeyValue("outcome", outcome)
                .addKeyValue("status", code)
                .addKeyValue("latencyMs", latencyMs)
                .log("extraction callback caller={} contentId={} eventId={} outcome={} status={} latencyMs={}",
                        caller, contentId, eventId, outcome, code, latencyMs);
    }

    static String outcome(int status) {
        return switch (status) {
            case 200 -> "accepted";
            case 401 -> "unauthorized";
            case 413 -> "too_large";
            case 415 -> "unsupported_media_type";
            case 429 -> "rate_limited";
            case 503 -> "broker_unavailable";
            default -> status >= 400 && status < 500 ? "invalid" : "error";
        };
    }
}
