package routes.transcripts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.springframework.boot.convert.DurationStyle;

/**
 * MassTransit's delayed redelivery (second-level retry) of the transcripts endpoint, without RabbitMQ's
 * delayed-message plug-in: one durable queue per interval, {@code <endpoint>_delay_<interval>}, whose messages expire
 * after the interval and dead-letter back (default exchange) to the endpoint queue. The n-th redelivery waits in the
 * n-th interval's queue; after the last one a failure goes to {@code _error}. From
 * {@code hub.transcripts.redelivery.intervals} (TRANSCRIPTS_REDELIVERY_INTERVALS, e.g. {@code 5s,30s,2m}; empty: off).
 */
public record RedeliverySchedule(List<Interval> intervals) {

    /** An interval as written ({@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}): also the queue name's suffix. */
    private static final Pattern INTERVAL = Pattern.compile("[1-9][0-9]*(ms|s|m|h|d)");

    /** One waiting place: its label as configured, its delay (the queue's x-message-ttl) and the queue. */
    public record Interval(String label, Duration delay, String queue) {
    }

    public RedeliverySchedule {
        intervals = List.copyOf(intervals);
    }

    /** Parses a comma-separated list of intervals; an unknown or non-positive one fails the start. */
    public static RedeliverySchedule parse(String endpoint, String intervals) {
        List<Interval> parsed = new ArrayList<>();
        if (intervals != null) {
            for (String part : intervals.split(",")) {
                String label = part.strip().toLowerCase(Locale.ROOT);
                if (label.isEmpty()) {
                    continue;
                }
                if (!INTERVAL.matcher(label).matches()) {
                    throw new IllegalArgumentException("TRANSCRIPTS_REDELIVERY_INTERVALS: '" + part.strip()
                            + "' is no interval (a positive number and ms, s, m, h or d, e.g. 5s,30s,2m)");
                }
                parsed.add(new Interval(label, DurationStyle.SIMPLE.parse(label), delayQueue(endpoint, label)));
            }
        }
        return new RedeliverySchedule(parsed);
    }

    /** {@code <endpoint>_delay_<interval>}. */
    public static String delayQueue(String endpoint, String label) {
        return endpoint + "_delay_" + label;
    }

    /** Where a delivery that carries {@code redeliveryCount} (MT-Redelivery-Count, 0 when absent) waits next; null: none left. */
    public Interval next(int redeliveryCount) {
        return redeliveryCount >= 0 && redeliveryCount < intervals.size() ? intervals.get(redeliveryCount) : null;
    }

    public boolean enabled() {
        return !intervals.isEmpty();
    }
}
