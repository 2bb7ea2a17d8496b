package routes.shared;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * An HTTP {@code Retry-After} value (delay in seconds, fractions allowed, or an RFC 1123 date) as the milliseconds to
 * wait from {@code now}; never negative. Used by the transcript-api retries and the LLM retries, each with its cap.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    /** The wait in milliseconds, or null when the value is absent or neither seconds nor an HTTP date. */
    public static Long millis(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        long millis;
        try {
            millis = Math.round(Double.parseDouble(value) * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                millis = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
                        .toMillis();
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
        return Math.max(0, millis);
    }
}
