package routes.liveevents;

/**
 * What {@code XINFO STREAM} says about the live events stream: the oldest entry still there ({@code null} when the
 * stream is empty), the newest id Redis ever handed out, and the newest id trimmed away ({@code max-deleted-entry-id},
 * Redis 7): an id older than that one may have been followed by events the stream no longer holds.
 */
record StreamState(StreamId oldest, StreamId lastGenerated, StreamId maxDeleted, long length) {

    static final StreamState EMPTY = new StreamState(null, StreamId.ZERO, StreamId.ZERO, 0);

    /** Whether some event after {@code id} has been trimmed (or deleted) from the stream. */
    boolean trimmedAfter(StreamId id) {
        return maxDeleted.isAfter(id);
    }
}
