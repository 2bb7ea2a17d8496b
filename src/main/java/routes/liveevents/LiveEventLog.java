package routes.liveevents;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.dao.DataAccessException;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisStreamCommands.XAddOptions;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.RecordId;
import org.springframework.data.redis.connection.stream.StreamInfo.XInfoStream;
import org.springframework.data.redis.connection.stream.StreamRecords;
import org.springframework.data.redis.core.StringRedisTemplate;

import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * Bean {@code liveEventLog}: the one Redis stream ({@code hub.live-events.stream}, default {@code hub:live-events})
 * every hub instance appends its live events to and reads them from. Each entry has one field, {@code event}: the
 * event as JSON. Its entry id is the event's SSE {@code id:}.
 *
 * <p>Appends, ranges and {@code XINFO} go through the hub's shared Spring Data Redis connection; the blocking
 * {@code XREAD} of route {@code liveEventRead} has a Lettuce connection of its own (a blocking command on the shared
 * connection would hold up every other Redis command of the hub), opened on first use and again after a failure.
 */
public final class LiveEventLog implements AutoCloseable {

    static final String FIELD = "event";

    private final StringRedisTemplate redis;
    private final Supplier<StatefulRedisConnection<String, String>> readConnections;
    private final String key;
    private final long maxLength;
    private StatefulRedisConnection<String, String> readConnection;
    private boolean closed;

    public LiveEventLog(StringRedisTemplate redis, Supplier<StatefulRedisConnection<String, String>> readConnections, String key,
                        long maxLength) {
        this.redis = redis;
        this.readConnections = readConnections;
        this.key = key;
        this.maxLength = maxLength;
    }

    public String key() {
        return key;
    }

    /**
     * {@code XADD <stream> MAXLEN ~ <replay size> * event <json>}: returns the entry id, the event's id on every
     * instance. Throws (a Spring {@link DataAccessException}) when Redis does not take it.
     */
    public String append(String json) {
        RecordId id = redis.opsForStream().add(StreamRecords.string(Map.of(FIELD, json)).withStreamKey(key),
                XAddOptions.maxlen(maxLength).approximateTrimming(true));
        if (id == null) {
            throw new IllegalStateException("XADD to " + key + " returned no id");
        }
        return id.getValue();
    }

    /** {@code XINFO STREAM}; {@link StreamState#EMPTY} when the stream does not exist (yet). */
    StreamState state() {
        XInfoStream info;
        try {
            info = redis.opsForStream().info(key);
        } catch (DataAccessException e) {
            if (noSuchKey(e)) {
                return StreamState.EMPTY;
            }
            throw e;
        }
        if (info == null) {
            return StreamState.EMPTY;
        }
        Map<String, Object> raw = info.getRaw();
        StreamId lastGenerated = id(raw.get("last-generated-id"), StreamId.ZERO);
        StreamId maxDeleted = id(raw.get("max-deleted-entry-id"), StreamId.ZERO);
        StreamId oldest = info.streamLength() == 0 ? null : StreamId.parse(info.firstEntryId()).orElse(null);
        return new StreamState(oldest, lastGenerated, maxDeleted, info.streamLength());
    }

    /**
     * Redis's {@code ERR no such key}. Spring Data Redis wraps Lettuce's error in a {@code RedisSystemException}
     * whose own message is "Error in execution": Redis's words are in a cause.
     */
    private static boolean noSuchKey(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (String.valueOf(cause.getMessage()).contains("no such key")) {
                return true;
            }
        }
        return false;
    }

    private static StreamId id(Object value, StreamId otherwise) {
        if (value == null) {
            return otherwise;
        }
        String text = value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
        return StreamId.parse(text).orElse(otherwise);
    }

    /** {@code XRANGE <stream> (<after> + COUNT <count>}: at most {@code count} entries after {@code after}, oldest first. */
    List<LiveEventEntry> after(StreamId after, int count) {
        List<MapRecord<String, Object, Object>> records = redis.opsForStream().range(key,
                Range.rightUnbounded(Range.Bound.inclusive(after.next().toString())), Limit.limit().count(count));
        List<LiveEventEntry> entries = new ArrayList<>();
        if (records != null) {
            for (MapRecord<String, Object, Object> record : records) {
                Object json = record.getValue().get(FIELD);
                entries.add(new LiveEventEntry(StreamId.of(record.getId().getValue()), json == null ? null : json.toString()));
            }
        }
        return entries;
    }

    /**
     * {@code XREAD COUNT <count> BLOCK <blockMs> STREAMS <stream> <after>} on the reader's own connection: the entries
     * after {@code after}, waiting up to {@code blockMs} for the first. Only route {@code liveEventRead} calls it.
     */
    synchronized List<LiveEventEntry> read(StreamId after, int count, long blockMs) {
        if (closed) {
            return List.of();
        }
        if (readConnection == null || !readConnection.isOpen()) {
            closeReadConnection();
            readConnection = readConnections.get();
            readConnection.setTimeout(Duration.ofMillis(blockMs + 5_000));
        }
        try {
            List<StreamMessage<String, String>> messages = readConnection.sync().xread(
                    XReadArgs.Builder.block(blockMs).count(count), XReadArgs.StreamOffset.from(key, after.toString()));
            List<LiveEventEntry> entries = new ArrayList<>(messages == null ? 0 : messages.size());
            if (messages != null) {
                for (StreamMessage<String, String> message : messages) {
                    entries.add(new LiveEventEntry(StreamId.of(message.getId()), message.getBody().get(FIELD)));
                }
            }
            return entries;
        } catch (RuntimeException e) {
            // a timed-out XREAD may still be answered later on this connection: start the next read on a new one
            closeReadConnection();
            throw e;
        }
    }

    private void closeReadConnection() {
        if (readConnection != null) {
            try {
                readConnection.close();
            } catch (RuntimeException ignored) {
                // already gone
            }
            readConnection = null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeReadConnection();
    }
}
