package routes.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

/**
 * Three packaged hubs (processes of their own, other ports, the same RabbitMQ, Kafka, PostgreSQL, Redis and peers)
 * under load on every flow at once, and one of them, C, killed (-9) mid-load and not started again. C is the hub that
 * reads the event bridge's outbox (its single active consumer, found with a few warm-up events), A and B the others.
 * Checked, per flow, by
 * its guarantee in docs/routes.adoc, every id recorded end to end:
 * <ul>
 * <li>transcripts: one outcome per request under one messageId per event kind, one Idempotency-Key;</li>
 * <li>summaries: one row, one outbox row per video; the relay publishes each outbox row once (a repeat only in
 * the killed hub's window: a copy before the kill, the other after it);</li>
 * <li>extraction: every callback answered 200 reaches the webhook, one event per content; the rate limit
 * ({@link #RATE_PER_SECOND}/s, burst {@link #RATE_BURST}) holds for the three hubs together;</li>
 * <li>event bridge: Python down (events and health) while C is killed, so batches park; once it is back they drain
 * in order whichever hub replays them: every accepted event delivered, in its user's order, under one key;</li>
 * <li>live events: an SSE client on A receives every event broadcast through B and the {@code extraction.completed}
 * events of the deliveries C made before its kill; mid-load it moves to B with Last-Event-ID and resumes without a
 * gap (no {@code stream.gap}, every broadcast once, ids in the stream's order).</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThreeHubsFaultIT {

    static final int TRANSCRIPTS = 100;
    static final int VIDEOS = 20;
    static final int CALLBACKS = 200;
    static final int USERS = 10;
    static final int REQUESTS_PER_USER = 6;
    static final int EVENTS_PER_REQUEST = 5;
    static final int BROADCASTS = 250;
    /** The extraction callbacks' limit for the one caller (127.0.0.1), across the hubs: ~25 s for 200 callbacks. */
    static final int RATE_PER_SECOND = 8;
    static final int RATE_BURST = 8;
    static final int EXTRACTION_WORKERS = 8;

    static final String SUMMARIES_IN = "faults3.video.transcribed";
    static final String SUMMARIES_OUT = "faults3.video.summarized";
    static final String SUMMARIES_DLT = "faults3.video.transcribed.DLT";
    static final String WEBHOOK = "/api/extraction/internal/baseline";

    // the load's timeline (seconds from its start)
    static final int PYTHON_DOWN_AT = 8;
    static final int KILL_AT = 13;
    static final int MOVE_AT = 17;
    static final int PYTHON_UP_AT = 20;

    private final ObjectMapper json = new ObjectMapper();
    private FaultSuite suite;
    private PackagedHub a;
    private PackagedHub b;
    private PackagedHub c;
    private List<PackagedHub> hubs;
    private RabbitTemplate rabbit;
    private final Map<String, List<JsonNode>> strays = new ConcurrentHashMap<>();
    /** Where each hub's log stood when the load began (the logs keep earlier runs). */
    private final Map<PackagedHub, Long> logOffsets = new HashMap<>();

    @BeforeAll
    void start() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        // transcripts: short leases, so the killed hub's requests are taken over within seconds
        env.put("TRANSCRIPTS_ENDPOINT", TranscriptsFaultIT.ENDPOINT);
        env.put("TRANSCRIPTS_REQUESTED_EXCHANGE", TranscriptsFaultIT.REQUESTED);
        env.put("TRANSCRIPTS_PROGRESS_EXCHANGE", TranscriptsFaultIT.PROGRESS);
        env.put("TRANSCRIPTS_COMPLETED_EXCHANGE", TranscriptsFaultIT.COMPLETED);
        env.put("TRANSCRIPTS_FAULT_EXCHANGE", TranscriptsFaultIT.FAULT);
        env.put("TRANSCRIPTS_INBOX_LEASE_SECONDS", "6");
        env.put("TRANSCRIPTS_INBOX_LEASE_RENEWAL_MS", "2000");
        env.put("TRANSCRIPTS_IN_WORK_RETRY_DELAY_MS", "500");
        env.put("TRANSCRIPT_API_RETRY_DELAY_MS", "200");
        env.put("TRANSCRIPT_API_MAX_RETRY_DELAY_MS", "1000");
        // summaries
        env.put("SUMMARIES_INPUT_TOPIC", SUMMARIES_IN);
        env.put("SUMMARIES_OUTPUT_TOPIC", SUMMARIES_OUT);
        env.put("SUMMARIES_DLT_TOPIC", SUMMARIES_DLT);
        env.put("SUMMARIES_CONSUMER_GROUP", "faults3-summaries");
        env.put("SUMMARIES_RETRY_DELAY_MS", "1000");
        env.put("OUTBOX_POLL_INTERVAL_MS", "200");
        env.put("OUTBOX_RETRY_MAX_DELAY_MS", "5000");
        // extraction: a limit the load exceeds (with a limit per hub, three hubs would let three times as much through)
        env.put("EXTRACTION_EXCHANGE", "faults3.extraction.events");
        env.put("EXTRACTION_QUEUE", "faults3.extraction.completed");
        env.put("EXTRACTION_DLQ", "faults3.extraction.completed.dlq");
        env.put("EXTRACTION_RATE_LIMIT_PER_SECOND", String.valueOf(RATE_PER_SECOND));
        env.put("EXTRACTION_RATE_LIMIT_BURST", String.valueOf(RATE_BURST));
        env.put("EXTRACTION_CLAIM_LEASE_SECONDS", "6");
        env.put("EXTRACTION_CLAIM_RETRY_DELAY_MS", "500");
        // event bridge: the health check every second, so a recovered Python is seen at once by every hub
        env.put("PYTHON_OUTBOX_QUEUE", "faults3.event-bridge.python.outbox");
        env.put("PYTHON_PARKING_QUEUE", "faults3.event-bridge.python.parked");
        env.put("PYTHON_DEAD_LETTER_QUEUE", "faults3.event-bridge.python.dead-letter");
        env.put("PYTHON_HEALTH_INTERVAL_MS", "1000");
        // live events: a stream of this class's own
        env.put("LIVE_EVENTS_STREAM", "faults:three-hubs:live-events");
        suite = new FaultSuite("hub-1", env);
        List<PackagedHub> started = List.of(suite.hub, suite.anotherHub("hub-2"), suite.anotherHub("hub-3"));

        CachingConnectionFactory connections = suite.rabbit;
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.SIMPLE);
        rabbit = new RabbitTemplate(connections);
        AmqpAdmin admin = new RabbitAdmin(connections);
        TranscriptsLoad.declareCaptures(admin);
        for (String queue : List.of(TranscriptsFaultIT.CAPTURE_COMPLETED, TranscriptsFaultIT.CAPTURE_FAULT)) {
            admin.purgeQueue(queue, false);
        }
        // six partitions: every hub's two consumers own one, so the kill strands some summaries on C
        try (Admin kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, suite.kafka.bootstrapServers()))) {
            kafka.createTopics(List.of(new NewTopic(SUMMARIES_IN, 6, (short) 1))).all().get();
        }

        suite.peers.stubFor(post(urlEqualTo(TranscriptsFaultIT.API)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"success\": true, \"transcript\": \"a transcript\"}")
                .withUniformRandomDelay(200, 600)));
        SummariesLoad.stubLlm(suite.peers);
        suite.peers.stubFor(post(urlEqualTo(WEBHOOK)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{}").withUniformRandomDelay(50, 150)));
        suite.peers.stubFor(get(urlPathEqualTo("/python/health")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"status\":\"healthy\"}")));
        suite.peers.stubFor(post(urlEqualTo("/python/events")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"status\":\"processed\"}")
                .withUniformRandomDelay(50, 150)));

        Map<String, PackagedHub> starting = new LinkedHashMap<>();
        for (PackagedHub hub : started) {
            starting.put(hub.name(), hub);
        }
        FaultSuite.startHubs(starting);
        // the hub to kill is the one reading the bridge's outbox (its single active consumer): the kill then takes
        // the outbox to another hub in the middle of the parking, the order's hardest case
        c = bridgeOutboxReader(started);
        List<PackagedHub> others = started.stream().filter(hub -> hub != c).toList();
        a = others.get(0);
        b = others.get(1);
        hubs = List.of(a, b, c);
        System.out.println("[faults] three hubs: A = " + a.name() + ", B = " + b.name() + ", C = " + c.name()
                + " (the event bridge outbox's active consumer)");
    }

    /** The hub whose circuit breaker counted the calls to Python for a few events: the outbox's active consumer. */
    private PackagedHub bridgeOutboxReader(List<PackagedHub> started) throws Exception {
        String user = "faults3-warmup-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < started.size(); i++) {
            HttpResponse<String> answer = FaultSuite.post(started.get(i).url("/api/ml/events/ingest"),
                    "{\"source\":\"faults\",\"events\":[{\"event_type\":\"ride_request_response\",\"user_id\":\"" + user
                            + "\",\"response\":\"accepted\",\"seq\":" + i + "}]}");
            org.assertj.core.api.Assertions.assertThat(answer).as("warm-up ingest answered").isNotNull();
            org.assertj.core.api.Assertions.assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (PythonJournal.read(suite.peers, json, Set.of(user)).receivedByUser().getOrDefault(user, List.of()).size()
                < started.size() && System.nanoTime() < deadline) {
            FaultSuite.sleep(Duration.ofMillis(200));
        }
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        List<PackagedHub> readers = new ArrayList<>();
        for (PackagedHub hub : started) {
            HttpResponse<String> report = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(hub.url("/api/ml/bridge/python?action=health"))).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (json.readTree(report.body()).path("circuit_breaker").path("buffered_calls").asInt() > 0) {
                readers.add(hub);
            }
        }
        org.assertj.core.api.Assertions.assertThat(readers).as("hubs that sent the warm-up events to Python").hasSize(1);
        return readers.get(0);
    }

    @AfterAll
    void stop() throws Exception {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void threeHubsUnderLoad_oneKilled() throws Exception {
        String run = "faults3-" + UUID.randomUUID().toString().substring(0, 8);
        SseClient client = new SseClient(json, a.url("/api/v2/events/stream"), run).start();
        client.awaitConnected(1, Duration.ofSeconds(30));

        TranscriptsLoad transcripts = new TranscriptsLoad("three hubs: transcripts, hub C kill -9", TRANSCRIPTS, rabbit,
                suite.peers, strays);
        long firstVideo = (System.currentTimeMillis() / 1000 % 1_000_000) * 1_000;
        List<Long> videos = new ArrayList<>();
        for (int i = 0; i < VIDEOS; i++) {
            videos.add(firstVideo + i);
        }
        Extraction extraction = new Extraction(run);
        Bridge bridge = new Bridge(run);
        Broadcasts broadcasts = new Broadcasts(run);

        for (PackagedHub hub : hubs) {
            logOffsets.put(hub, Files.size(hub.logFile().toPath()));
        }
        long started = System.nanoTime();
        ExecutorService load = Executors.newCachedThreadPool();
        List<Future<?>> loads = new ArrayList<>();
        SummariesLoad summaries = new SummariesLoad(suite, SUMMARIES_IN, SUMMARIES_OUT);
        try {
            loads.add(load.submit(paced(10, 2_500, i -> transcripts.publish(i * 10, i * 10 + 10))));
            loads.add(load.submit(paced(VIDEOS, 1_200, i -> summaries.publish(videos.get(i)))));
            loads.add(load.submit(bridge));
            loads.add(load.submit(broadcasts));
            for (int w = 0; w < EXTRACTION_WORKERS; w++) {
                loads.add(load.submit(extraction.worker(w)));
            }

            // Python down: its event API and its health answer 503, every hub parks
            awaitSecond(started, PYTHON_DOWN_AT);
            StubMapping eventsDown = suite.peers.stubFor(post(urlEqualTo("/python/events")).atPriority(1)
                    .willReturn(aResponse().withStatus(503)));
            StubMapping healthDown = suite.peers.stubFor(get(urlPathEqualTo("/python/health")).atPriority(1)
                    .willReturn(aResponse().withStatus(503)));
            // what C delivered to the webhook 2 s before its kill has had the time to reach the live event stream
            awaitSecond(started, KILL_AT - 2);
            Set<String> deliveredByC = extractionDeliveriesIn(c, extraction.contents);
            awaitSecond(started, KILL_AT);
            long kill = System.nanoTime();
            long killEpochMillis = System.currentTimeMillis();
            c.kill();
            System.out.printf(java.util.Locale.ROOT, "[faults] three hubs: hub C killed (-9) %.1f s into the load%n",
                    (kill - started) / 1e9);
            awaitSecond(started, MOVE_AT);
            String resumedFrom = client.lastEventId();
            client.moveTo(b.url("/api/v2/events/stream"));
            awaitSecond(started, PYTHON_UP_AT);
            suite.peers.removeStub(eventsDown);
            suite.peers.removeStub(healthDown);
            for (Future<?> running : loads) {
                running.get();
            }
            System.out.printf(java.util.Locale.ROOT, "[faults] three hubs: load done in %.1f s%n", (System.nanoTime() - started) / 1e9);

            SoftAssertions softly = new SoftAssertions();
            softly.check(() -> transcripts.finish(kill, true));
            System.out.println("[faults] three hubs: transcripts: requests delivered more than once (C's, redelivered and"
                    + " taken over): " + deliveredAgain(transcripts.messageIdByRequest.keySet()));
            summariesVerdict(softly, summaries, videos, killEpochMillis, kill);
            extraction.verdict(softly, kill);
            bridge.verdict(softly, kill);
            broadcasts.verdict(softly, client, deliveredByC, resumedFrom, kill);
            workPerHub();
            softly.assertAll();
        } finally {
            load.shutdownNow();
            summaries.close();
            client.stop();
        }
    }

    // ---- summaries ----

    private void summariesVerdict(SoftAssertions softly, SummariesLoad summaries, List<Long> videos, long killEpochMillis,
                                  long kill) throws Exception {
        // C's partitions wait for Kafka to notice the dead consumer (its session timeout) before A and B take them
        summaries.awaitSummaries(videos, VIDEOS, Duration.ofSeconds(150));
        FaultSuite.sleep(Duration.ofSeconds(2));
        Map<Long, Map<String, List<Long>>> recordsByVideo = new HashMap<>();
        int deadLettered = 0;
        try (KafkaConsumer<String, String> consumer = summaries.consumer()) {
            consumer.subscribe(List.of(SUMMARIES_OUT, SUMMARIES_DLT));
            long quiet = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < quiet) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode body = json.readTree(record.value());
                    long video = body.path("videoId").asLong();
                    if (!videos.contains(video)) {
                        continue;
                    }
                    if (record.topic().equals(SUMMARIES_DLT)) {
                        deadLettered++;
                    } else {
                        recordsByVideo.computeIfAbsent(video, k -> new HashMap<>())
                                .computeIfAbsent(body.path("id").asText(), k -> new ArrayList<>()).add(record.timestamp());
                    }
                }
            }
        }
        Map<Long, int[]> rows = summaries.rows(videos);
        int delivered = 0;
        int duplicates = 0;
        int crashRepeats = 0;
        List<String> problems = new ArrayList<>();
        for (long video : videos) {
            int[] counts = rows.getOrDefault(video, new int[2]);
            Map<String, List<Long>> ids = recordsByVideo.getOrDefault(video, Map.of());
            if (counts[0] == 1 && counts[1] == 1 && ids.size() == 1) {
                delivered++;
            }
            duplicates += Math.max(0, counts[1] - 1) + Math.max(0, ids.size() - 1);
            for (Map.Entry<String, List<Long>> id : ids.entrySet()) {
                List<Long> copies = id.getValue();
                if (copies.size() == 1) {
                    continue;
                }
                // the relay's one crash window: C published, Kafka acknowledged, C died before its commit, and A or B
                // published the row again after the kill. Two copies before the kill (or after it) were two relays.
                boolean window = copies.size() == 2 && Math.min(copies.get(0), copies.get(1)) <= killEpochMillis
                        && Math.max(copies.get(0), copies.get(1)) >= killEpochMillis;
                if (window) {
                    crashRepeats++;
                } else {
                    duplicates += copies.size() - 1;
                    problems.add(video + ": outbox row " + id.getKey() + " published " + copies.size() + " times at " + copies);
                }
            }
        }
        FaultReport report = new FaultReport("three hubs: summaries, hub C kill -9", VIDEOS, VIDEOS, delivered,
                VIDEOS - delivered, duplicates, (System.nanoTime() - kill) / 1e9).print();
        System.out.println("[faults] three hubs: summaries: outbox rows published again in the killed hub's window: "
                + crashRepeats + ", dead-lettered: " + deadLettered);
        problems.stream().limit(10).forEach(p -> System.out.println("[faults] three hubs: summaries: " + p));
        softly.assertThat(deadLettered).as("summaries dead-lettered by the kill").isZero();
        softly.assertThat(report.lost()).as("videos without exactly one row, outbox row and record id").isZero();
        softly.assertThat(report.duplicates()).as("outbox rows published twice outside the killed hub's window").isZero();
    }

    // ---- extraction ----

    /** Callbacks from workers spread over the hubs (a balancer without health checks), retrying what got no 200. */
    final class Extraction {
        final List<String> contents = new ArrayList<>();
        final Map<String, String> acceptedEventByContent = new ConcurrentHashMap<>();
        /** When each 200 arrived (nanoTime), and how many calls were answered 429. */
        final List<Long> answeredAt = new CopyOnWriteArrayList<>();
        final AtomicInteger limited = new AtomicInteger();
        final AtomicInteger sent = new AtomicInteger();

        Extraction(String run) {
            for (int i = 0; i < CALLBACKS; i++) {
                contents.add(run + "-content-" + i);
            }
        }

        Callable<Void> worker(int worker) {
            return () -> {
                int attempt = worker;
                for (int i = worker; i < contents.size(); i += EXTRACTION_WORKERS) {
                    String content = contents.get(i);
                    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                    while (System.nanoTime() < deadline) {
                        sent.incrementAndGet();
                        PackagedHub hub = hubs.get(attempt++ % hubs.size());
                        HttpResponse<String> answer = FaultSuite.post(hub.internalUrl("/extraction/internal/completed"),
                                "{\"contentId\":\"" + content + "\"}", "X-Internal-Secret", FaultSuite.SECRET);
                        if (answer != null && answer.statusCode() == 200) {
                            answeredAt.add(System.nanoTime());
                            acceptedEventByContent.put(content, json.readTree(answer.body()).path("eventId").asText());
                            break;
                        }
                        if (answer != null && answer.statusCode() == 429) {
                            limited.incrementAndGet();
                        }
                        // a worker in a hurry: it retries long before Retry-After, so the load exceeds the limit
                        FaultSuite.sleep(Duration.ofMillis(100));
                    }
                }
                return null;
            };
        }

        void verdict(SoftAssertions softly, long kill) throws Exception {
            Set<String> accepted = acceptedEventByContent.keySet();
            long settle = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int delivered = 0;
            while (System.nanoTime() < settle) {
                delivered = WebhookJournal.read(suite.peers, json, WEBHOOK).delivered(accepted);
                if (delivered == accepted.size()) {
                    break;
                }
                FaultSuite.sleep(Duration.ofMillis(500));
            }
            FaultSuite.sleep(Duration.ofSeconds(2));
            WebhookJournal webhook = WebhookJournal.read(suite.peers, json, WEBHOOK);
            FaultReport report = new FaultReport("three hubs: extraction, hub C kill -9", sent.get(), accepted.size(), delivered,
                    accepted.size() - delivered, webhook.duplicates(accepted), (System.nanoTime() - kill) / 1e9).print();
            System.out.println("[faults] three hubs: extraction: webhook called again for the same eventId: " + webhook.repeatedCalls());
            softly.assertThat(accepted).as("every callback was answered 200 in the end").hasSize(CALLBACKS);
            softly.assertThat(report.lost()).as("extraction events answered 200 that never reached the webhook").isZero();
            softly.assertThat(report.duplicates()).as("a second extraction event for one content, or a call under another key").isZero();

            // the limit, for the three hubs together: in no stretch of the load were more callbacks answered 200 than
            // the burst plus the rate over that stretch (plus a second of answers in flight)
            List<Long> times = answeredAt.stream().sorted().toList();
            double worstExcess = Double.NEGATIVE_INFINITY;
            String worst = "";
            for (int i = 0; i < times.size(); i++) {
                for (int j = i; j < times.size(); j++) {
                    double seconds = (times.get(j) - times.get(i)) / 1e9;
                    double excess = (j - i + 1) - (RATE_BURST + RATE_PER_SECOND * (seconds + 1.0));
                    if (excess > worstExcess) {
                        worstExcess = excess;
                        worst = String.format(java.util.Locale.ROOT, "%d answered 200 within %.1f s", j - i + 1, seconds);
                    }
                }
            }
            double seconds = times.size() < 2 ? 0 : (times.get(times.size() - 1) - times.get(0)) / 1e9;
            System.out.printf(java.util.Locale.ROOT, "[faults] three hubs: extraction rate limit %d/s burst %d across the hubs:"
                            + " %d answered 200 in %.1f s (%.1f/s), %d answered 429; densest stretch: %s%n",
                    RATE_PER_SECOND, RATE_BURST, times.size(), seconds, times.size() / Math.max(seconds, 0.001), limited.get(), worst);
            softly.assertThat(limited.get()).as("the load exceeded the limit (calls answered 429)").isPositive();
            softly.assertThat(worstExcess).as("callbacks answered 200 beyond the limit across the hubs: " + worst).isLessThanOrEqualTo(0);
        }
    }

    /** The eventIds of this run's extraction events that {@code hub}'s log says it delivered to the webhook. */
    private static Set<String> extractionDeliveriesIn(PackagedHub hub, List<String> contents) throws Exception {
        Pattern delivered = Pattern.compile("extraction\\.completed (\\S+) for content (\\S+) delivered to the webhook");
        Set<String> ours = Set.copyOf(contents);
        Set<String> events = new HashSet<>();
        for (String line : Files.readAllLines(hub.logFile().toPath(), StandardCharsets.UTF_8)) {
            Matcher match = delivered.matcher(line);
            if (match.find() && ours.contains(match.group(2))) {
                events.add(match.group(1));
            }
        }
        return events;
    }

    // ---- event bridge ----

    /** Each user's requests in order, spread over the hubs; a worker retries a request until it is answered 202. */
    final class Bridge implements Callable<Void> {
        final String run;
        final Map<String, List<Integer>> acceptedByUser = new ConcurrentHashMap<>();
        /**
         * Events ({@code user/seq}) of requests with an attempt that got no answer at all (the hub died with it in
         * hand): the retry is a new request, so such an event may reach Python under the unanswered attempt's key too.
         */
        final Set<String> retriedUnanswered = ConcurrentHashMap.newKeySet();
        int sent;
        int accepted;

        Bridge(String run) {
            this.run = run;
        }

        @Override
        public Void call() {
            int attempt = 0;
            for (int request = 0; request < REQUESTS_PER_USER; request++) {
                for (int user = 0; user < USERS; user++) {
                    String userId = run + "-user-" + user;
                    BridgeIngestRequest planned = BridgeIngestRequest.of(userId, request, EVENTS_PER_REQUEST);
                    List<Integer> seqs = planned.seqs();
                    String body = planned.body();
                    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                    while (System.nanoTime() < deadline) {
                        sent += EVENTS_PER_REQUEST;
                        PackagedHub hub = hubs.get(attempt++ % hubs.size());
                        HttpResponse<String> answer = FaultSuite.post(hub.url("/api/ml/events/ingest"), body);
                        if (answer != null && answer.statusCode() == 202) {
                            acceptedByUser.computeIfAbsent(userId, k -> new ArrayList<>()).addAll(seqs);
                            accepted += EVENTS_PER_REQUEST;
                            break;
                        }
                        if (answer == null) {
                            seqs.forEach(seq -> retriedUnanswered.add(userId + "/" + seq));
                        }
                        FaultSuite.sleep(Duration.ofMillis(100));
                    }
                    // 60 requests over ~25 s: the outage and the kill land in the middle of them
                    FaultSuite.sleep(Duration.ofMillis(400));
                }
            }
            return null;
        }

        void verdict(SoftAssertions softly, long kill) throws Exception {
            long settle = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            PythonJournal python = PythonJournal.read(suite.peers, json, acceptedByUser.keySet());
            int delivered = python.delivered(acceptedByUser);
            while (delivered < accepted && System.nanoTime() < settle) {
                FaultSuite.sleep(Duration.ofMillis(500));
                python = PythonJournal.read(suite.peers, json, acceptedByUser.keySet());
                delivered = python.delivered(acceptedByUser);
            }
            int parked = 0;
            for (PackagedHub hub : hubs) {
                parked += logLinesSinceStart(hub, "Parked a batch for the Python event API");
            }
            // two keys for an event answered 202 on its request's only answered attempt: a duplicate the hub made; two
            // keys after an unanswered attempt: the client's retry (a new request), printed, not the hub's duplicate
            int duplicates = 0;
            int clientRetries = 0;
            for (Map.Entry<String, Set<String>> event : python.keysByEvent().entrySet()) {
                if (event.getValue().size() > 1) {
                    if (retriedUnanswered.contains(event.getKey())) {
                        clientRetries++;
                    } else {
                        duplicates++;
                    }
                }
            }
            FaultReport report = new FaultReport("three hubs: event bridge, Python down 12 s, hub C kill -9", sent, accepted,
                    delivered, accepted - delivered, duplicates, (System.nanoTime() - kill) / 1e9).print();
            System.out.println("[faults] three hubs: event bridge: batches parked while Python was down: " + parked
                    + ", events Python received again under the same Idempotency-Key: " + python.repeats()
                    + ", out of their user's order: " + python.outOfOrder() + "; events of requests retried after an"
                    + " unanswered attempt (the kill): " + retriedUnanswered.size() + ", of them under two keys: " + clientRetries);
            softly.assertThat(accepted).as("bridge events answered 202").isEqualTo(USERS * REQUESTS_PER_USER * EVENTS_PER_REQUEST);
            softly.assertThat(parked).as("batches parked during the outage (the drain was tested)").isPositive();
            softly.assertThat(report.lost()).as("bridge events answered 202 that never reached Python").isZero();
            softly.assertThat(python.keyless()).as("calls to Python without an Idempotency-Key").isZero();
            softly.assertThat(report.duplicates()).as("bridge events Python received under two different Idempotency-Keys").isZero();
            softly.assertThat(python.outOfOrder()).as("bridge events out of their user's order").isZero();
        }
    }

    // ---- live events ----

    /** Broadcasts through B, retried until answered 2xx, one every 100 ms. */
    final class Broadcasts implements Callable<Void> {
        final String run;
        final List<String> accepted = new CopyOnWriteArrayList<>();
        int sent;

        Broadcasts(String run) {
            this.run = run;
        }

        @Override
        public Void call() {
            for (int i = 0; i < BROADCASTS; i++) {
                String videoId = run + "-" + i;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < deadline) {
                    sent++;
                    HttpResponse<String> answer = FaultSuite.post(b.url("/api/v2/events/internal/broadcast"),
                            "{\"type\":\"video.status\",\"video_id\":\"" + videoId + "\",\"status\":\"PROCESSING\",\"progress\":"
                                    + (i % 100) + ",\"message\":\"three hubs\"}", "X-Internal-Secret", FaultSuite.SECRET);
                    if (answer != null && answer.statusCode() / 100 == 2) {
                        accepted.add(videoId);
                        break;
                    }
                    FaultSuite.sleep(Duration.ofMillis(200));
                }
                FaultSuite.sleep(Duration.ofMillis(100));
            }
            return null;
        }

        void verdict(SoftAssertions softly, SseClient client, Set<String> deliveredByC, String resumedFrom, long kill) {
            long settle = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < settle && !client.received.keySet().containsAll(accepted)) {
                FaultSuite.sleep(Duration.ofMillis(200));
            }
            FaultSuite.sleep(Duration.ofSeconds(1));
            List<String> missed = accepted.stream().filter(id -> !client.received.containsKey(id)).toList();
            int duplicates = client.received.values().stream().mapToInt(n -> n - 1).sum();
            List<String> fromC = deliveredByC.stream().filter(id -> !client.extractionEvents.containsKey(id)).toList();
            int outOfOrder = 0;
            for (int i = 1; i < client.ids.size(); i++) {
                if (StreamIds.compare(client.ids.get(i - 1), client.ids.get(i)) >= 0) {
                    outOfOrder++;
                }
            }
            new FaultReport("three hubs: live events, client A -> B, hub C kill -9", sent, accepted.size(),
                    accepted.size() - missed.size(), missed.size(), duplicates, (System.nanoTime() - kill) / 1e9).print();
            System.out.println("[faults] three hubs: live events: client resumed on B from " + resumedFrom + ", connections "
                    + client.connections.get() + ", stream.gap: " + client.gaps + ", ids out of order: " + outOfOrder
                    + "; extraction events C delivered before its kill: " + deliveredByC.size() + ", not received on the client: "
                    + fromC.size() + "; extraction events received: " + client.extractionEvents.size());
            softly.assertThat(accepted).as("broadcasts through B answered 2xx").hasSize(BROADCASTS);
            softly.assertThat(client.connections.get()).as("the client connected to A, then to B").isGreaterThanOrEqualTo(2);
            softly.assertThat(resumedFrom).as("the client had an id to resume from").isNotNull();
            softly.assertThat(missed).as("broadcasts through B the client (A, then B) never received").isEmpty();
            softly.assertThat(client.gaps).as("stream.gap events: the move to B resumed with a gap").isEmpty();
            softly.assertThat(duplicates).as("broadcasts the client received twice").isZero();
            softly.assertThat(outOfOrder).as("events out of the stream's order").isZero();
            softly.assertThat(deliveredByC).as("extraction events C delivered before its kill").isNotEmpty();
            softly.assertThat(fromC).as("extraction events of C's flows the client on A never received").isEmpty();
        }
    }

    /** Transcript requests whose inbox row counts more than one delivery. */
    private static int deliveredAgain(Set<String> requestIds) throws Exception {
        String list = requestIds.stream().map(id -> "'" + id + "'").reduce((x, y) -> x + "," + y).orElse("''");
        try (java.sql.Connection db = FaultSuite.database(); java.sql.Statement sql = db.createStatement();
             java.sql.ResultSet row = sql.executeQuery("SELECT count(*) FROM transcript_inbox WHERE deliveries > 1"
                     + " AND transcript_request_id IN (" + list + ")")) {
            return row.next() ? row.getInt(1) : 0;
        }
    }

    // ---- the hubs' logs ----

    /** Lines of {@code hub}'s log written since the load began that contain {@code text}. */
    private int logLinesSinceStart(PackagedHub hub, String text) throws Exception {
        byte[] log = Files.readAllBytes(hub.logFile().toPath());
        int from = logOffsets.get(hub).intValue();
        int lines = 0;
        for (String line : new String(log, from, log.length - from, StandardCharsets.UTF_8).split("\n")) {
            if (line.contains(text)) {
                lines++;
            }
        }
        return lines;
    }

    /** What each hub did, from its log: the load reached all three, and who replayed the parked batches. */
    private void workPerHub() throws Exception {
        StringBuilder work = new StringBuilder("[faults] three hubs: work per hub (A, B, C) from their logs:");
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("videos summarized", "summarized: summaries/");
        lines.put("extraction events delivered", "delivered to the webhook");
        lines.put("extraction callbacks answered 429", "outcome=rate");
        lines.put("bridge batches parked", "Parked a batch for the Python event API");
        lines.put("parked-batch replays started", "replaying parked batches");
        for (Map.Entry<String, String> line : lines.entrySet()) {
            List<Integer> counts = new ArrayList<>();
            for (PackagedHub hub : hubs) {
                counts.add(logLinesSinceStart(hub, line.getValue()));
            }
            work.append(' ').append(line.getKey()).append(' ').append(counts).append(';');
        }
        System.out.println(work);
    }

    // ---- pacing ----

    @FunctionalInterface
    interface Step {
        void run(int i) throws Exception;
    }

    /** {@code count} steps, {@code everyMs} apart. */
    private static Callable<Void> paced(int count, long everyMs, Step step) {
        return () -> {
            long first = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long due = first + i * everyMs * 1_000_000L;
                long wait = (due - System.nanoTime()) / 1_000_000L;
                if (wait > 0) {
                    FaultSuite.sleep(Duration.ofMillis(wait));
                }
                step.run(i);
            }
            return null;
        };
    }

    private static void awaitSecond(long started, int second) {
        long wait = (started + second * 1_000_000_000L - System.nanoTime()) / 1_000_000L;
        if (wait > 0) {
            FaultSuite.sleep(Duration.ofMillis(wait));
        }
    }

    /** Redis stream ids ({@code <ms>-<seq>}) in the stream's order. */
    static final class StreamIds {
        private StreamIds() {
        }

        static int compare(String left, String right) {
            String[] l = left.split("-");
            String[] r = right.split("-");
            int ms = Long.compare(Long.parseLong(l[0]), Long.parseLong(r[0]));
            return ms != 0 ? ms : Long.compare(Long.parseLong(l[1]), Long.parseLong(r[1]));
        }
    }
}
