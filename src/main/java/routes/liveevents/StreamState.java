package routes.liveevents;

/**
 * What {@code XINFO STREAM} says about the live events stream: the oldest entry still there ({@code null} when the
 * stream is empty), the newest id Redis ever handed out, and the newest id removed by {@code XDEL}
 * ({@code max-deleted-entry-id}, Redis 7; trimming does not set it).
 */
record StreamState(StreamId oldest, StreamId lastGenerated, StreamId maxDeleted, long length) {

    static final StreamState EMPTY = new StreamState(null, StreamId.ZERO, StreamId.ZERO, 0);

    /**
     * Whether events after {@code id} may be gone from the stream: {@code id} is older than the oldest entry still
     * there (trimmed by MAXLEN, or the stream was recreated), or an entry after it was deleted. Errs on the side of
     * yes: when {@code id} was the very entry before the oldest one, nothing after it is missing.
     */
    boolean trimmedAfter(StreamId id) {
        if (maxDeleted.isAfter(id)) {
            return true;
        }
        return oldest == null ? lastGenerated.isAfter(id) : oldest.isAfter(id);
    }
}
