package routes.summaries;

/**
 * A record the flow can never summarize, however often it tries: an invalid event, a transcript in no known
 * format or without text, a request the LLM refuses (4xx other than 429). Goes to the dead-letter topic at once.
 * {@code reason} is a stable code for the {@code x-dlt-reason} header.
 */
public final class SummaryRejected extends RuntimeException {

    public static final String INVALID_PAYLOAD = "invalid_payload";
    public static final String INVALID_TRANSCRIPT = "invalid_transcript";
    public static final String EMPTY_TRANSCRIPT = "empty_transcript";
    public static final String LLM_REJECTED = "llm_rejected";

    private final String reason;

    public SummaryRejected(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public SummaryRejected(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
