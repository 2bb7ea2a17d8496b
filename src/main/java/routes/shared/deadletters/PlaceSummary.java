package routes.shared.deadletters;

/**
 * A place in the list of dead letters: what it is, where a re-drive sends its messages, and how many wait there.
 * {@code count} is null and {@code error} says why when the broker could not be asked.
 */
public record PlaceSummary(String place, String flow, String broker, String redrivesTo, Long count, String error) {
}
