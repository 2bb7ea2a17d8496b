package routes.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import routes.support.S3Server;

/**
 * The summaries flow's load and records, shared by the fault classes: a transcript in S3 and a
 * {@code video.transcribed} record per video, the LLM's stub, and what the hub wrote (summary rows, published outbox
 * rows per video) and published ({@link #consumer} reads the output topic from its beginning).
 */
final class SummariesLoad implements AutoCloseable {

    static final String BUCKET = "hub-faults";

    private final ObjectMapper json = new ObjectMapper();
    private final String bootstrapServers;
    private final String inputTopic;
    private final String outputTopic;
    private final S3Client s3;
    private final KafkaProducer<String, String> producer;

    SummariesLoad(FaultSuite suite, String inputTopic, String outputTopic) {
        this.bootstrapServers = suite.kafka.bootstrapServers();
        this.inputTopic = inputTopic;
        this.outputTopic = outputTopic;
        this.s3 = S3Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create(suite.s3.endpoint())).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Server.ACCESS_KEY,
                        S3Server.SECRET_KEY))).build();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props);
    }

    /** The LLM answers every chat completion after 50-150 ms with the same short summary. */
    static void stubLlm(WireMockServer peers) {
        peers.stubFor(post(urlEqualTo("/llm/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withUniformRandomDelay(50, 150)
                .withBody("{\"id\":\"chatcmpl-faults\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"The speakers explain"
                        + " consumers, idempotency and outboxes.\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":30,\"total_tokens\":130}}")));
    }

    /** The video's transcript (20 snippets) in S3, then its {@code video.transcribed} record, acknowledged by Kafka. */
    void publish(long video) throws Exception {
        String key = "transcripts/" + video + "/transcript.json";
        s3.putObject(b -> b.bucket(BUCKET).key(key).contentType("application/json"), RequestBody.fromString(snippets(20)));
        Map<String, Object> event = Map.of("id", UUID.randomUUID().toString(), "videoId", video,
                "transcriptFileKey", key, "snippetCount", 20, "ts", Instant.now().toString());
        producer.send(new ProducerRecord<>(inputTopic, String.valueOf(video), json.writeValueAsString(event))).get();
    }

    /** Waits until at least {@code atLeast} of the videos have a summary row and a published outbox row. */
    void awaitSummaries(List<Long> videos, int atLeast, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int published = 0;
            for (int[] counts : rows(videos).values()) {
                published += counts[1] > 0 && counts[0] > 0 ? 1 : 0;
            }
            if (published >= atLeast) {
                return;
            }
            FaultSuite.sleep(Duration.ofMillis(200));
        }
    }

    /** Per video: {summary rows, published outbox rows}. */
    Map<Long, int[]> rows(List<Long> videos) throws Exception {
        Map<Long, int[]> rows = new HashMap<>();
        String list = videos.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("0");
        try (Connection db = FaultSuite.database(); Statement sql = db.createStatement()) {
            try (ResultSet row = sql.executeQuery("SELECT video_id, count(*) FROM video_summaries WHERE video_id IN (" + list + ") GROUP BY video_id")) {
                while (row.next()) {
                    rows.computeIfAbsent(row.getLong(1), k -> new int[2])[0] = row.getInt(2);
                }
            }
            try (ResultSet row = sql.executeQuery("SELECT (payload->>'videoId')::bigint, count(*) FROM outbox_events WHERE topic = '"
                    + outputTopic + "' AND published AND (payload->>'videoId')::bigint IN (" + list + ") GROUP BY 1")) {
                while (row.next()) {
                    rows.computeIfAbsent(row.getLong(1), k -> new int[2])[1] = row.getInt(2);
                }
            }
        } catch (java.sql.SQLException notYet) {
            // the tables appear with the hub's first migration
        }
        return rows;
    }

    /** A consumer of a group of its own, from the beginning of the topics it subscribes to. */
    KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "faults-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    static String snippets(int n) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            json.append(i == 0 ? "" : ",").append("{\"text\":\"At ").append(i)
                    .append(" the speaker describes consumers, idempotency, outboxes and retries in detail.\",\"start\":")
                    .append(i * 2).append(".0,\"duration\":2.0}");
        }
        return json.append(']').toString();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        s3.close();
    }
}
