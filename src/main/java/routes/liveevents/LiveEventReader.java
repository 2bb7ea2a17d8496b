package routes.liveevents;

import java.time.Clock;
import java.util.List;

/**
 * Bean {@code liveEventReader}: this instance's one reader of the live events stream (route {@code liveEventRead},
 * a single thread). It remembers the id of the last entry it handed on and always reads after that one, so after a
 * Redis error (an outage, a restart, a killed connection) it resumes where it stopped and skips nothing the stream
 * still holds. It starts at the stream's end as of this instance's start (less a second for clocks that differ), so
 * events appended while the hub was starting reach the clients that connected meanwhile; what came before is read by
 * a reconnecting client's replay ({@code Last-Event-ID}), not by the reader.
 *
 * <p>After every read that returned entries, and after a failure, it checks with {@code XINFO STREAM} whether an
 * entry after the id it read from was trimmed (the stream is capped at {@code LIVE_EVENTS_REPLAY_SIZE}): then it may
 * have been trimmed before the reader got it, the batch says so, and route {@code liveEventRead} tells every client
 * ({@code stream.gap}, code {@code events_lost}). That can only happen to a reader about the whole cap behind; it
 * errs on the side of telling. Before its first delivery the position is not an entry (the start), so nothing is
 * checked then.
 */
public final class LiveEventReader {

    static final long FIRST_RETRY_MS = 100;
    /** How far before this instance's start the reader begins, for a Redis clock behind the hub's. */
    static final long CLOCK_MARGIN_MS = 1_000;

    private final LiveEventLog log;
    private final int batchSize;
    private final long blockMs;
    private final long retryMaxMs;
    private final StreamId started;
    private volatile StreamId lastDelivered;
    private boolean check;
    /** Whether the position is an entry this reader delivered (only then can its trimming be told apart). */
    private boolean delivered;
    private long retryMs;

    public LiveEventReader(LiveEventLog log, int batchSize, long blockMs, long retryMaxMs, Clock clock) {
        this.log = log;
        this.started = new StreamId(Math.max(0, clock.millis() - CLOCK_MARGIN_MS), 0);
        this.batchSize = batchSize;
        this.blockMs = blockMs;
        this.retryMaxMs = Math.max(retryMaxMs, FIRST_RETRY_MS);
    }

    /** One {@code XREAD BLOCK} after the last entry delivered; throws when Redis cannot be read. */
    public LiveEventBatch read() {
        if (lastDelivered == null) {
            StreamId end = log.state().lastGenerated();
            lastDelivered = end.isAfter(started) ? started : end;
        }
        StreamId after = lastDelivered;
        List<LiveEventEntry> entries = log.read(after, batchSize, blockMs);
        StreamId lostAfter = null;
        StreamId oldest = null;
        if (delivered && (!entries.isEmpty() || check)) {
            StreamState state = log.state();
            if (state.trimmedAfter(after)) {
                lostAfter = after;
                oldest = state.oldest();
            }
        }
        if (!entries.isEmpty()) {
            lastDelivered = entries.get(entries.size() - 1).id();
            delivered = true;
        }
        check = false;
        retryMs = 0;
        return new LiveEventBatch(entries, lostAfter, oldest);
    }

    /** After a failed read: how long to wait before the next one (100 ms, doubling up to LIVE_EVENTS_READ_RETRY_MAX_MS). */
    public long failed() {
        check = true;
        retryMs = retryMs == 0 ? FIRST_RETRY_MS : Math.min(retryMs * 2, retryMaxMs);
        return retryMs;
    }

    /** The id the next read starts after ({@code "$"} before the first read): for the log and health. */
    public String resumeId() {
        StreamId last = lastDelivered;
        return last == null ? "$" : last.toString();
    }
}
