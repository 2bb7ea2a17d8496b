package routes.extraction;

/** An event on the queue that can never be delivered as it is (not JSON, bad contentId): dead-lettered at once. */
public final class InvalidExtractionEvent extends RuntimeException {
    public InvalidExtractionEvent(String message) {
        super(message, null, false, false);
    }
}
