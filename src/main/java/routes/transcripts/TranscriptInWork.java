package routes.transcripts;

/**
 * Another delivery of the same message owns the transcript request under a live lease (the broker redelivered it
 * while the first delivery still calls transcript-api): this delivery waits and claims again (transcriptsInWork).
 */
public final class TranscriptInWork extends RuntimeException {

    public TranscriptInWork(String messageId, int leaseSeconds) {
        super("message " + messageId + " is being processed by another delivery (lease " + leaseSeconds
                + " s): claiming again later", null, false, false);
    }
}
