package routes.shared.deadletters;

/** What a purge dropped. */
public record PurgeResult(String place, long purged) {
}
