package routes.shared.deadletters;

/** How many messages a re-drive moves: a number, or {@code all} (what the place held when the re-drive began). */
public record RedriveLimit(long count, boolean all) {

    public static final long MAX = 1_000_000;

    public RedriveLimit {
        if (!all && (count < 1 || count > MAX)) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX + ", or all");
        }
    }

    public static RedriveLimit of(long count) {
        return new RedriveLimit(count, false);
    }

    public static RedriveLimit everything() {
        return new RedriveLimit(0, true);
    }

    /** {@code all} or a positive whole number; anything else is refused with the reason. */
    public static RedriveLimit parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("limit is required: a number of messages, or all");
        }
        String value = text.trim();
        if (value.equalsIgnoreCase("all")) {
            return everything();
        }
        long count;
        try {
            count = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a number of messages or all, not '" + value + "'");
        }
        return of(count);
    }

    /** How many to move from a place that holds {@code available}. */
    public long against(long available) {
        return all ? Math.max(0, available) : count;
    }

    @Override
    public String toString() {
        return all ? "all" : Long.toString(count);
    }
}
