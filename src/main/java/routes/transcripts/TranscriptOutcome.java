package routes.transcripts;

/**
 * How a transcript request ended, as stored in the inbox before the completed event is published.
 * {@code status}: ACCEPTED (the API will call back), SUCCEEDED or FAILED. A failure with {@code fault} set is a
 * consumer fault in MassTransit terms (the API refused, or stayed unavailable through every retry): besides the
 * completed event, the delivery moves to {@code _error} and Fault&lt;T&gt; is published. A failure the API reported
 * itself ({@code success: false}) is a business outcome: only the completed event.
 */
public record TranscriptOutcome(String status, String transcript, String error, boolean fault, String exceptionType,
                                String stackTrace, int retryCount) {

    public static final String ACCEPTED = "ACCEPTED";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";

    public static TranscriptOutcome accepted() {
        return new TranscriptOutcome(ACCEPTED, null, null, false, null, null, 0);
    }

    public static TranscriptOutcome succeeded(String transcript) {
        return new TranscriptOutcome(SUCCEEDED, transcript, null, false, null, null, 0);
    }

    public static TranscriptOutcome failed(String error) {
        return new TranscriptOutcome(FAILED, null, error, false, null, null, 0);
    }

    public static TranscriptOutcome fault(String error, String exceptionType, String stackTrace, int retryCount) {
        return new TranscriptOutcome(FAILED, null, error, true, exceptionType, stackTrace, retryCount);
    }

    public boolean success() {
        return SUCCEEDED.equals(status);
    }
}
