package routes.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
    static final int VIDEOS = 40;

    private final ObjectMapper json = new ObjectMapper();
    private FaultSuite suite;

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
        SummariesLoad.stubLlm(suite.peers);
        suite.startHub();
    }

    @AfterAll
    void stop() throws Exception {
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
        try (SummariesLoad load = new SummariesLoad(suite, IN, OUT)) {
            for (long video : videos) {
                load.publish(video);
            }
            judge(scenario, videos, point, injected, load);
        }
    }

    private void judge(String scenario, List<Long> videos, double point, Fault injected, SummariesLoad load) throws Exception {
        load.awaitSummaries(videos, (int) (VIDEOS * point), Duration.ofSeconds(90));
        long fault = System.nanoTime();
        injected.inject();
        double faultSeconds = (System.nanoTime() - fault) / 1e9;
        load.awaitSummaries(videos, VIDEOS, Duration.ofSeconds(150));
        FaultSuite.sleep(Duration.ofSeconds(2));

        Map<Long, Set<String>> recordIds = new HashMap<>();
        Map<Long, Integer> records = new HashMap<>();
        int deadLettered = 0;
        try (KafkaConsumer<String, String> consumer = load.consumer()) {
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
        Map<Long, int[]> rows = load.rows(videos);
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
}
