package routes.summaries;

import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The summaries outbox's backlog as gauges, read from {@code outbox_events} at every scrape (the partial index on
 * unpublished rows answers both): {@code hub.summaries.outbox.pending} (rows of video.summarized not yet published) and
 * {@code hub.summaries.outbox.lag} (seconds since the oldest of them was written; 0 when none waits). A database that
 * does not answer shows as NaN, not as an empty outbox.
 */
public final class OutboxBacklog implements MeterBinder {

    static final String BACKLOG = """
            SELECT count(*) AS pending, COALESCE(EXTRACT(EPOCH FROM (now() - min(created_at))), 0) AS lag
              FROM outbox_events WHERE NOT published AND topic = :topic""";

    private final NamedParameterJdbcTemplate jdbc;
    private final String topic;

    public OutboxBacklog(NamedParameterJdbcTemplate jdbc, String topic) {
        this.jdbc = jdbc;
        this.topic = topic;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("hub.summaries.outbox.pending", this, backlog -> backlog.read("pending"))
                .description("video.summarized events written to the outbox and not yet published")
                .tag("topic", topic).register(registry);
        Gauge.builder("hub.summaries.outbox.lag", this, backlog -> backlog.read("lag"))
                .description("age of the oldest unpublished outbox event").baseUnit("seconds")
                .tag("topic", topic).register(registry);
    }

    private double read(String column) {
        try {
            Map<String, Object> row = jdbc.queryForMap(BACKLOG, Map.of("topic", topic));
            return ((Number) row.get(column)).doubleValue();
        } catch (RuntimeException unavailable) {
            return Double.NaN;
        }
    }
}
