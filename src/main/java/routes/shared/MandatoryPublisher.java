package routes.shared;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

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
    private final Set<String> returned = ConcurrentHashMap.newKeySet();

    public MandatoryPublisher(ConnectionFactory connections, String exchangeName, String routingKey, long confirmTimeoutMs) {
        this.exchangeName = exchangeName;
        this.routingKey = routingKey;
        this.confirmTimeoutMs = confirmTimeoutMs;
        this.template = new RabbitTemplate(connections);
        template.setUsePublisherConnection(true);
        template.setMandatory(true);
        // the broker sends basic.return before the basic.ack of the same publish, on the same connection thread
        template.setReturnsCallback(back -> returned.add(String.valueOf(back.getMessage().getMessageProperties().getMessageId())));
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
        byte[] bytes = in.getBody(byte[].class);
        Message message = new Message(bytes == null ? new byte[0] : bytes, properties);
        // waitForConfirms (not ...OrDie, which closes the channel: an RPC that hangs on a blocked connection)
        Boolean confirmed = template.invoke(ops -> {
            ops.send(exchangeName, routingKey, message);
            return ops.waitForConfirms(confirmTimeoutMs);
        });
        if (!Boolean.TRUE.equals(confirmed)) {
            throw new AmqpException("event " + messageId + " not confirmed by the broker within " + confirmTimeoutMs + " ms");
        }
        if (messageId != null && returned.remove(messageId)) {
            throw new Unroutable(exchangeName, routingKey, messageId);
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
