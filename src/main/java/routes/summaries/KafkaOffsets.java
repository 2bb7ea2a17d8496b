package routes.summaries;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the consumed record came from, and committing its offset. {@link #remember} keeps the record's
 * coordinates and its manual commit in an exchange property as the record arrives (the pipeline replaces the
 * message and its headers); {@link #commit} is the last step of every path (summarized, skipped as a duplicate,
 * dead-lettered), so an offset is committed only once the record's outcome is safe.
 */
public final class KafkaOffsets {

    public static final String PROPERTY = "kafkaRecord";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaOffsets.class);

    /** The consumed record: key, topic, partition, offset, and its manual commit (null when not from Kafka). */
    public record Source(Object key, String topic, Integer partition, Long offset, KafkaManualCommit commit) {
    }

    public void remember(Exchange exchange) {
        var in = exchange.getMessage();
        exchange.setProperty(PROPERTY, new Source(in.getHeader(KafkaConstants.KEY),
                in.getHeader(KafkaConstants.TOPIC, String.class),
                in.getHeader(KafkaConstants.PARTITION, Integer.class),
                in.getHeader(KafkaConstants.OFFSET, Long.class),
                in.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class)));
    }

    public void commit(Exchange exchange) {
        Source source = exchange.getProperty(PROPERTY, Source.class);
        if (source == null || source.commit() == null) {
            LOG.debug("No Kafka manual commit on exchange {} (not consumed from Kafka): nothing to commit", exchange.getExchangeId());
            return;
        }
        source.commit().commit();
    }
}
