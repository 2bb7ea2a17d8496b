package routes.transcripts;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.amqp.core.MessageDeliveryMode;

/**
 * The delayed redelivery steps of transcripts.camel.yaml (bean {@code transcriptRedelivery}): whether a delivery that
 * failed through its immediate retries gets another one later ({@link #next}), the copy that waits for it
 * ({@link #copy}: the delivery as received, {@code MT-Redelivery-Count} + 1, persistent, routed to the interval's
 * queue) and the inbox mark that lets exactly that copy in ({@link #markParameters}).
 */
public final class TranscriptRedelivery {

    /** MassTransit's header: how often the message was redelivered (absent on the first delivery). */
    public static final String COUNT_HEADER = "MT-Redelivery-Count";
    /** The redelivery scheduled for this delivery ({@link Scheduled}), or absent: none left. */
    public static final String SCHEDULED = "transcriptsRedelivery";

    /** The copy's count (MT-Redelivery-Count it carries), out of {@code of} redeliveries, and where it waits. */
    public record Scheduled(int count, int of, RedeliverySchedule.Interval interval) {
    }

    private final RedeliverySchedule schedule;

    public TranscriptRedelivery(RedeliverySchedule schedule) {
        this.schedule = schedule;
    }

    public RedeliverySchedule schedule() {
        return schedule;
    }

    /**
     * The next redelivery of this delivery, or null: redelivery off, every interval spent, or not a transcript
     * request (nothing was read of it).
     */
    public Scheduled next(Exchange exchange) {
        OriginalDelivery original = exchange.getProperty(TranscriptsInbound.ORIGINAL, OriginalDelivery.class);
        if (original == null || exchange.getProperty(TranscriptsInbound.REQUEST) == null) {
            return null;
        }
        int count = count(original.headers().get(COUNT_HEADER));
        RedeliverySchedule.Interval interval = schedule.next(count);
        return interval == null ? null : new Scheduled(count + 1, schedule.intervals().size(), interval);
    }

    /** The original delivery, counted once more, persistent, addressed to the interval's queue (default exchange). */
    public void copy(Exchange exchange) {
        Scheduled scheduled = exchange.getProperty(SCHEDULED, Scheduled.class);
        Message message = DeadLetters.restore(exchange);
        message.setHeader(COUNT_HEADER, scheduled.count());
        message.setHeader("CamelSpringRabbitmqDeliveryMode", MessageDeliveryMode.PERSISTENT);
        message.setHeader("CamelSpringRabbitmqRoutingOverrideKey", scheduled.interval().queue());
    }

    /** Named parameters of the inbox mark: the request waits for the copy carrying {@code redeliveryCount}. */
    public Map<String, Object> markParameters(Exchange exchange) {
        Scheduled scheduled = exchange.getProperty(SCHEDULED, Scheduled.class);
        TranscriptOutcome outcome = exchange.getProperty(TranscriptsInbound.OUTCOME, TranscriptOutcome.class);
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Map<String, Object> params = new HashMap<>();
        params.put("messageId", exchange.getProperty(TranscriptsInbound.REQUEST, TranscriptRequest.class).messageId());
        params.put("owner", exchange.getProperty(TranscriptLeases.CLAIM, String.class));
        params.put("redeliveryCount", scheduled.count());
        params.put("error", outcome != null ? outcome.error() : caught != null ? String.valueOf(caught.getMessage()) : null);
        return params;
    }

    /** MT-Redelivery-Count as the broker hands it over (int, long or text); anything unreadable counts as 0. */
    static int count(Object header) {
        if (header instanceof Number number) {
            return number.intValue();
        }
        if (header != null) {
            try {
                return Integer.parseInt(header.toString().strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }
}
