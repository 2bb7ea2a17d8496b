package routes.liveevents;

import java.util.List;

import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.ExchangeBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * This instance's broker topology for the live events, declared by Spring AMQP's RabbitAdmin on <em>every</em> new
 * broker connection, not only at start:
 * <pre>
 *   fanout exchange hub.live-events (durable) --> queue hub.live-events.&lt;host&gt;.&lt;uuid&gt; (exclusive, auto-delete, non-durable)
 * </pre>
 * The queue dies with the connection (a RabbitMQ restart, a network cut); route {@code liveEventReceive} consumes it
 * with {@code autoDeclare=false}, so it relies on this declaration: the admin declares queue and binding again
 * when the connection factory reconnects, and the listener container's next restart attempt finds them. The
 * exchange's properties are the ones the fanout producer of route {@code liveEventFanout} declares.
 */
@Configuration(proxyBeanMethods = false)
public class LiveEventsTopology {

    @Bean
    Declarables liveEventsDeclarables(LiveEventsSettings settings) {
        return new Declarables(declarables(settings));
    }

    static List<Declarable> declarables(LiveEventsSettings settings) {
        FanoutExchange exchange = ExchangeBuilder.fanoutExchange(settings.exchange()).durable(true).build();
        Queue queue = QueueBuilder.nonDurable(settings.queue()).exclusive().autoDelete().build();
        return List.of(exchange, queue, BindingBuilder.bind(queue).to(exchange));
    }
}
