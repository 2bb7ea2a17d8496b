package routes.shared.deadletters;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

import routes.shared.MandatoryPublisher;

/**
 * A RabbitMQ dead-letter queue. Every operation opens a connection of its own and closes it at the end, so a
 * message taken from the queue and not acked (the hub stopped, the connection broke) goes back to the queue.
 * <p>
 * A re-drive moves one message at a time: {@code basic.get} without auto-ack, publish to the
 * {@linkplain RabbitRedriveTarget target} on a second channel in confirm mode with {@code mandatory}, wait for the
 * confirm, and only then ack the original. A nack, a timeout, a return (unroutable) or a channel error (no such
 * exchange) nacks the original back into the queue (requeue) and stops the re-drive: nothing is lost. A hub that
 * dies between the confirm and the ack leaves the original in the queue too, so a message may arrive twice, never
 * zero times. The re-driven copy keeps the body, the AMQP properties and every header, less the queue's own
 * {@code x-delivery-count}, plus {@value #REDRIVEN_AT} and {@value #REDRIVEN_FROM}.
 */
public final class RabbitQueuePlace implements DeadLetterPlace {

    public static final String REDRIVEN_AT = "hub-redriven-at";
    public static final String REDRIVEN_FROM = "hub-redriven-from";
    private static final Logger LOG = LoggerFactory.getLogger(RabbitQueuePlace.class);

    private final ConnectionFactory rabbit;
    private final String queue;
    private final String flow;
    private final RabbitRedriveTarget target;
    private final Duration confirmTimeout;
    private final Clock clock;
    private final Runnable afterRedrive;
    private final ReentrantLock lock = new ReentrantLock();

    public RabbitQueuePlace(ConnectionFactory rabbit, String queue, String flow, RabbitRedriveTarget target,
                            Duration confirmTimeout, Clock clock, Runnable afterRedrive) {
        this.rabbit = rabbit;
        this.queue = queue;
        this.flow = flow;
        this.target = target;
        this.confirmTimeout = confirmTimeout;
        this.clock = clock;
        this.afterRedrive = afterRedrive == null ? () -> { } : afterRedrive;
    }

    @Override
    public String name() {
        return queue;
    }

    @Override
    public String flow() {
        return flow;
    }

    @Override
    public String broker() {
        return "rabbitmq";
    }

    @Override
    public String redrivesTo() {
        return target.describe();
    }

    @Override
    public long count() {
        return withConnection(connection -> {
            try (Channel channel = connection.createChannel()) {
                return (long) channel.queueDeclarePassive(queue).getMessageCount();
            }
        });
    }

    @Override
    public List<DeadLetter> peek(int limit) {
        lock.lock();
        try {
            return withConnection(connection -> {
                Channel channel = connection.createChannel();
                List<DeadLetter> letters = new ArrayList<>();
                long lastTag = -1;
                try {
                    while (letters.size() < limit) {
                        GetResponse response = channel.basicGet(queue, false);
                        if (response == null) {
                            break;
                        }
                        lastTag = response.getEnvelope().getDeliveryTag();
                        letters.add(Bodies.letter(letters.size(), properties(response), headers(response.getProps()),
                                response.getBody()));
                    }
                } finally {
                    if (lastTag >= 0 && channel.isOpen()) {
                        // every message taken goes back, in its place
                        channel.basicNack(lastTag, true, true);
                    }
                }
                return letters;
            });
        } finally {
            lock.unlock();
        }
    }

    @Override
    public RedriveResult redrive(RedriveLimit limit) {
        RedriveResult result;
        lock.lock();
        try {
            result = withConnection(connection -> move(connection, limit));
        } finally {
            lock.unlock();
        }
        if (result.moved() > 0) {
            afterRedrive.run();
        }
        return result;
    }

    private RedriveResult move(Connection connection, RedriveLimit limit) throws IOException, TimeoutException {
        Channel source = connection.createChannel();
        long wanted = limit.against(source.queueDeclarePassive(queue).getMessageCount());
        Channel publish = connection.createChannel();
        publish.confirmSelect();
        long moved = 0;
        String error = null;
        while (moved < wanted) {
            GetResponse response = source.basicGet(queue, false);
            if (response == null) {
                break;
            }
            long tag = response.getEnvelope().getDeliveryTag();
            RabbitRedriveTarget.Destination destination = target.resolve(response.getProps().getHeaders());
            try {
                MandatoryPublisher.publishConfirmed(publish, destination.exchange(), destination.routingKey(),
                        redriven(response.getProps()), response.getBody(), confirmTimeout.toMillis());
            } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                error = "message " + (moved + 1) + " could not be published to " + destination + ": " + reason(e)
                        + "; it stays in " + queue;
                LOG.warn("Re-drive of {} stopped after {} message(s): {}", queue, moved, error);
                if (source.isOpen()) {
                    source.basicNack(tag, false, true);
                }
                break;
            }
            source.basicAck(tag, false);
            moved++;
        }
        // closing the channels settles every nack before the count (a nacked message is ready again)
        closeQuietly(publish);
        closeQuietly(source);
        long remaining;
        Channel counting = connection.createChannel();
        remaining = counting.queueDeclarePassive(queue).getMessageCount();
        counting.close();
        LOG.info("Re-drove {} of {} requested message(s) from {} to {}; {} remain", moved, limit, queue,
                target.describe(), remaining);
        return new RedriveResult(queue, target.describe(), wanted, moved, remaining, error);
    }

    @Override
    public long purge() {
        lock.lock();
        try {
            return withConnection(connection -> {
                try (Channel channel = connection.createChannel()) {
                    long purged = channel.queuePurge(queue).getMessageCount();
                    LOG.warn("Purged {} message(s) from {}", purged, queue);
                    return purged;
                }
            });
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(Channel channel) {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            LOG.debug("Closing a dead-letter channel: {}", e.toString());
        }
    }

    private AMQP.BasicProperties redriven(AMQP.BasicProperties original) {
        Map<String, Object> headers = new LinkedHashMap<>();
        if (original.getHeaders() != null) {
            headers.putAll(original.getHeaders());
        }
        // the dead-letter queue's own delivery counter (quorum queues), not the message's
        headers.remove("x-delivery-count");
        headers.put(REDRIVEN_AT, clock.instant().toString());
        headers.put(REDRIVEN_FROM, queue);
        return original.builder().headers(headers).build();
    }

    private static Map<String, Object> properties(GetResponse response) {
        AMQP.BasicProperties p = response.getProps();
        Map<String, Object> properties = new LinkedHashMap<>();
        put(properties, "messageId", p.getMessageId());
        put(properties, "correlationId", p.getCorrelationId());
        put(properties, "contentType", p.getContentType());
        put(properties, "contentEncoding", p.getContentEncoding());
        put(properties, "deliveryMode", p.getDeliveryMode());
        put(properties, "priority", p.getPriority());
        put(properties, "timestamp", p.getTimestamp());
        put(properties, "type", p.getType());
        put(properties, "replyTo", p.getReplyTo());
        put(properties, "expiration", p.getExpiration());
        put(properties, "userId", p.getUserId());
        put(properties, "appId", p.getAppId());
        put(properties, "receivedExchange", response.getEnvelope().getExchange());
        put(properties, "receivedRoutingKey", response.getEnvelope().getRoutingKey());
        put(properties, "redelivered", response.getEnvelope().isRedeliver());
        return properties;
    }

    private static Map<String, Object> headers(AMQP.BasicProperties properties) {
        Map<String, Object> headers = new LinkedHashMap<>();
        if (properties.getHeaders() != null) {
            properties.getHeaders().forEach((k, v) -> headers.put(k, Bodies.value(v)));
        }
        return headers;
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, Bodies.value(value));
        }
    }

    private static String reason(Exception e) {
        String message = e.getMessage();
        if (e instanceof com.rabbitmq.client.ShutdownSignalException shutdown && shutdown.getReason() != null) {
            message = String.valueOf(shutdown.getReason());
        } else if (e.getCause() instanceof com.rabbitmq.client.ShutdownSignalException shutdown && shutdown.getReason() != null) {
            message = String.valueOf(shutdown.getReason());
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private interface ConnectionWork<T> {
        T run(Connection connection) throws IOException, TimeoutException;
    }

    private <T> T withConnection(ConnectionWork<T> work) {
        Connection connection;
        try {
            connection = rabbit.newConnection("integration-hub dead letters " + queue);
        } catch (IOException | TimeoutException e) {
            throw new DeadLetterRefusal(DeadLetterRefusal.Kind.UNAVAILABLE, null,
                    "RabbitMQ is not reachable: " + e.getMessage());
        }
        try {
            return work.run(connection);
        } catch (IOException | TimeoutException e) {
            throw new DeadLetterRefusal(DeadLetterRefusal.Kind.UNAVAILABLE, null,
                    "RabbitMQ refused an operation on " + queue + ": " + reason(e));
        } finally {
            try {
                // anything taken and not acked goes back to the queue with the connection
                connection.close(5000);
            } catch (IOException | RuntimeException e) {
                LOG.debug("Closing the dead-letter connection for {}: {}", queue, e.getMessage());
            }
        }
    }
}
