package routes.liveevents;

import java.util.List;

/**
 * What one read of the stream returned (route {@code liveEventRead}): the entries after the last one this instance
 * delivered and, when the reader found that entries after {@code lostAfter} were trimmed before it could read them,
 * that id and the oldest one still in the stream.
 */
record LiveEventBatch(List<LiveEventEntry> entries, StreamId lostAfter, StreamId oldestAvailable) {

    static LiveEventBatch of(List<LiveEventEntry> entries) {
        return new LiveEventBatch(entries, null, null);
    }

    boolean lost() {
        return lostAfter != null;
    }
}
