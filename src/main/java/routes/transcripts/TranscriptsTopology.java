package routes.transcripts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The broker topology of a MassTransit receive endpoint named {@code transcript-consumer}, declared by Spring AMQP's
 * RabbitAdmin when the connection opens (camel-spring-rabbitmq cannot bind an exchange to an exchange):
 * <pre>
 *   requested exchange --(e2e)--> exchange transcript-consumer --> quorum queue transcript-consumer
 *   exchange transcript-consumer_error   --> queue transcript-consumer_error   (same arguments as the queue)
 *   exchange transcript-consumer_skipped --> queue transcript-consumer_skipped (same arguments as the queue)
 *   exchanges progress, completed, Fault&lt;T&gt; (the hub publishes there)
 *   quorum queue transcript-consumer_delay_&lt;interval&gt; per redelivery interval (the hub publishes there through the
 *     default exchange): x-message-ttl = the interval, expired messages dead-letter (at least once) to the default
 *     exchange with routing key transcript-consumer, i.e. back into the endpoint queue
 * </pre>
 * Names, durability and arguments are exactly what MassTransit declares (fanout, durable, not auto-delete, no
 * exchange arguments; queues durable with {@code x-queue-type: quorum}), so declaring before or after the .NET
 * app, or twice, never fails with 406 PRECONDITION_FAILED.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TranscriptsSettings.class)
public class TranscriptsTopology {

    static final Map<String, Object> QUEUE_ARGUMENTS = Map.of("x-queue-type", "quorum");

    @Bean
    Declarables transcriptsDeclarables(TranscriptsSettings settings, RedeliverySchedule transcriptsRedeliverySchedule) {
        return new Declarables(declarables(settings, transcriptsRedeliverySchedule));
    }

    static List<Declarable> declarables(TranscriptsSettings settings, RedeliverySchedule redelivery) {
        List<Declarable> all = new ArrayList<>();
        FanoutExchange endpoint = exchange(settings.endpoint());
        Queue queue = queue(settings.endpoint());
        FanoutExchange requested = exchange(settings.exchanges().requested());
        all.add(endpoint);
        all.add(queue);
        all.add(BindingBuilder.bind(queue).to(endpoint));
        all.add(requested);
        // exchange-to-exchange: everything published to the message type's exchange reaches the endpoint
        all.add(BindingBuilder.bind(endpoint).to(requested));
        for (String deadLetter : List.of(settings.errorQueue(), settings.skippedQueue())) {
            FanoutExchange exchange = exchange(deadLetter);
            Queue deadLetterQueue = queue(deadLetter);
            all.add(exchange);
            all.add(deadLetterQueue);
            all.add(BindingBuilder.bind(deadLetterQueue).to(exchange));
        }
        all.add(exchange(settings.exchanges().progress()));
        all.add(exchange(settings.exchanges().completed()));
        if (settings.publishFaults()) {
            all.add(exchange(settings.exchanges().fault()));
        }
        for (RedeliverySchedule.Interval interval : redelivery.intervals()) {
            all.add(delayQueue(interval, settings.endpoint()));
        }
        return all;
    }

    /**
     * A delayed-redelivery queue: nothing consumes it; each message expires after the interval and RabbitMQ
     * dead-letters it to the endpoint queue. Quorum like every queue of the endpoint; at-least-once dead-lettering
     * (RabbitMQ 3.10+, needs overflow reject-publish) keeps a message in the delay queue until the endpoint queue
     * confirmed it. The interval is in the name: a changed interval is a new queue, never a 406 on the old one.
     */
    static Queue delayQueue(RedeliverySchedule.Interval interval, String endpoint) {
        Map<String, Object> arguments = new java.util.LinkedHashMap<>();
        arguments.put("x-queue-type", "quorum");
        arguments.put("x-message-ttl", interval.delay().toMillis());
        arguments.put("x-dead-letter-exchange", "");
        arguments.put("x-dead-letter-routing-key", endpoint);
        arguments.put("x-dead-letter-strategy", "at-least-once");
        arguments.put("x-overflow", "reject-publish");
        return new Queue(interval.queue(), true, false, false, arguments);
    }

    private static FanoutExchange exchange(String name) {
        return new FanoutExchange(name, true, false);
    }

    private static Queue queue(String name) {
        return new Queue(name, true, false, false, QUEUE_ARGUMENTS);
    }
}
