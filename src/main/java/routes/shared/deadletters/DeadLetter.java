package routes.shared.deadletters;

import java.util.Map;

/**
 * One message as an operator peeks at it.
 *
 * @param position     0 for the first message of the place
 * @param properties   the broker's own fields: AMQP properties (messageId, contentType, ...) or Kafka's partition,
 *                     offset, timestamp and key
 * @param headers      every header, the reason headers included (MT-Reason, MT-Fault-*, x-death, x-dlt-*, ...)
 * @param body         the body as text, or Base64 when it is not UTF-8
 * @param bodyEncoding {@code utf-8} or {@code base64}
 */
public record DeadLetter(int position, Map<String, Object> properties, Map<String, Object> headers, String body,
                         String bodyEncoding) {
}
