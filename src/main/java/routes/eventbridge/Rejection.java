package routes.eventbridge;

/** An event of a batch that was not accepted: its index in {@code events}, the field at fault and why. */
public record Rejection(int index, String field, String reason) {
}
