package routes.liveevents;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import routes.shared.HttpProblem;

/**
 * This hub instance's side of the live event stream (bean {@code liveEventStream}). Route {@code liveEventRead}
 * hands it every entry of the Redis stream all instances share; it renders the entry's SSE frame once (the entry id
 * is the SSE {@code id:}), keeps it in an in-memory cache of the newest events and queues it for every connected
 * client whose filter wants it.
 *
 * <p>A client reconnecting with {@code Last-Event-ID} is replayed what came after that id: from the cache when the
 * id is in it, otherwise from the Redis stream ({@code XRANGE}), whichever instance issued the id. Events that
 * cannot be replayed are announced with a {@code stream.gap} event: {@code replay_gap} (trimmed from the stream),
 * {@code replay_unavailable} (Redis cannot be read, or the id is not one of the stream's) and, to every client,
 * {@code events_lost} when the reader itself skipped entries.
 */
public final class LiveEventStream implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(LiveEventStream.class);
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9._-]{0,63}");
    /** The event telling a client that events may have been missed. */
    static final String GAP = "stream.gap";

    private final LiveEventsSettings settings;
    private final ObjectMapper json;
    private final Clock clock;
    private final LiveEventLog log;
    private final ReplayBuffer cache;
    private final Map<Long, SseConnection> clients = new ConcurrentHashMap<>();
    // open (and admitted) streams per client address
    private final Map<String, Integer> streamsPerCaller = new ConcurrentHashMap<>();
    private final AtomicLong connectionNumbers = new AtomicLong();
    private final Object order = new Object();
    private StreamId lastDispatched;
    private volatile boolean running;
    private volatile boolean accepting = true;

    private final Counter dispatched;
    private final Counter refusedPerCaller;
    private final Map<SseConnection.Closed, Counter> closed = new LinkedHashMap<>();
    private final MeterRegistry meters;

    public LiveEventStream(LiveEventsSettings settings, ObjectMapper json, Clock clock, MeterRegistry meters, LiveEventLog log) {
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.log = log;
        this.meters = meters;
        this.cache = new ReplayBuffer(settings.replaySize());
        Gauge.builder("hub.live_events.clients", clients, Map::size).description("open SSE streams on this instance")
                .register(meters);
        this.dispatched = Counter.builder("hub.live_events.events").description("live events read from the stream and streamed")
                .register(meters);
        this.refusedPerCaller = Counter.builder("hub.live_events.refused").tag("reason", "too_many_streams")
                .description("streams refused because their client had too many open").register(meters);
        for (SseConnection.Closed reason : SseConnection.Closed.values()) {
            closed.put(reason, Counter.builder("hub.live_events.disconnects").tag("reason", reason.name().toLowerCase())
                    .description("SSE streams ended").register(meters));
        }
    }

    /**
     * What route {@code liveEventRead} read: first, if the reader skipped entries, a {@code stream.gap}
     * ({@code events_lost}) to every client; then each entry to the clients that want it. An entry that is not a live
     * event is logged and skipped.
     */
    public void deliver(LiveEventBatch batch) {
        if (batch.lost()) {
            lost(batch.lostAfter(), batch.oldestAvailable());
        }
        for (LiveEventEntry entry : batch.entries()) {
            try {
                dispatch(entry);
            } catch (InvalidLiveEvent e) {
                LOG.warn("Live event {} skipped ({}): {}", entry.id(), e.getMessage(), entry.json());
            }
        }
    }

    /** Streams one entry of the Redis stream; raises {@link InvalidLiveEvent} when it is not a live event. */
    StreamedEvent dispatch(LiveEventEntry entry) {
        StreamedEvent streamed = streamed(entry);
        synchronized (order) {
            if (lastDispatched != null && !streamed.id().isAfter(lastDispatched)) {
                return streamed;
            }
            lastDispatched = streamed.id();
            cache.add(streamed);
            for (SseConnection client : clients.values()) {
                if (client.filter().test(streamed)) {
                    client.offer(streamed);
                }
            }
        }
        dispatched.increment();
        return streamed;
    }

    private StreamedEvent streamed(LiveEventEntry entry) {
        ObjectNode event = parse(entry.json());
        String type = event.path("type").asText();
        String videoId = event.hasNonNull("video_id") ? event.get("video_id").asText() : null;
        return StreamedEvent.of(entry.id(), type, videoId, event.toString());
    }

    /** The reader skipped entries: the cache has a hole now, and every client is told. */
    private void lost(StreamId after, StreamId oldest) {
        byte[] frame = gapFrame("events_lost", null, oldest, "events after id " + after + " were trimmed from the "
                + "live events stream before this hub instance could read them and were not streamed. Events may have "
                + "been missed: reload the current state");
        synchronized (order) {
            cache.clear();
            for (SseConnection client : clients.values()) {
                client.offer(frame);
            }
        }
        gaps("events_lost");
        LOG.warn("Live events: entries after {} were trimmed before this instance read them; {} clients told (events_lost)",
                after, clients.size());
    }

    private ObjectNode parse(String body) {
        JsonNode node;
        try {
            node = json.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new InvalidLiveEvent("not JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw new InvalidLiveEvent("not a JSON object");
        }
        String type = object.path("type").asText("");
        if (!TYPE.matcher(type).matches()) {
            throw new InvalidLiveEvent("type '" + type + "' is missing or not an event type name");
        }
        if ("heartbeat".equals(type) || GAP.equals(type)) {
            throw new InvalidLiveEvent(type + " events come from each hub instance, not from the stream");
        }
        if (!object.hasNonNull("timestamp")) {
            object.put("timestamp", clock.instant().toString());
        }
        return object;
    }

    /** Sends a heartbeat (no id, never buffered) to every client; route {@code liveEventHeartbeat} calls it. */
    public int heartbeat() {
        ObjectNode beat = json.createObjectNode().put("type", "heartbeat").put("timestamp", clock.instant().toString());
        byte[] frame = SseFrames.unnumbered("heartbeat", beat.toString());
        int sent = 0;
        for (SseConnection client : clients.values()) {
            if (client.offer(frame)) {
                sent++;
            }
        }
        return sent;
    }

    /**
     * Writes an SSE comment to every client (route {@code liveEventProbe}, every few seconds): servlet containers
     * notice a client that went away only when they write to it, and heartbeats are too rare for that.
     */
    public int probe() {
        byte[] frame = SseFrames.probe();
        int sent = 0;
        for (SseConnection client : clients.values()) {
            if (client.offer(frame)) {
                sent++;
            }
        }
        return sent;
    }

    /**
     * Opens a stream on a request already in async mode: registers the client and queues the opening frame and,
     * for a reconnect, the events it missed (after a {@code stream.gap} event when some cannot be replayed). A
     * replay from the Redis stream is read on the calling (request) thread; live events wait for it.
     */
    SseConnection open(AsyncContext async, ServletOutputStream out, StreamFilter filter, String lastEventId,
                       String caller) throws IOException {
        SseConnection client = new SseConnection(connectionNumbers.incrementAndGet(), caller, filter,
                settings.clientQueueSize(), this::closed);
        List<byte[]> opening = new ArrayList<>();
        opening.add(SseFrames.opening(settings.retryMs()));
        StreamId fromStream = null;
        synchronized (order) {
            if (lastEventId == null || lastEventId.isBlank()) {
                client.start(opening, null, false);
            } else {
                Optional<StreamId> last = StreamId.parse(lastEventId);
                Optional<List<StreamedEvent>> cached = last.flatMap(id -> cache.after(id, filter));
                if (last.isEmpty()) {
                    opening.add(unknownId(lastEventId));
                    client.start(opening, null, false);
                } else if (cached.isPresent()) {
                    opening.addAll(frames(cached.get()));
                    client.start(opening, lastDispatched.isAfter(last.get()) ? lastDispatched : last.get(), false);
                } else {
                    fromStream = last.get();
                    client.start(opening, fromStream, true);
                }
            }
            clients.put(client.number(), client);
        }
        client.attach(async, out);
        if (fromStream != null) {
            replayFromStream(client, lastEventId, fromStream, filter);
        }
        return client;
    }

    /**
     * The replay of an id the cache does not cover, from the Redis stream: {@code XINFO STREAM} (is the id the
     * stream's? were events after it trimmed?), then {@code XRANGE} after it, page by page.
     */
    private void replayFromStream(SseConnection client, String lastEventId, StreamId last, StreamFilter filter) {
        List<byte[]> frames = new ArrayList<>();
        StreamId upTo = null;
        try {
            StreamState state = log.state();
            if (last.isAfter(state.lastGenerated())) {
                client.release(List.of(unknownId(lastEventId)), null, true);
                return;
            }
            if (state.trimmedAfter(last)) {
                frames.add(gapFrame("replay_gap", lastEventId, state.oldest(), "events after id " + lastEventId + " are "
                        + "no longer in the live events stream (it keeps the last " + settings.replaySize() + ") and "
                        + "were not replayed; the oldest still available is " + state.oldest() + ". Events may have "
                        + "been missed: reload the current state"));
                gaps("replay_gap");
            }
            int page = Math.max(settings.readBatch(), 100);
            long limit = 2L * settings.replaySize() + page;
            StreamId cursor = last;
            for (long read = 0; read < limit; ) {
                List<LiveEventEntry> entries = log.after(cursor, page);
                for (LiveEventEntry entry : entries) {
                    cursor = entry.id();
                    upTo = entry.id();
                    try {
                        StreamedEvent event = streamed(entry);
                        if (filter.test(event)) {
                            frames.add(event.frame());
                        }
                    } catch (InvalidLiveEvent skipped) {
                        // the reader logs it when it delivers the entry
                    }
                }
                read += entries.size();
                if (entries.size() < page) {
                    break;
                }
            }
        } catch (RuntimeException redisDown) {
            LOG.warn("Live events: replay after {} unavailable, Redis cannot be read: {}", lastEventId, redisDown.toString());
            frames.clear();
            upTo = null;
            frames.add(gapFrame("replay_unavailable", lastEventId, null, "the live events stream (Redis) cannot be "
                    + "read, nothing after id " + lastEventId + " was replayed. Events may have been missed: reload the "
                    + "current state"));
            gaps("replay_unavailable");
        }
        client.release(frames, upTo, false);
    }

    /**
     * Refuses a new stream while shutting down or at the client limit (503 with Retry-After), or when {@code caller}
     * (the client's address) has {@code max-streams-per-client} open here already (429 with Retry-After). An admitted
     * stream counts for its caller until it closes: {@link #open} it, or {@link #release} it when it never opens.
     */
    void admit(String caller) {
        if (!accepting) {
            throw new HttpProblem(503, "shutting_down", null, "this hub instance is shutting down; reconnect", 1);
        }
        if (clients.size() >= settings.maxClients()) {
            throw new HttpProblem(503, "too_many_clients", null,
                    "this hub instance streams to its maximum of " + settings.maxClients() + " clients", 5);
        }
        boolean[] over = {false};
        streamsPerCaller.compute(caller, (key, open) -> {
            int now = open == null ? 0 : open;
            if (now >= settings.maxStreamsPerClient()) {
                over[0] = true;
                return open;
            }
            return now + 1;
        });
        if (over[0]) {
            refusedPerCaller.increment();
            throw new HttpProblem(429, "too_many_streams", null, "this client has " + settings.maxStreamsPerClient()
                    + " streams open on this hub instance already (LIVE_EVENTS_MAX_STREAMS_PER_CLIENT); close one", 5);
        }
    }

    /** Gives back a stream {@link #admit} counted for {@code caller}. */
    void release(String caller) {
        streamsPerCaller.computeIfPresent(caller, (key, open) -> open <= 1 ? null : open - 1);
    }

    int streamsOf(String caller) {
        return streamsPerCaller.getOrDefault(caller, 0);
    }

    private byte[] unknownId(String lastEventId) {
        gaps("replay_unavailable");
        return gapFrame("replay_unavailable", lastEventId, null, "'" + lastEventId + "' is not an id of the live events "
                + "stream, nothing was replayed. Events may have been missed: reload the current state");
    }

    /**
     * A {@code stream.gap} event: no {@code id} (the browser keeps its last one), sent whatever the client's filter.
     * {@code data.oldest_available_id} is the oldest id the stream can still replay, when known.
     */
    private byte[] gapFrame(String code, String lastEventId, StreamId oldestAvailable, String message) {
        ObjectNode gap = json.createObjectNode().put("type", GAP).put("timestamp", clock.instant().toString())
                .put("message", message);
        ObjectNode data = gap.putObject("data").put("code", code);
        if (lastEventId != null) {
            data.put("last_event_id", lastEventId);
        }
        if (oldestAvailable != null) {
            data.put("oldest_available_id", oldestAvailable.toString());
        }
        return SseFrames.unnumbered(GAP, gap.toString());
    }

    private void gaps(String code) {
        Counter.builder("hub.live_events.gaps").tag("code", code).description("stream.gap events sent, by code")
                .register(meters).increment();
    }

    private static List<byte[]> frames(List<StreamedEvent> events) {
        return events.stream().map(StreamedEvent::frame).toList();
    }

    private void closed(SseConnection client, SseConnection.Closed reason) {
        if (clients.remove(client.number()) != null) {
            release(client.caller());
            closed.get(reason).increment();
            if (reason == SseConnection.Closed.TOO_SLOW) {
                LOG.warn("Live events: client {} disconnected, it fell {} events behind", client.number(),
                        settings.clientQueueSize());
            }
        }
    }

    public int connectedClients() {
        return clients.size();
    }

    /** GET /api/v2/events/health. */
    public Map<String, Object> health() {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", accepting ? "healthy" : "stopping");
        health.put("service", "sse_events");
        health.put("connected_clients", clients.size());
        synchronized (order) {
            health.put("last_event_id", lastDispatched == null ? null : lastDispatched.toString());
            health.put("buffered_events", cache.size());
        }
        return health;
    }

    /** The id of the newest event this instance streamed, or null: for tests and the benchmark. */
    public String lastEventId() {
        synchronized (order) {
            return lastDispatched == null ? null : lastDispatched.toString();
        }
    }

    @Override
    public void start() {
        accepting = true;
        running = true;
    }

    /** Graceful shutdown: every stream is closed before the web server waits for open requests. */
    @Override
    public void stop() {
        accepting = false;
        int open = clients.size();
        for (SseConnection client : List.copyOf(clients.values())) {
            client.close(SseConnection.Closed.SHUTDOWN);
        }
        if (open > 0) {
            LOG.info("Live events: closed {} streams for shutdown", open);
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server's graceful shutdown (phase Integer.MAX_VALUE - 1024) starts waiting. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    /** An entry of the stream that is not a live event. */
    public static final class InvalidLiveEvent extends IllegalArgumentException {
        public InvalidLiveEvent(String message) {
            super(message);
        }
    }
}
