package routes.shared.deadletters;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka dead-letter topic, read by a consumer group of its own (the re-drive group, never the flow's): what it
 * has not committed yet is what waits. Count and peek start at the group's committed offset of each partition
 * (the earliest offset when it has none) and commit nothing. A re-drive produces each record to the input topic
 * (same key, value and headers plus {@value RabbitQueuePlace#REDRIVEN_AT} and {@value RabbitQueuePlace#REDRIVEN_FROM};
 * {@code acks=all}, idempotent) and, once the broker acknowledged it, commits that record's offset for the group.
 * A failed produce stops the re-drive with nothing committed for that record: it stays waiting. A hub that dies
 * between the produce and the commit re-drives the record again next time (at least once). A purge commits every
 * partition's end offset: the records stay in the topic until its retention, but no longer wait.
 */
public final class KafkaTopicPlace implements DeadLetterPlace {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopicPlace.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String brokers;
    private final String topic;
    private final String inputTopic;
    private final String group;
    private final String flow;
    private final Duration timeout;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();

    public KafkaTopicPlace(String brokers, String topic, String inputTopic, String group, String flow, Duration timeout,
                           Clock clock) {
        this.brokers = brokers;
        this.topic = topic;
        this.inputTopic = inputTopic;
        this.group = group;
        this.flow = flow;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public String name() {
        return topic;
    }

    @Override
    public String flow() {
        return flow;
    }

    @Override
    public String broker() {
        return "kafka";
    }

    @Override
    public String redrivesTo() {
        return "topic " + inputTopic + " (offsets committed for group " + group + ")";
    }

    @Override
    public long count() {
        return withConsumer(reader -> reader.waiting());
    }

    @Override
    public List<DeadLetter> peek(int limit) {
        lock.lock();
        try {
            return withConsumer(reader -> {
                List<DeadLetter> letters = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : reader.next(limit)) {
                    letters.add(Bodies.letter(letters.size(), properties(record), headers(record), record.value()));
                }
                return letters;
            });
        } finally {
            lock.unlock();
        }
    }

    @Override
    public RedriveResult redrive(RedriveLimit limit) {
        lock.lock();
        try {
            return withConsumer(reader -> {
                long wanted = limit.against(reader.waiting());
                long moved = 0;
                String error = null;
                if (wanted > 0) {
                    try (KafkaProducer<byte[], byte[]> producer = producer()) {
                        for (ConsumerRecord<byte[], byte[]> record : reader.next((int) Math.min(wanted, Integer.MAX_VALUE))) {
                            try {
                                producer.send(redriven(record)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                            } catch (ExecutionException | TimeoutException | KafkaException e) {
                                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                                error = "record " + record.partition() + "@" + record.offset() + " could not be produced to "
                                        + inputTopic + ": " + cause + "; it stays in " + topic;
                                break;
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                error = "interrupted before record " + record.partition() + "@" + record.offset()
                                        + " was acknowledged; it stays in " + topic;
                                break;
                            }
                            reader.commit(record);
                            moved++;
                        }
                    }
                }
                long remaining = reader.waiting();
                if (error != null) {
                    LOG.warn("Re-drive of {} stopped after {} record(s): {}", topic, moved, error);
                }
                LOG.info("Re-drove {} of {} requested record(s) from {} to {}; {} wait", moved, limit, topic, inputTopic, remaining);
                return new RedriveResult(topic, redrivesTo(), wanted, moved, remaining, error);
            });
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long purge() {
        lock.lock();
        try {
            return withConsumer(reader -> {
                long waiting = reader.waiting();
                reader.commitEnd();
                LOG.warn("Purged {} record(s) of {} for group {} (committed to the end; the topic's retention deletes them)",
                        waiting, topic, group);
                return waiting;
            });
        } finally {
            lock.unlock();
        }
    }

    private ProducerRecord<byte[], byte[]> redriven(ConsumerRecord<byte[], byte[]> record) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            headers.add(header);
        }
        headers.remove(RabbitQueuePlace.REDRIVEN_AT);
        headers.remove(RabbitQueuePlace.REDRIVEN_FROM);
        headers.add(RabbitQueuePlace.REDRIVEN_AT, clock.instant().toString().getBytes(StandardCharsets.UTF_8));
        headers.add(RabbitQueuePlace.REDRIVEN_FROM, topic.getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(inputTopic, null, record.key(), record.value(), headers);
    }

    private static Map<String, Object> properties(ConsumerRecord<byte[], byte[]> record) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("topic", record.topic());
        properties.put("partition", record.partition());
        properties.put("offset", record.offset());
        properties.put("timestamp", java.time.Instant.ofEpochMilli(record.timestamp()).toString());
        if (record.key() != null) {
            properties.put("key", Bodies.value(record.key()));
        }
        return properties;
    }

    private static Map<String, Object> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, Object> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            Object value = Bodies.value(header.value());
            Object before = headers.get(header.key());
            if (before == null) {
                headers.put(header.key(), value);
            } else {
                List<Object> values = before instanceof List<?> list ? new ArrayList<>(list) : new ArrayList<>(List.of(before));
                values.add(value);
                headers.put(header.key(), values);
            }
        }
        return headers;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() + 1);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "integration-hub-redrive-" + topic);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private interface ReaderWork<T> {
        T run(Reader reader);
    }

    private <T> T withConsumer(ReaderWork<T> work) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "integration-hub-redrive-" + topic);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return work.run(new Reader(consumer));
        } catch (KafkaException e) {
            throw new DeadLetterRefusal(DeadLetterRefusal.Kind.UNAVAILABLE, null,
                    "Kafka could not be asked about " + topic + ": " + e);
        }
    }

    /** The topic's partitions assigned (no group membership), each at the group's committed position. */
    private final class Reader {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions;
        private final Map<TopicPartition, Long> end;

        Reader(KafkaConsumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new DeadLetterRefusal(DeadLetterRefusal.Kind.UNAVAILABLE, null, "topic " + topic + " has no partitions");
            }
            this.partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions), timeout);
            Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, timeout);
            this.end = consumer.endOffsets(partitions, timeout);
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                long start = beginning.getOrDefault(partition, 0L);
                consumer.seek(partition, offset == null ? start : Math.max(start, offset.offset()));
            }
        }

        /** Records after the committed positions, up to the end offsets read when this reader was made. */
        long waiting() {
            Map<TopicPartition, Long> latest = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions), timeout);
            Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, timeout);
            long waiting = 0;
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                long start = beginning.getOrDefault(partition, 0L);
                long from = offset == null ? start : Math.max(start, offset.offset());
                waiting += Math.max(0, latest.getOrDefault(partition, 0L) - from);
            }
            return waiting;
        }

        /** The next {@code limit} records (fewer when the partitions reach their end), committing nothing. */
        List<ConsumerRecord<byte[], byte[]>> next(int limit) {
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < limit && !atEnd() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (records.size() < limit && record.offset() < end.getOrDefault(new TopicPartition(topic, record.partition()), 0L)) {
                        records.add(record);
                    }
                }
            }
            return records;
        }

        private boolean atEnd() {
            for (TopicPartition partition : partitions) {
                if (consumer.position(partition, timeout) < end.getOrDefault(partition, 0L)) {
                    return false;
                }
            }
            return true;
        }

        void commit(ConsumerRecord<byte[], byte[]> record) {
            consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1)), timeout);
        }

        void commitEnd() {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            end.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
            consumer.commitSync(offsets, timeout);
        }
    }
}
