package routes.shared.deadletters;

/** An operation the dead-letter service refuses, with the reason; the HTTP side turns it into 400/404/409/503. */
public final class DeadLetterRefusal extends RuntimeException {

    /** Why. */
    public enum Kind {
        /** No place of that name (404). */
        UNKNOWN_PLACE,
        /** A missing or malformed parameter (400). */
        INVALID,
        /** The confirmation does not match what the place holds now (409). */
        CONFLICT,
        /** The broker could not be asked (503). */
        UNAVAILABLE
    }

    private final Kind kind;
    private final String field;

    public DeadLetterRefusal(Kind kind, String field, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    /** The parameter at fault, or null. */
    public String field() {
        return field;
    }
}
