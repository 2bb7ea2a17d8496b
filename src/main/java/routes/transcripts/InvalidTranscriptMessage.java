package routes.transcripts;

/**
 * A delivery the flow can never process: not JSON, not an envelope, no {@code message}, a payload that breaks the
 * contract. It goes to {@code transcript-consumer_error} at once, without retries, with the MassTransit fault headers.
 */
public final class InvalidTranscriptMessage extends RuntimeException {

    public InvalidTranscriptMessage(String message) {
        super(message);
    }

    public InvalidTranscriptMessage(String message, Throwable cause) {
        super(message, cause);
    }
}
