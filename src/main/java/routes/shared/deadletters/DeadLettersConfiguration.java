package routes.shared.deadletters;

import java.time.Clock;
import java.time.Duration;
import java.util.List;


import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The dead-letter places of every flow, named by the flows' own settings ({@code hub.*} in config/*.yaml), and the
 * beans that expose them: {@code deadLetterRequests} (dead-letters.camel.yaml, internal listener) and the JMX MBean
 * {@link DeadLetterOperations}.
 * <ul>
 * <li>{@code <hub.transcripts.endpoint>_error} and {@code _skipped}: back to the MassTransit endpoint's exchange
 * ({@code transcript-consumer}, fanout), which routes them to its queue.</li>
 * <li>{@code hub.extraction.dead-letter-queue}: back to the exchange and routing key each message names
 * ({@code x-original-*}, else {@code x-death}), else {@code hub.extraction.exchange} with its routing key.</li>
 * <li>{@code hub.event-bridge.python.dead-letter-queue}: into the parking queue, which the bridge replays to
 * Python in order once a health check passes (one is run right after the re-drive).</li>
 * <li>{@code hub.event-bridge.python.parking-queue}: a re-drive runs the health check that starts the replay.</li>
 * <li>{@code hub.summaries.dead-letter-topic}: back to {@code hub.summaries.input-topic}, with offsets committed
 * for the re-drive group {@code hub.dead-letters.redrive-group}.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class DeadLettersConfiguration {

    static final String PYTHON_HEALTH = "direct:event-bridge-python-health";
    static final String PYTHON_REPLAY_ROUTE = "eventBridgePythonReplay";

    @Bean
    DeadLetterService deadLetterService(ConnectionFactory connectionFactory, ProducerTemplate producer, CamelContext camel,
                                        @Value("${hub.dead-letters.max-peek}") int maxPeek,
                                        @Value("${hub.dead-letters.redrive-group}") String redriveGroup,
                                        @Value("${hub.dead-letters.timeout-ms}") long timeoutMs,
                                        @Value("${hub.kafka.brokers}") String kafkaBrokers,
                                        @Value("${hub.transcripts.endpoint}") String transcriptsEndpoint,
                                        @Value("${hub.extraction.exchange}") String extractionExchange,
                                        @Value("${hub.extraction.routing-key}") String extractionRoutingKey,
                                        @Value("${hub.extraction.dead-letter-queue}") String extractionDeadLetters,
                                        @Value("${hub.event-bridge.python.parking-queue}") String pythonParking,
                                        @Value("${hub.event-bridge.python.dead-letter-queue}") String pythonDeadLetters,
                                        @Value("${hub.summaries.input-topic}") String summariesInput,
                                        @Value("${hub.summaries.dead-letter-topic}") String summariesDeadLetters) {
        com.rabbitmq.client.ConnectionFactory rabbit = ((AbstractConnectionFactory) connectionFactory).getRabbitConnectionFactory();
        Duration timeout = Duration.ofMillis(timeoutMs);
        Clock clock = Clock.systemUTC();
        // the replay of the parking queue starts when a health check passes: run one now rather than within 30 s
        java.util.function.BooleanSupplier pythonReplay = () -> {
            producer.sendBody(PYTHON_HEALTH, null);
            ServiceStatus status = camel.getRouteController().getRouteStatus(PYTHON_REPLAY_ROUTE);
            return status != null && (status.isStarted() || status.isStarting());
        };
        RabbitRedriveTarget transcripts = RabbitRedriveTarget.fixed(transcriptsEndpoint, "");
        List<DeadLetterPlace> places = List.of(
                new RabbitQueuePlace(rabbit, transcriptsEndpoint + "_error", "transcripts", transcripts, timeout, clock, null),
                new RabbitQueuePlace(rabbit, transcriptsEndpoint + "_skipped", "transcripts", transcripts, timeout, clock, null),
                new RabbitQueuePlace(rabbit, extractionDeadLetters, "extraction",
                        RabbitRedriveTarget.origin(extractionExchange, extractionRoutingKey), timeout, clock, null),
                new ParkingQueuePlace(new RabbitQueuePlace(rabbit, pythonParking, "event-bridge",
                        RabbitRedriveTarget.queue(pythonParking), timeout, clock, null), pythonReplay),
                new RabbitQueuePlace(rabbit, pythonDeadLetters, "event-bridge", RabbitRedriveTarget.queue(pythonParking),
                        timeout, clock, pythonReplay::getAsBoolean),
                new KafkaTopicPlace(kafkaBrokers, summariesDeadLetters, summariesInput, redriveGroup, "summaries", timeout, clock));
        return new DeadLetterService(places, maxPeek);
    }

    @Bean
    DeadLetterRequests deadLetterRequests(DeadLetterService service) {
        return new DeadLetterRequests(service);
    }

    /**
     * The operations on JMX (Hawtio, Jolokia) while the hub runs. {@link DeadLetterOperations} is deliberately not a
     * bean of its own: an annotation-driven exporter in the context (Spring Boot's, when something enables it) would
     * register the same {@code @ManagedResource} name a second time and fail the start.
     */
    @Bean
    JmxRegistration deadLetterOperationsMBean(DeadLetterService service, ObjectMapper json) {
        return new JmxRegistration(new DeadLetterOperations(service, json), DeadLetterOperations.OBJECT_NAME);
    }
}
