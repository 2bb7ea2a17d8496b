package routes.summaries;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/**
 * Turns a batch of {@code outbox_events} rows (camel-sql's list of column maps) into the Kafka records the relay
 * sends in one go: one message per row, payload as value, {@code videoId} as key, the row's topic. Camel's Kafka
 * producer hands every record of the list to the Kafka client before it waits for the first acknowledgement, so a
 * batch costs about one round trip to the broker, not one per row.
 */
public final class OutboxBatch {

    static final String TRACEPARENT = "traceparent";

    public List<Message> messages(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = exchange.getMessage().getBody(List.class);
        List<Message> messages = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            Message message = new DefaultMessage(exchange);
            message.setBody(String.valueOf(row.get("payload")));
            Object key = row.get("message_key");
            if (key != null) {
                message.setHeader(KafkaConstants.KEY, String.valueOf(key));
            }
            message.setHeader(KafkaConstants.OVERRIDE_TOPIC, String.valueOf(row.get("topic")));
            message.setHeader("outboxEventId", String.valueOf(row.get("id")));
            // the trace of the video.transcribed record this event answers (written with the row when tracing is on)
            Object traceparent = row.get("traceparent");
            if (traceparent != null) {
                message.setHeader(TRACEPARENT, String.valueOf(traceparent));
            }
            messages.add(message);
        }
        return messages;
    }

    /**
     * The claimed rows' ids as one PostgreSQL array literal ({@code {id1,id2,...}}), bound as ONE parameter of
     * {@code WHERE id = ANY(CAST(:#outboxIds AS uuid[]))}: one statement and one plan for any batch size, where an
     * IN list would need a placeholder per row. The ids are UUIDs read from the table, never user text.
     */
    public String ids(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = exchange.getMessage().getBody(List.class);
        StringBuilder ids = new StringBuilder(rows.size() * 37 + 2).append('{');
        for (Map<String, Object> row : rows) {
            if (ids.length() > 1) {
                ids.append(',');
            }
            ids.append(row.get("id"));
        }
        return ids.append('}').toString();
    }
}
