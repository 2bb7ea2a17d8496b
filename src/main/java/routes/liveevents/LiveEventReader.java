package routes.liveevents;

import java.util.List;

/**
 * Bean {@code liveEventReader}: this instance's one reader of the live events stream (route {@code liveEventRead},
 * a single thread). It remembers the id of the last entry it handed on and always reads after that one, so after a
 * Redis error (an outage, a restart, a killed connection) it resumes where it stopped and skips nothing the stream
 * still holds. It starts at the stream's end: what was appended before this instance started is read by a
 * reconnecting client's replay ({@code Last-Event-ID}), not by the reader.
 *
 * <p>After a failure, and whenever a read came back full (the reader may be behind), it first checks with
 * {@code XINFO STREAM} whether entries after its last id were trimmed before it could read them (the stream is capped
 * at {@code LIVE_EVENTS_REPLAY_SIZE}); the batch then says so, and route {@code liveEventRead} tells every client
 * ({@code stream.gap}, code {@code events_lost}).
 */
public final class LiveEventReader {

    static final long FIRST_RETRY_MS = 100;

    private final LiveEventLog log;
    private final int batchSize;
    private final long blockMs;
    private final long retryMaxMs;
    private volatile StreamId lastDelivered;
    private boolean behind;
    private long retryMs;

    public LiveEventReader(LiveEventLog log, int batchSize, long blockMs, long retryMaxMs) {
        this.log = log;
        this.batchSize = batchSize;
        this.blockMs = blockMs;
        this.retryMaxMs = Math.max(retryMaxMs, FIRST_RETRY_MS);
    }

    /** One {@code XREAD BLOCK} after the last entry delivered; throws when Redis cannot be read. */
    public LiveEventBatch read() {
        if (lastDelivered == null) {
            lastDelivered = log.state().lastGenerated();
        }
        StreamId lostAfter = null;
        StreamId oldest = null;
        if (behind) {
            StreamState state = log.state();
            if (state.trimmedAfter(lastDelivered)) {
                lostAfter = lastDelivered;
                oldest = state.oldest();
            }
        }
        List<LiveEventEntry> entries = log.read(lastDelivered, batchSize, blockMs);
        if (!entries.isEmpty()) {
            lastDelivered = entries.get(entries.size() - 1).id();
        }
        behind = entries.size() >= batchSize;
        retryMs = 0;
        return new LiveEventBatch(entries, lostAfter, oldest);
    }

    /** After a failed read: how long to wait before the next one (100 ms, doubling up to LIVE_EVENTS_READ_RETRY_MAX_MS). */
    public long failed() {
        behind = true;
        retryMs = retryMs == 0 ? FIRST_RETRY_MS : Math.min(retryMs * 2, retryMaxMs);
        return retryMs;
    }

    /** The id the next read starts after ({@code "$"} before the first read): for the log and health. */
    public String resumeId() {
        StreamId last = lastDelivered;
        return last == null ? "$" : last.toString();
    }
}
