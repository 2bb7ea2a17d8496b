package routes.liveevents;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The live event stream's settings ({@code hub.live-events.*} in config/live-events.yaml).
 *
 * @param stream           the Redis stream every hub instance appends its live events to and reads them from
 * @param replaySize       events the stream keeps for {@code Last-Event-ID} replay ({@code XADD MAXLEN ~}); also the
 *                         size of each instance's in-memory cache of the newest events
 * @param clientQueueSize  events waiting for one client before it counts as too slow and is disconnected
 * @param maxClients       open streams this instance accepts
 * @param maxStreamsPerClient open streams this instance accepts from one client address
 * @param retryMs          reconnect delay advised to browsers ({@code retry:})
 * @param maxEventBytes    largest event accepted by the internal broadcast endpoint
 * @param probeIntervalSeconds how often an SSE comment is written to every client, to find closed connections
 * @param readBlockMs      how long one {@code XREAD BLOCK} of the reader waits for new entries
 * @param readBatch        entries one read returns at most ({@code COUNT})
 * @param readRetryMaxMs   the longest wait between reads after Redis errors (100 ms, doubling up to this)
 */
@ConfigurationProperties(prefix = "hub.live-events")
public record LiveEventsSettings(String stream, int replaySize, int clientQueueSize, int maxClients,
                                 int maxStreamsPerClient, long retryMs,
                                 int maxEventBytes, int probeIntervalSeconds, long readBlockMs, int readBatch,
                                 long readRetryMaxMs) {

    public LiveEventsSettings {
        if (stream == null || stream.isBlank()) {
            throw new IllegalArgumentException("hub.live-events.stream must name a Redis key");
        }
        if (replaySize < 1) {
            throw new IllegalArgumentException("hub.live-events.replay-size must be at least 1");
        }
        if (clientQueueSize < 1) {
            throw new IllegalArgumentException("hub.live-events.client-queue-size must be at least 1");
        }
        if (probeIntervalSeconds < 1) {
            throw new IllegalArgumentException("hub.live-events.probe-interval-seconds must be at least 1");
        }
        if (maxClients < 1) {
            throw new IllegalArgumentException("hub.live-events.max-clients must be at least 1");
        }
        if (maxStreamsPerClient < 1) {
            throw new IllegalArgumentException("hub.live-events.max-streams-per-client must be at least 1");
        }
        if (readBlockMs < 1 || readBatch < 1 || readRetryMaxMs < 1) {
            throw new IllegalArgumentException("hub.live-events.read-block-ms, read-batch and read-retry-max-ms must be at least 1");
        }
    }
}
