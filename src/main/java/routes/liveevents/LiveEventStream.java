package routes.liveevents;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * This hub instance's side of the live event stream (bean {@code liveEventStream}). Route
 * {@code liveEventReceive} hands it every event from the fanout exchange; it numbers the event (ids strictly
 * increase per instance), keeps it in the replay buffer, renders its SSE frame once and queues it for every
 * connected client whose filter wants it. Numbering, buffering and registering a client happen under one lock,
 * so a reconnecting client gets each event exactly once: replayed or live.
 *
 * <p>Ids start at this instance's start time in seconds times 10^6: an id issued by another instance or by an
 * earlier run of this one falls outside this instance's range, so a reconnect that lands elsewhere is told its
 * replay is unavailable instead of being replayed someone else's events.
 */
public final class LiveEventStream implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(LiveEventStream.class);
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9._-]{0,63}");
    /** The event telling a reconnecting client that events may have been missed. */
    static final String GAP = "stream.gap";

    private final LiveEventsSettings settings;
    private final ObjectMapper json;
    private final Clock clock;
    private final long firstId;
    private final ReplayBuffer buffer;
    private final Map<Long, SseConnection> clients = new ConcurrentHashMap<>();
    private final AtomicLong connectionNumbers = new AtomicLong();
    private final Object order = new Object();
    private long lastIssued;
    private volatile boolean running;
    private volatile boolean accepting = true;

    private final Counter dispatched;
    private final Map<SseConnection.Closed, Counter> closed = new LinkedHashMap<>();

    public LiveEventStream(LiveEventsSettings settings, ObjectMapper json, Clock clock, MeterRegistry meters) {
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.firstId = clock.instant().getEpochSecond() * 1_000_000L;
        this.lastIssued = firstId - 1;
        this.buffer = new ReplayBuffer(settings.replayBufferSize());
        Gauge.builder("hub.live_events.clients", clients, Map::size).description("open SSE streams on this instance")
                .register(meters);
        this.dispatched = Counter.builder("hub.live_events.events").description("live events numbered and streamed")
                .register(meters);
        for (SseConnection.Closed reason : SseConnection.Closed.values()) {
            closed.put(reason, Counter.builder("hub.live_events.disconnects").tag("reason", reason.name().toLowerCase())
                    .description("SSE streams ended").register(meters));
        }
    }

    /**
     * Numbers one event from the exchange and streams it. The body is a LiveEvent as JSON; anything else raises
     * {@link InvalidLiveEvent} (route {@code liveEventReceive} logs and drops it).
     */
    public StreamedEvent dispatch(String body) {
        ObjectNode event = parse(body);
        String type = event.path("type").asText();
        String videoId = event.hasNonNull("video_id") ? event.get("video_id").asText() : null;
        String compact = event.toString();
        StreamedEvent streamed;
        synchronized (order) {
            lastIssued++;
            streamed = StreamedEvent.of(lastIssued, type, videoId, compact);
            buffer.add(streamed);
            for (SseConnection client : clients.values()) {
                if (client.filter().test(streamed)) {
                    client.offer(streamed.frame());
                }
            }
        }
        dispatched.increment();
        return streamed;
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
            throw new InvalidLiveEvent(type + " events come from each hub instance, not from the exchange");
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
     * for a reconnect, the events it missed (after a {@code stream.gap} event when some cannot be replayed).
     */
    SseConnection open(AsyncContext async, ServletOutputStream out, StreamFilter filter, String lastEventId) throws IOException {
        SseConnection client = new SseConnection(connectionNumbers.incrementAndGet(), filter, settings.clientQueueSize(),
                this::closed);
        List<byte[]> opening = new ArrayList<>();
        opening.add(SseFrames.opening(settings.retryMs()));
        synchronized (order) {
            if (lastEventId != null && !lastEventId.isBlank()) {
                opening.addAll(replay(lastEventId, filter));
            }
            clients.put(client.number(), client);
            client.start(opening);
        }
        client.attach(async, out);
        return client;
    }

    /** Refuses a new stream while shutting down or at the client limit (503 with Retry-After). */
    void admit() {
        if (!accepting) {
            throw new HttpProblem(503, "shutting_down", null, "this hub instance is shutting down; reconnect", 1);
        }
        if (clients.size() >= settings.maxClients()) {
            throw new HttpProblem(503, "too_many_clients", null,
                    "this hub instance streams to its maximum of " + settings.maxClients() + " clients", 5);
        }
    }

    /**
     * What a reconnecting client gets before the live events: the events it missed; or, when some of them are gone
     * (older than the buffer) or its id is not this instance's, a {@code stream.gap} event first, then whatever is
     * still buffered for it (nothing for an unknown id: this instance cannot tell which of its events the client saw).
     */
    private List<byte[]> replay(String lastEventId, StreamFilter filter) {
        ReplayBuffer.Replay replay = buffer.after(lastEventId, firstId, lastIssued, filter);
        if (replay instanceof ReplayBuffer.Missed missed) {
            return frames(missed.events());
        }
        if (replay instanceof ReplayBuffer.Gap gap) {
            List<byte[]> frames = new ArrayList<>();
            frames.add(gapFrame(lastEventId, "replay_gap", gap.missed() + " events after id " + gap.lastEventId()
                    + " are no longer buffered and were not replayed; the oldest still available is "
                    + gap.oldestAvailable() + ". Events may have been missed: reload the current state", gap.missed()));
            frames.addAll(frames(gap.available()));
            return frames;
        }
        return List.of(gapFrame(lastEventId, "replay_unavailable", "event id '" + lastEventId + "' was not issued by "
                + "this hub instance (restarted or another instance), nothing was replayed. Events may have been "
                + "missed: reload the current state", null));
    }

    /**
     * A {@code stream.gap} event: no {@code id} (the browser keeps its last one), sent whatever the client's filter.
     * {@code data.oldest_available_id} is the oldest id this instance can still replay.
     */
    private byte[] gapFrame(String lastEventId, String code, String message, Long missed) {
        ObjectNode gap = json.createObjectNode().put("type", GAP).put("timestamp", clock.instant().toString())
                .put("message", message);
        ObjectNode data = gap.putObject("data").put("code", code).put("last_event_id", lastEventId)
                .put("oldest_available_id", buffer.size() == 0 ? lastIssued + 1 : oldestBuffered());
        if (missed != null) {
            data.put("missed", missed);
        }
        return SseFrames.unnumbered(GAP, gap.toString());
    }

    private static List<byte[]> frames(List<StreamedEvent> events) {
        return events.stream().map(StreamedEvent::frame).toList();
    }

    private long oldestBuffered() {
        return lastIssued - buffer.size() + 1;
    }

    private void closed(SseConnection client, SseConnection.Closed reason) {
        if (clients.remove(client.number()) != null) {
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
            health.put("last_event_id", lastIssued >= firstId ? lastIssued : null);
            health.put("buffered_events", buffer.size());
        }
        return health;
    }

    /** The id the next event gets minus one: for tests and the benchmark. */
    public long lastEventId() {
        synchronized (order) {
            return lastIssued;
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

    /** An event from the exchange that cannot be streamed. */
    public static final class InvalidLiveEvent extends IllegalArgumentException {
        public InvalidLiveEvent(String message) {
            super(message);
        }
    }
}
