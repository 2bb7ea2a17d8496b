package routes.extraction;

/**
 * The {@code extraction.completed} event on exchange {@code extraction.events}: JSON
 * {@code {"contentId", "eventId", "occurredAt"}}, published persistent with {@code message_id = eventId}.
 * {@code occurredAt} is an ISO-8601 instant (UTC).
 */
public record ExtractionCompleted(String contentId, String eventId, String occurredAt) {
}
