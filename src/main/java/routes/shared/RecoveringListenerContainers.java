package routes.shared;

import java.time.Duration;

import org.apache.camel.component.springrabbit.DefaultListenerContainerFactory;
import org.apache.camel.component.springrabbit.ListenerContainerFactory;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.context.ApplicationContext;

/**
 * camel-spring-rabbitmq's listener containers (component option {@code listenerContainerFactory}), made to recover
 * as Spring AMQP's own containers do:
 * <ul>
 *   <li>They know the application context and auto-declare: when a consumer (re)starts and one of its queues is
 *       missing although the connection survived (the queue was deleted, or an exclusive queue outlived a broken
 *       connection), the container has RabbitAdmin declare every {@code Declarables} again instead of retrying
 *       against a queue nobody creates. Camel's containers are not beans, so they lacked the context.</li>
 *   <li>A direct container (DMLC, Camel's default) retries a failed consumer every {@code restartInterval}, checked
 *       every second; Spring's defaults (5 s, checked every 10 s) left a consumer down for up to 10 s after the
 *       broker came back.</li>
 * </ul>
 * Simple containers (SMLC) keep their own recovery interval; they stop with {@code forceStop}: the delivery in work
 * finishes, prefetched ones go back to the queue.
 */
public final class RecoveringListenerContainers implements ListenerContainerFactory {

    private static final long MONITOR_INTERVAL_MS = 1000;

    private final ListenerContainerFactory camelDefaults = new DefaultListenerContainerFactory();
    private final ApplicationContext context;
    private final Duration restartInterval;

    public RecoveringListenerContainers(ApplicationContext context, Duration restartInterval) {
        this.context = context;
        this.restartInterval = restartInterval;
    }

    @Override
    public AbstractMessageListenerContainer createListenerContainer(SpringRabbitMQEndpoint endpoint) {
        AbstractMessageListenerContainer container = camelDefaults.createListenerContainer(endpoint);
        container.setApplicationContext(context);
        // only the container's check "is a queue I consume missing? then declare the Declarables again"; what the
        // endpoint declares itself still follows its own autoDeclare option
        container.setAutoDeclare(true);
        if (container instanceof SimpleMessageListenerContainer simple) {
            // a stopping consumer (shutdown, kill switch) finishes the delivery in work and returns the ones it
            // prefetched to the queue, instead of processing all of them first
            simple.setForceStop(true);
        }
        if (container instanceof DirectMessageListenerContainer direct) {
            direct.setMonitorInterval(Math.min(MONITOR_INTERVAL_MS, restartInterval.toMillis()));
            direct.setFailedDeclarationRetryInterval(restartInterval.toMillis());
        }
        return container;
    }
}
