package routes.summaries;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.jsonvalidator.JsonValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Sorts failures into the two kinds the consumer's error handling knows: never retried (the record itself is
 * wrong: {@link SummaryRejected}, an event that fails its JSON schema or is not JSON), and retried up to
 * {@code hub.summaries.retry.attempts} times (everything else: LLM unavailable, S3, database, timeouts).
 */
public final class SummaryFailures {

    private static final Logger LOG = LoggerFactory.getLogger(SummaryFailures.class);

    /** Exchange property: the attempts made at the record so far. */
    public static final String ATTEMPTS = "summaryAttempts";

    private final int attempts;

    public SummaryFailures(int attempts) {
        this.attempts = attempts;
    }

    public static boolean isRejection(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SummaryRejected || t instanceof JsonValidationException || t instanceof JsonProcessingException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Counts an attempt at the record. The count lives in a holder object, not in a header: the pipeline replaces
     * the message (and a nested route's retries set their own redelivery headers), the holder survives all that.
     */
    public void beginAttempt(Exchange exchange) {
        AtomicInteger count = exchange.getProperty(ATTEMPTS, AtomicInteger.class);
        if (count == null) {
            count = new AtomicInteger();
            exchange.setProperty(ATTEMPTS, count);
        }
        count.incrementAndGet();
    }

    /** Attempts made at this record so far (at least 1 once it failed). */
    public static int attemptsMade(Exchange exchange) {
        AtomicInteger count = exchange.getProperty(ATTEMPTS, AtomicInteger.class);
        return count == null || count.get() == 0 ? 1 : count.get();
    }

    /** {@code retryWhile} of the consumer's error handling: another attempt for this record? */
    public boolean retryable(Exchange exchange) {
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (isRejection(failure)) {
            return false;
        }
        int made = attemptsMade(exchange);
        boolean again = made < attempts;
        if (again) {
            LOG.warn("Summary attempt {} of {} failed, trying again: {}", made, attempts,
                    failure == null ? "?" : failure.toString());
        }
        return again;
    }

    /**
     * Throws the caught failure again from the {@code doCatch} of {@code summariesAttempt}. The retries of a nested
     * route (an LLM call's own retries) mark the exchange as exhausted, which would stop the consumer from making its
     * own attempts; a failure raised anew from a catch block is a fresh failure for the consumer's error handler.
     */
    public void rethrow(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new RuntimeCamelException(failure);
    }
}
