package routes.shared.deadletters;

import java.util.List;

/**
 * One place where a flow leaves messages it could not handle (a RabbitMQ queue or a Kafka topic), with the
 * operations an operator runs on it. Implementations serialise their own operations: two re-drives of one place
 * never run at once.
 */
public sealed interface DeadLetterPlace permits RabbitQueuePlace, ParkingQueuePlace, KafkaTopicPlace {

    /** The name operators use: the queue's or topic's own name, e.g. {@code transcript-consumer_error}. */
    String name();

    /** The flow that fills it: {@code transcripts}, {@code extraction}, {@code event-bridge}, {@code summaries}. */
    String flow();

    /** {@code rabbitmq} or {@code kafka}. */
    String broker();

    /** Where a re-drive sends its messages, in words (e.g. {@code exchange transcript-consumer}). */
    String redrivesTo();

    /** Messages waiting (for Kafka: after the re-drive group's committed position). */
    long count();

    /** The first {@code limit} messages, left where they are. */
    List<DeadLetter> peek(int limit);

    /** Moves the first {@code limit} messages back to where they came from, one at a time. */
    RedriveResult redrive(RedriveLimit limit);

    /** Drops every message; the caller has checked the confirmation. */
    long purge();
}
