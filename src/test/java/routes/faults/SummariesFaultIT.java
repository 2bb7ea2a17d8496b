package routes.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import routes.support.S3Server;

/**
 * The summaries flow's guarantee under kill -9, on the packaged hub: every {@code video.transcribed} record ends as one
 * {@code video_summaries} row, one outbox row and {@code video.summarized} records that all carry that outbox row's
 * id (the dedup key), nothing dead-lettered by the crash. A repeat of the same id is the at-least-once relay's one
 * crash window (Kafka acknowledged, the hub died before the commit); it is printed, not a duplicate.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SummariesFaultIT {

    static final String IN = "faults.video.transcribed";
    static final String OUT = "faults.video.summarized";
    static final String DLT = "faults.video.transcribed.DLT";
    static final String BUCKET = "hub-faults";
    static final int VIDEOS = 40;

    private final ObjectMapper json = new ObjectMapper();
    private FaultSuite suite;
    private S3Client s3;

    @BeforeAll
    void start() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SUMMARIES_INPUT_TOPIC", IN);
        env.put("SUMMARIES_OUTPUT_TOPIC", OUT);
        env.put("SUMMARIES_DLT_TOPIC", DLT);
        env.put("SUMMARIES_CONSUMER_GROUP", "faults-summaries");
        env.put("SUMMARIES_RETRY_DELAY_MS", "1000");
        env.put("OUTBOX_POLL_INTERVAL_MS", "200");
        // a relay publish failing while Kafka is down is retried within seconds once it is back
        env.put("OUTBOX_RETRY_MAX_DELAY_MS", "5000");
        // a stalled database fails a statement after 5 s (aStalledDatabase)
        env.put("POSTGRES_SOCKET_TIMEOUT_SECONDS", "5");
        env.put("POSTGRES_STATEMENT_TIMEOUT_MS", "4000");
        suite = new FaultSuite("summaries", env);
        suite.peers.stubFor(post(urlEqualTo("/llm/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withUniformRandomDelay(50, 150)
                .withBody("{\"id\":\"chatcmpl-faults\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"The speakers explain"
                        + " consumers, idempotency and outboxes.\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":30,\"total_tokens\":130}}")));
        suite.startHub();
        s3 = S3Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create(suite.s3.endpoint())).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(S3Server.ACCESS_KEY,
                        S3Server.SECRET_KEY))).build();
    }

    @AfterAll
    void stop() throws Exception {
        if (s3 != null) {
            s3.close();
        }
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void killDuringLoad_repeatedAtTwoPoints() throws Exception {
        // ids of this run only (the output topic is read from its beginning)
        long firstVideo = (System.currentTimeMillis() / 1000 % 1_000_000) * 1_000;
        scenario("summaries kill -9 at 25%", firstVideo, 0.25, suite::killAndRestartHub);
        scenario("summaries kill -9 at 60%", firstVideo + VIDEOS, 0.6, suite::killAndRestartHub);
    }

    @Test
    void kafkaBrokerKilledAndRestartedDuringLoad() throws Exception {
        long firstVideo = (System.currentTimeMillis() / 1000 % 1_000_000) * 1_000 + 500;
        scenario("summaries Kafka broker kill -9 at 30%", firstVideo, 0.3, () -> suite.killAndRestartKafka(Duration.ofSeconds(5)));
    }

    @Test
    void sigtermDuringLoad() throws Exception {
        long firstVideo = (System.currentTimeMillis() / 1000 % 1_000_000) * 1_000 + 600;
        scenario("summaries SIGTERM at 40%", firstVideo, 0.4, suite::terminateAndRestartHub);
    }

    @Test
    void postgresRestartDuringLoad() throws Exception {
        long firstVideo = (System.currentTimeMillis() / 1000 % 1_000_000) * 1_000 + 700;
        scenario("summaries PostgreSQL restart at 40%", firstVideo, 0.4, Machine::postgresRestart);
    }

    @Test
    void aStalledDatabase() throws Exception {
        // frozen past the hub's socket timeout (5 s here): the store and the relay fail their statements and retry
        long firstVideo = (System.currentTimeMillis() / 1000 % 1_000_000) * 1_000 + 800;
        scenario("summaries PostgreSQL stalled 8 s at 40%", firstVideo, 0.4, () -> FaultSuite.stallPostgres(Duration.ofSeconds(8)));
    }

    /** VIDEOS records from {@code firstVideo} on, the fault once {@code point} of them are summarized, then the verdict. */
    private void scenario(String scenario, long firstVideo, double point, Fault injected) throws Exception {
        List<Long> videos = new java.util.ArrayList<>();
        for (int i = 0; i < VIDEOS; i++) {
            videos.add(firstVideo + i);
        }
        try (KafkaProducer<String, String> producer = producer()) {
            for (long video : videos) {
                String key = "transcripts/" + video + "/transcript.json";
                s3.putObject(b -> b.bucket(BUCKET).key(key).contentType("application/json"), RequestBody.fromString(snippets(20)));
                Map<String, Object> event = Map.of("id", UUID.randomUUID().toString(), "videoId", video,
                        "transcriptFileKey", key, "snippetCount", 20, "ts", Instant.now().toString());
                producer.send(new ProducerRecord<>(IN, String.valueOf(video), json.writeValueAsString(event))).get();
            }
        }
        awaitSummaries(videos, (int) (VIDEOS * point), Duration.ofSeconds(90));
        long fault = System.nanoTime();
        injected.inject();
        double faultSeconds = (System.nanoTime() - fault) / 1e9;
        awaitSummaries(videos, VIDEOS, Duration.ofSeconds(150));
        FaultSuite.sleep(Duration.ofSeconds(2));

        Map<Long, Set<String>> recordIds = new HashMap<>();
        Map<Long, Integer> records = new HashMap<>();
        int deadLettered = 0;
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(OUT, DLT));
            long quiet = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < quiet) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode body = json.readTree(record.value());
                    long video = body.path("videoId").asLong();
                    if (!videos.contains(video)) {
                        continue;
                    }
                    if (record.topic().equals(DLT)) {
                        deadLettered++;
                    } else {
                        recordIds.computeIfAbsent(video, k -> new HashSet<>()).add(body.path("id").asText());
                        records.merge(video, 1, Integer::sum);
                    }
                }
            }
        }
        Map<Long, int[]> rows = rows(videos);
        int delivered = 0;
        int duplicates = 0;
        int repeats = 0;
        for (long video : videos) {
            int[] counts = rows.getOrDefault(video, new int[2]);
            Set<String> ids = recordIds.getOrDefault(video, Set.of());
            if (counts[0] == 1 && counts[1] == 1 && ids.size() == 1) {
                delivered++;
            }
            duplicates += Math.max(0, counts[1] - 1) + Math.max(0, ids.size() - 1);
            repeats += Math.max(0, records.getOrDefault(video, 0) - ids.size());
        }
        FaultReport report = new FaultReport(scenario, VIDEOS, VIDEOS, delivered, VIDEOS - delivered, duplicates, faultSeconds)
                .print();
        System.out.println("[faults] " + scenario + ": video.summarized repeated under the same outbox id: " + repeats
                + ", dead-lettered: " + deadLettered);
        assertThat(deadLettered).as("nothing dead-lettered by the fault").isZero();
        assertThat(report.lost()).as("videos without exactly one row, outbox row and record id").isZero();
        assertThat(report.duplicates()).isZero();
    }

    private void awaitSummaries(List<Long> videos, int atLeast, Duration timeout) throws Exception {
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
    private Map<Long, int[]> rows(List<Long> videos) throws Exception {
        Map<Long, int[]> rows = new HashMap<>();
        String list = videos.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("0");
        try (Connection db = FaultSuite.database(); Statement sql = db.createStatement()) {
            try (ResultSet row = sql.executeQuery("SELECT video_id, count(*) FROM video_summaries WHERE video_id IN (" + list + ") GROUP BY video_id")) {
                while (row.next()) {
                    rows.computeIfAbsent(row.getLong(1), k -> new int[2])[0] = row.getInt(2);
                }
            }
            try (ResultSet row = sql.executeQuery("SELECT (payload->>'videoId')::bigint, count(*) FROM outbox_events WHERE topic = '"
                    + OUT + "' AND published AND (payload->>'videoId')::bigint IN (" + list + ") GROUP BY 1")) {
                while (row.next()) {
                    rows.computeIfAbsent(row.getLong(1), k -> new int[2])[1] = row.getInt(2);
                }
            }
        } catch (java.sql.SQLException notYet) {
            // the tables appear with the hub's first migration
        }
        return rows;
    }

    private KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, suite.kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props);
    }

    private KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, suite.kafka.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "faults-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    private static String snippets(int n) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            json.append(i == 0 ? "" : ",").append("{\"text\":\"At ").append(i)
                    .append(" the speaker describes consumers, idempotency, outboxes and retries in detail.\",\"start\":")
                    .append(i * 2).append(".0,\"duration\":2.0}");
        }
        return json.append(']').toString();
    }
}
