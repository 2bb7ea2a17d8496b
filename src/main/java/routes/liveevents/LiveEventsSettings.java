package routes.liveevents;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The live event stream's settings ({@code hub.live-events.*} in config/live-events.yaml).
 *
 * @param exchange         the fanout exchange every hub instance publishes to and consumes from
 * @param queue            this instance's own exclusive, auto-delete queue on that exchange
 * @param replayBufferSize events kept for {@code Last-Event-ID} replay
 * @param clientQueueSize  events waiting for one client before it counts as too slow and is disconnected
 * @param maxClients       open streams this instance accepts
 * @param retryMs          reconnect delay advised to browsers ({@code retry:})
 * @param maxEventBytes    largest event accepted by the internal broadcast endpoint
 * @param probeIntervalSeconds how often an SSE comment is written to every client, to find closed connections
 */
@ConfigurationProperties(prefix = "hub.live-events")
public record LiveEventsSettings(String exchange, String queue, int replayBufferSize, int clientQueueSize, int maxClients,
                                 long retryMs, int maxEventBytes, int probeIntervalSeconds) {

    public LiveEventsSettings {
        if (replayBufferSize < 1) {
            throw new IllegalArgumentException("hub.live-events.replay-buffer-size must be at least 1");
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
    }
}
