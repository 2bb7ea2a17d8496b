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
 * sends in one go: one message per row, payload as value, {@code videoId} as key, the row's topic.
 */
public final class OutboxBatch {

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
            messages.add(message);
        }
        return messages;
    }

    public List<Object> ids(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = exchange.getMessage().getBody(List.class);
        List<Object> ids = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            ids.add(row.get("id"));
        }
        return ids;
    }
}
