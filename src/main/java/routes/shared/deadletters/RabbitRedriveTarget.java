package routes.shared.deadletters;

import java.util.List;
import java.util.Map;

/**
 * Where a re-drive publishes a message taken from a RabbitMQ dead-letter queue: a fixed exchange and routing key,
 * or ({@link #origin}) the exchange and routing key the message itself names, falling back to fixed ones.
 */
public final class RabbitRedriveTarget {

    /** An exchange ({@code ""} is the default exchange, whose routing key is a queue name) and a routing key. */
    public record Destination(String exchange, String routingKey) {

        @Override
        public String toString() {
            return exchange.isEmpty() ? "queue " + routingKey
                    : "exchange " + exchange + (routingKey.isEmpty() ? "" : " with routing key " + routingKey);
        }
    }

    private final Destination fallback;
    private final boolean followOrigin;

    private RabbitRedriveTarget(Destination fallback, boolean followOrigin) {
        this.fallback = fallback;
        this.followOrigin = followOrigin;
    }

    /** Always {@code exchange} with {@code routingKey}. */
    public static RabbitRedriveTarget fixed(String exchange, String routingKey) {
        return new RabbitRedriveTarget(new Destination(exchange, routingKey), false);
    }

    /** Always the queue {@code queue}, through the default exchange. */
    public static RabbitRedriveTarget queue(String queue) {
        return fixed("", queue);
    }

    /**
     * Where the message came from: the {@code x-original-exchange} / {@code x-original-routing-key} headers the
     * hub's own dead-lettering writes, else the newest {@code x-death} entry the broker writes when it dead-letters
     * (its exchange and first routing key), else {@code exchange} with {@code routingKey}.
     */
    public static RabbitRedriveTarget origin(String exchange, String routingKey) {
        return new RabbitRedriveTarget(new Destination(exchange, routingKey), true);
    }

    /** The destination of a message with these AMQP headers (null: none). */
    public Destination resolve(Map<String, Object> headers) {
        if (!followOrigin || headers == null) {
            return fallback;
        }
        Object exchange = headers.get("x-original-exchange");
        if (exchange != null) {
            Object key = headers.get("x-original-routing-key");
            return new Destination(text(exchange), key == null ? fallback.routingKey() : text(key));
        }
        if (headers.get("x-death") instanceof List<?> deaths && !deaths.isEmpty()
                && deaths.get(0) instanceof Map<?, ?> newest && newest.get("exchange") != null) {
            Object keys = newest.get("routing-keys");
            String key = keys instanceof List<?> list && !list.isEmpty() ? text(list.get(0)) : fallback.routingKey();
            return new Destination(text(newest.get("exchange")), key);
        }
        return fallback;
    }

    /** In words, for the list of places. */
    public String describe() {
        return followOrigin ? "where each message came from (x-original-exchange/-routing-key, else x-death), else "
                + fallback : fallback.toString();
    }

    private static String text(Object value) {
        return String.valueOf(Bodies.value(value));
    }
}
