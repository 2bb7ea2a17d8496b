package routes.shared;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.amqp.rabbit.support.MessagePropertiesConverter;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ReturnListener;

import routes.shared.tracing.ActiveSpan;

/**
 * Publishes an event as {@code mandatory} and waits for the broker's confirm: an event no queue is bound to take is
 * returned by the broker (before its confirm) and fails the exchange with {@link Unroutable}, instead of being
 * confirmed and lost. camel-spring-rabbitmq's producer cannot set the mandatory flag, so the steps that must not lose
 * an unroutable event publish through this bean (one per destination, configured where it is declared).
 * <p>
 * The Camel message as the spring-rabbitmq producer reads it: body (bytes or text), headers
 * {@code CamelSpringRabbitmqMessageId}, {@code CamelSpringRabbitmqContentType}, {@code CamelSpringRabbitmqDeliveryMode}.
 */
public final class MandatoryPublisher {

    private final RabbitTemplate template;
    private final String exchangeName;
    private final String routingKey;
    private final long confirmTimeoutMs;
    private final MessagePropertiesConverter converter = new DefaultMessagePropertiesConverter();

    public MandatoryPublisher(ConnectionFactory connections, String exchangeName, String routingKey, long confirmTimeoutMs) {
        this.exchangeName = exchangeName;
        this.routingKey = routingKey;
        this.confirmTimeoutMs = confirmTimeoutMs;
        this.template = new RabbitTemplate(connections);
        template.setUsePublisherConnection(true);
    }

    @Handler
    public void publish(Exchange exchange) {
        org.apache.camel.Message in = exchange.getMessage();
        MessageProperties properties = new MessageProperties();
        String messageId = in.getHeader("CamelSpringRabbitmqMessageId", String.class);
        properties.setMessageId(messageId);
        properties.setContentType(in.getHeader("CamelSpringRabbitmqContentType", MessageProperties.CONTENT_TYPE_JSON, String.class));
        properties.setDeliveryMode(in.getHeader("CamelSpringRabbitmqDeliveryMode", MessageDeliveryMode.PERSISTENT,
                MessageDeliveryMode.class));
        // tracing on: the consumer of this event continues the trace of the request that published it
        ActiveSpan.traceparent().ifPresent(traceparent -> properties.setHeader("traceparent", traceparent));
        byte[] body = in.getBody(byte[].class);
        AMQP.BasicProperties amqp = converter.fromMessageProperties(properties, "UTF-8");
        // on the raw (cached, confirm-mode) channel: the template's own return handling would add a correlation
        // header to every event. The broker sends basic.return before the basic.ack of the same publish.
        template.execute(channel -> {
            try {
                publishConfirmed(channel, exchangeName, routingKey, amqp, body == null ? new byte[0] : body, confirmTimeoutMs);
            } catch (TimeoutException e) {
                throw new AmqpException("event " + messageId + " not confirmed by the broker within " + confirmTimeoutMs + " ms", e);
            }
            return null;
        });
    }

    /**
     * One publish on a channel in confirm mode, {@code mandatory}, waiting for its confirm: a nack fails with
     * {@link AmqpException}, a return (no queue bound) with {@link Unroutable}, no confirm in time with
     * {@link TimeoutException}. The broker sends basic.return before the basic.ack of the same publish, on the
     * connection's one reader thread, so the return is seen before the wait ends. Also the dead-letter re-drive's move.
     */
    public static void publishConfirmed(Channel channel, String exchangeName, String routingKey, AMQP.BasicProperties properties,
                                        byte[] body, long confirmTimeoutMs)
            throws IOException, InterruptedException, TimeoutException {
        AtomicBoolean returned = new AtomicBoolean();
        ReturnListener listener = channel.addReturnListener(back -> returned.set(true));
        try {
            channel.basicPublish(exchangeName, routingKey, true, properties, body);
            if (!channel.waitForConfirms(confirmTimeoutMs)) {
                throw new AmqpException("message " + properties.getMessageId() + " refused by the broker (nack)");
            }
        } finally {
            channel.removeReturnListener(listener);
        }
        if (returned.get()) {
            throw new Unroutable(exchangeName, routingKey, properties.getMessageId());
        }
    }

    /** The broker took the event but no queue is bound to receive it. */
    public static final class Unroutable extends AmqpException {
        public Unroutable(String exchangeName, String routingKey, String messageId) {
            super("event " + messageId + " is unroutable: no queue bound to exchange '" + exchangeName + "' with key '"
                    + routingKey + "' (returned by the broker)");
        }
    }
}
