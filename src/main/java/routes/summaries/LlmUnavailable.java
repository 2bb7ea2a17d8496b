package routes.summaries;

/**
 * The LLM did not answer usefully this time: 429, 5xx, or its circuit breaker is open. Retried, first per
 * call (waiting {@link #retryAfterMillis()} when the LLM said so), then per record.
 */
public final class LlmUnavailable extends RuntimeException {

    private final int status;
    private final Long retryAfterMillis;

    public LlmUnavailable(int status, Long retryAfterMillis, String message) {
        super(message);
        this.status = status;
        this.retryAfterMillis = retryAfterMillis;
    }

    /** HTTP status, or 0 when no call was made (circuit breaker open). */
    public int status() {
        return status;
    }

    public Long retryAfterMillis() {
        return retryAfterMillis;
    }
}
