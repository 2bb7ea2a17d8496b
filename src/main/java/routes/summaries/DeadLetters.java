package routes.summaries;

import java.time.Instant;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * Prepares a failed record for the dead-letter topic: the original value, the original key, and headers that say
 * why ({@value #REASON}: a stable code, {@value #ERROR}: the message, {@value #EXCEPTION}: the exception class,
 * {@value #ATTEMPTS}: how many times the flow tried) and where it came from.
 */
public final class DeadLetters {

    public static final String REASON = "x-dlt-reason";
    public static final String ERROR = "x-dlt-error";
    public static final String EXCEPTION = "x-dlt-exception";
    public static final String ATTEMPTS = "x-dlt-attempts";
    public static final String ORIGINAL_TOPIC = "x-dlt-original-topic";
    public static final String ORIGINAL_PARTITION = "x-dlt-original-partition";
    public static final String ORIGINAL_OFFSET = "x-dlt-original-offset";
    public static final String FLOW = "x-dlt-flow";
    public static final String FAILED_AT = "x-dlt-failed-at";

    public static final String ORIGINAL_PAYLOAD = "originalPayload";

    public void prepare(Exchange exchange) {
        Throwable failure = cause(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        var in = exchange.getMessage();
        int attempts = SummaryFailures.attemptsMade(exchange);
        KafkaOffsets.Source source = exchange.getProperty(KafkaOffsets.PROPERTY, KafkaOffsets.Source.class);

        in.removeHeaders("*");
        if (source != null && source.key() != null) {
            in.setHeader(KafkaConstants.KEY, source.key());
        }
        in.setHeader(REASON, reason(failure));
        in.setHeader(ERROR, message(failure));
        in.setHeader(EXCEPTION, failure == null ? "unknown" : failure.getClass().getName());
        in.setHeader(ATTEMPTS, String.valueOf(attempts));
        in.setHeader(FLOW, "summaries");
        in.setHeader(FAILED_AT, Instant.now().toString());
        if (source != null) {
            in.setHeader(ORIGINAL_TOPIC, String.valueOf(source.topic()));
            in.setHeader(ORIGINAL_PARTITION, String.valueOf(source.partition()));
            in.setHeader(ORIGINAL_OFFSET, String.valueOf(source.offset()));
        }
        Object original = exchange.getProperty(ORIGINAL_PAYLOAD);
        in.setBody(original == null ? "" : original.toString());
    }

    /**
     * The failure that says what went wrong, not the wrappers Camel put around it on the way (splitter, bean
     * invocation): the first of the flow's own exceptions in the chain, else the deepest cause.
     */
    static Throwable cause(Throwable failure) {
        Throwable deepest = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SummaryRejected || t instanceof LlmUnavailable
                    || t instanceof org.apache.camel.component.jsonvalidator.JsonValidationException) {
                return t;
            }
            deepest = t;
        }
        return deepest;
    }

    static String reason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SummaryRejected rejected) {
                return rejected.reason();
            }
            if (t instanceof LlmUnavailable) {
                return "llm_unavailable";
            }
        }
        return SummaryFailures.isRejection(failure) ? SummaryRejected.INVALID_PAYLOAD : "processing_failed";
    }

    static String message(Throwable failure) {
        if (failure == null) {
            return "unknown failure";
        }
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        message = message.replaceAll("\\s+", " ");
        return message.length() <= 1000 ? message : message.substring(0, 1000) + "...";
    }
}
