package routes.extraction;

import java.util.regex.Pattern;

/** The rule a contentId follows: 1-128 characters from {@code [A-Za-z0-9._:-]}. */
final class ContentId {

    static final int MAX_LENGTH = 128;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._:-]+");

    private ContentId() {
    }

    /** Why {@code value} is not a valid contentId, or null when it is. */
    static String problem(String value) {
        if (value == null || value.isEmpty()) {
            return "is required";
        }
        if (value.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters (got " + value.length() + ")";
        }
        if (!ALLOWED.matcher(value).matches()) {
            return "may contain only letters, digits and . _ : -";
        }
        return null;
    }
}
