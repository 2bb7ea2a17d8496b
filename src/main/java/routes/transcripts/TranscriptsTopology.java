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
    Declarables transcriptsDeclarables(TranscriptsSettings settings) {
        return new Declarables(declarables(settings));
    }

    static List<Declarable> declarables(TranscriptsSettings settings) {
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
        return all;
    }

    private static FanoutExchange exchange(String name) {
        return new FanoutExchange(name, true, false);
    }

    private static Queue queue(String name) {
        return new Queue(name, true, false, false, QUEUE_ARGUMENTS);
    }
}
