package routes.eventbridge;

import java.time.Instant;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;

import routes.shared.MandatoryPublisher;
import routes.shared.SingleAttemptHttpClient;
import routes.shared.JsonLimits;

/** The event bridge's beans; the routes are in camel/event-bridge.camel.yaml. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EventBridgeSettings.class)
public class EventBridgeConfiguration {

    /** How long an ingest request waits for the broker's confirm of its outbox message (as the parking publish). */
    static final long OUTBOX_CONFIRM_TIMEOUT_MS = 5000;

    @Bean
    EventNormaliser eventNormaliser(ObjectMapper json, EventBridgeSettings settings) {
        return new EventNormaliser(json, settings.defaults(), Instant::now);
    }

    @Bean
    EventBridgeRequests eventBridgeRequests(ObjectMapper json, JsonLimits jsonLimits, EventNormaliser normaliser,
                                            EventBridgeSettings settings) {
        return new EventBridgeRequests(json, jsonLimits, normaliser, settings.maxBatchSize(), settings.defaults().source());
    }

    @Bean
    EventStreamStore eventStreamStore(StringRedisTemplate redis, ObjectMapper json, EventBridgeSettings settings) {
        return new EventStreamStore(redis, json, settings.streamMaxLength(), settings.keyTtlSeconds());
    }

    @Bean
    EventCounters eventCounters(StringRedisTemplate redis, EventBridgeSettings settings) {
        return new EventCounters(redis, settings.counterTtlSeconds());
    }

    @Bean
    RunningFeatures runningFeatures(StringRedisTemplate redis, EventBridgeSettings settings) {
        return new RunningFeatures(redis, settings.recentResponsesWindow(), settings.featuresTtlSeconds());
    }

    @Bean
    CombinedFeatures combinedFeatures(StringRedisTemplate redis, ObjectMapper json) {
        return new CombinedFeatures(redis, json);
    }

    @Bean
    PythonBridge pythonBridge(CamelContext camel, AmqpAdmin amqp, EventBridgeSettings settings,
                              @Value("${hub.python-bridge.enabled}") boolean enabled,
                              @Value("${hub.peers.python-event-api}") String url) {
        return new PythonBridge(camel, amqp, enabled, url, settings.python().parkingQueue(), settings.python().deadLetterQueue());
    }

    /** {@code pythonBridge} component of /actuator/health. */
    @Bean
    PythonBridgeHealth pythonBridgeHealthIndicator(PythonBridge bridge) {
        return new PythonBridgeHealth(bridge);
    }

    @Bean
    IntegrationProbe integrationProbe(ProducerTemplate producer, ObjectMapper json, EventBridgeSettings settings,
                                      @Value("${hub.python-bridge.enabled}") boolean pythonEnabled) {
        return new IntegrationProbe(producer, json, settings.defaults(), pythonEnabled);
    }

    /**
     * The durable queues of the Python bridge, declared when the hub connects to RabbitMQ: the outbox (one message
     * per ingest request, published before the 202; a quorum queue with a single active consumer, so exactly one
     * hub instance reads it, one message at a time, in order), parked batches (single active consumer, so only one
     * hub instance replays and the order holds) and refused batches.
     */
    @Bean
    Declarables pythonBridgeQueues(EventBridgeSettings settings) {
        return new Declarables(
                QueueBuilder.durable(settings.python().outboxQueue()).quorum().singleActiveConsumer().build(),
                QueueBuilder.durable(settings.python().parkingQueue()).singleActiveConsumer().build(),
                QueueBuilder.durable(settings.python().deadLetterQueue()).build());
    }

    @Bean
    SingleAttemptHttpClient pythonHttpClient() {
        return new SingleAttemptHttpClient();
    }

    /** The outbox publish of route eventBridgeProcess: default exchange, the outbox queue's name as routing key. */
    @Bean
    MandatoryPublisher pythonOutboxPublisher(ConnectionFactory connections, EventBridgeSettings settings) {
        return new MandatoryPublisher(connections, "", settings.python().outboxQueue(), OUTBOX_CONFIRM_TIMEOUT_MS);
    }

    /** Cuts outbox messages into batches (route eventBridgePythonOutbox) and renders the 503 of a failed publish. */
    @Bean
    PythonOutbox pythonOutbox(ObjectMapper json, EventBridgeSettings settings) {
        return new PythonOutbox(json, settings.python().batchSize(), settings.python().outboxRetryAfterSeconds());
    }
}
