package routes.transcripts;

import java.time.Instant;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.http.base.HttpOperationFailedException;

import routes.shared.RetryAfter;

/**
 * Runs when the transcript-api call fails, before Camel computes the redelivery delay (onException
 * {@code onExceptionOccurredRef}): a {@code Retry-After} on a 429/503 answer sets header {@code CamelRedeliveryDelay},
 * which wins over the exponential backoff, capped at {@code maxDelayMs}; without one the backoff applies.
 */
public final class RetryAfterDelay implements Processor {

    private final long maxDelayMs;

    public RetryAfterDelay(long maxDelayMs) {
        this.maxDelayMs = maxDelayMs;
    }

    /** Exchange property counting the failed calls (the retries spent = failures - 1). */
    public static final String FAILURES = "transcriptsApiFailures";

    @Override
    public void process(Exchange exchange) {
        exchange.setProperty(FAILURES, exchange.getProperty(FAILURES, 0, Integer.class) + 1);
        exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (error == null) {
            error = exchange.getException();
        }
        if (error instanceof HttpOperationFailedException http && http.getResponseHeaders() != null) {
            String retryAfter = null;
            for (Map.Entry<String, String> header : http.getResponseHeaders().entrySet()) {
                if ("Retry-After".equalsIgnoreCase(header.getKey())) {
                    retryAfter = header.getValue();
                }
            }
            Long delay = RetryAfter.millis(retryAfter, Instant.now());
            if (delay != null) {
                exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, Math.min(delay, maxDelayMs));
            }
        }
    }
}
