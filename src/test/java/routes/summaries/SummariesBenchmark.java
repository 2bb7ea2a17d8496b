package routes.summaries;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import com.sun.net.httpserver.HttpServer;

import routes.HubApplication;
import routes.support.S3Server;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * bench/summaries/run.sh. Everything on 127.0.0.1: an in-JVM Kafka broker, the S3 server process, the machine's
 * PostgreSQL (schema hub_bench, dropped first), a fixed-latency LLM stub (JDK HTTP server), and the hub itself.
 * (a) pipeline end-to-end against the ideal critical path, (b) outbox relay rows/s against Kafka's
 * ProducerPerformance on the same broker (BENCH_TOOLS_CP), (c) peak heap with 20 x 10 MB transcripts at once.
 * Prints {@code name: value unit} lines.
 */
public final class SummariesBenchmark {

    private static final String IN = "video.transcribed";
    private static final String OUT = "video.summarized";

    private SummariesBenchmark() {
    }

    public static void main(String[] args) {
        try {
            run();
        } catch (Throwable e) {
            // e.g. an OutOfMemoryError in (c): say so and end the JVM (the hub's pools would keep it alive)
            System.out.println("bench_failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run() throws Exception {
        long llmLatencyMs = Long.getLong("bench.llmLatencyMs", 100);
        int relayRows = Integer.getInteger("bench.relayRows", 50_000);
        String toolsCp = System.getenv("BENCH_TOOLS_CP");

        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 2, IN, IN + ".DLT", OUT, "bench.baseline");
        kafka.afterPropertiesSet();
        String brokers = kafka.getBrokersAsString();
        S3Server s3Server = S3Server.start(0, null, null);
        AtomicLong latency = new AtomicLong(llmLatencyMs);
        HttpServer llm = llmStub(latency);
        String jdbcUrl = "jdbc:postgresql://127.0.0.1:5432/" + System.getProperty("bench.db", "test");
        try (Connection c = DriverManager.getConnection(jdbcUrl, System.getProperty("bench.dbUser", "postgres"), "")) {
            c.createStatement().execute("DROP SCHEMA IF EXISTS hub_bench CASCADE");
        }

        Map<String, Object> props = new HashMap<>();
        props.put("server.port", "0");
        props.put("spring.datasource.url", jdbcUrl + "?currentSchema=hub_bench");
        props.put("spring.datasource.username", System.getProperty("bench.dbUser", "postgres"));
        props.put("spring.flyway.schemas", "hub_bench");
        props.put("spring.flyway.default-schema", "hub_bench");
        props.put("hub.kafka.brokers", brokers);
        props.put("hub.s3.endpoint", s3Server.endpoint());
        props.put("hub.s3.access-key", S3Server.ACCESS_KEY);
        props.put("hub.s3.secret-key", S3Server.SECRET_KEY);
        props.put("hub.s3.bucket", "hub-bench");
        props.put("hub.s3.create-bucket", "true");
        props.put("hub.peers.llm", "http://127.0.0.1:" + llm.getAddress().getPort() + "/v1");
        props.put("hub.summaries.consumer.consumers-count", "1");
        props.put("hub.summaries.outbox.poll-interval-ms", "200");
        props.put("hub.console.login-enabled", "false");
        props.put("logging.level.root", "WARN");
        props.put("logging.structured.format.console", "");
        // as command-line arguments: they win over application.yaml's environment-variable defaults
        String[] arguments = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigurableApplicationContext hub = new SpringApplication(HubApplication.class).run(arguments);
        try {
            CamelContext camel = hub.getBean(CamelContext.class);
            JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
            S3Client s3 = hub.getBean(S3Client.class);
            SummariesSettings settings = hub.getBean(SummariesSettings.class);

            String parts = System.getProperty("bench.parts", "a,b,c");
            if (parts.contains("a")) {
                pipeline(camel, brokers, s3, jdbc, settings, llmLatencyMs);
            }
            if (parts.contains("b")) {
                relay(camel, jdbc, brokers, relayRows, toolsCp);
            }
            if (parts.contains("c")) {
                latency.set(Long.getLong("bench.heapLlmLatencyMs", 2));
                heap(camel, s3);
            }
        } finally {
            hub.close();
            llm.stop(0);
            s3Server.close();
            kafka.destroy();
        }
    }

    /** (a) one video of 40 chunks through Kafka -> S3 -> LLM -> S3/DB/outbox -> Kafka, against the critical path. */
    private static void pipeline(CamelContext camel, String brokers, S3Client s3, JdbcTemplate jdbc, SummariesSettings settings, long latencyMs)
            throws Exception {
        String transcript = snippets(40 * settings.chunkTokens() / 17);
        try (KafkaProducer<String, String> producer = producer(brokers);
             KafkaConsumer<String, String> consumer = consumer(brokers, OUT)) {
            List<Double> ratios = new ArrayList<>();
            // the same, with the latency the stub really had (its mean per call: the sleep plus its own HTTP server)
            List<Double> measuredRatios = new ArrayList<>();
            long bestMs = Long.MAX_VALUE;
            int chunks = 0;
            int levels = 0;
            // the first runs warm the JIT up (a service runs warm: with 3 the hub's per-call code was still being
            // compiled); the median of the others (21: on this 2-core machine the median of 9 moved by +-0.02) is the figure
            int warmup = Integer.getInteger("bench.pipelineWarmup", 20);
            int runs = warmup + Integer.getInteger("bench.pipelineRuns", 21);
            // every run's transcript is in S3 before the first run: uploading it (the upstream service's work, not the
            // hub's) in this JVM would leave its garbage for a collection during the run that follows
            byte[] transcriptBytes = transcript.getBytes(StandardCharsets.UTF_8);
            for (int run = 0; run < runs; run++) {
                String key = "transcripts/" + (7_000_000 + run) + "/transcript.json";
                s3.putObject(b -> b.bucket("hub-bench").key(key), RequestBody.fromBytes(transcriptBytes));
            }
            warmUpS3(s3, transcript);
            // only when asked for: an event notifier makes Camel emit an event for every endpoint call of the runs it measures
            boolean tracing = Boolean.getBoolean("bench.trace");
            EndpointTrace trace = new EndpointTrace();
            if (tracing) {
                camel.getManagementStrategy().addEventNotifier(trace);
                trace.start();
            }
            for (int run = 0; run < runs; run++) {
                if (run == warmup) {
                    // the breakdown below covers the measured runs only, not the JIT's warm-up
                    resetStatistics(camel);
                }
                long videoId = 7_000_000 + run;
                String key = "transcripts/" + videoId + "/transcript.json";
                CALLS.clear();
                long start = System.nanoTime();
                trace.clear(start);
                producer.send(new ProducerRecord<>(IN, String.valueOf(videoId), "{\"id\":\"" + UUID.randomUUID()
                        + "\",\"videoId\":" + videoId + ",\"transcriptFileKey\":\"" + key + "\"}")).get();
                awaitKey(consumer, String.valueOf(videoId), Duration.ofSeconds(60));
                long end = System.nanoTime();
                long elapsedMs = (end - start) / 1_000_000;
                double stubMs;
                synchronized (CALLS) {
                    stubMs = CALLS.stream().mapToLong(c -> c.answered() - c.arrived()).average().orElse(latencyMs * 1e6) / 1e6;
                }
                System.out.println("pipeline_run_" + run + ": " + elapsedMs + " ms (" + timeline(start, end) + ")");
                if (run >= warmup && tracing) {
                    System.out.println("pipeline_trace_" + run + ": " + trace);
                }
                Map<String, Object> info = jdbc.queryForMap("SELECT (model_info->>'chunkCount')::int AS chunks, "
                        + "(model_info->>'reduceLevels')::int AS levels FROM video_summaries WHERE video_id = ?", videoId);
                chunks = (Integer) info.get("chunks");
                levels = (Integer) info.get("levels");
                long waves = (chunks + settings.mapConcurrency() - 1) / settings.mapConcurrency();
                long ideal = (waves + levels) * latencyMs;
                if (run >= warmup) {
                    ratios.add((double) elapsedMs / ideal);
                    measuredRatios.add(elapsedMs / ((waves + levels) * stubMs));
                    bestMs = Math.min(bestMs, elapsedMs);
                }
            }
            ratios.sort(Double::compare);
            measuredRatios.sort(Double::compare);
            long waves = (chunks + settings.mapConcurrency() - 1) / settings.mapConcurrency();
            System.out.println("pipeline_llm_latency: " + latencyMs + " ms");
            System.out.println("pipeline_chunks: " + chunks + " chunks");
            System.out.println("pipeline_map_waves: " + waves + " waves");
            System.out.println("pipeline_reduce_levels: " + levels + " levels");
            System.out.println("pipeline_ideal_critical_path: " + (waves + levels) * latencyMs + " ms");
            System.out.println("pipeline_end_to_end_best: " + bestMs + " ms");
            System.out.printf("pipeline_ratio_median: %.3f ratio (target <= 1.10)%n", ratios.get(ratios.size() / 2));
            System.out.printf("pipeline_ratio_median_stub_latency: %.3f ratio (the ideal path at the stub's measured mean latency per call)%n",
                    measuredRatios.get(measuredRatios.size() / 2));
            breakdown(camel, "pipeline_step_", List.of("summariesConsume", "summariesSummarize", "summariesOutboxRelay"),
                    List.of("summariesValidate", "summariesFindExisting", "summariesDownloadTranscript", "summariesSpoolTranscript",
                            "summariesMap", "summariesReduceLevels", "summariesMapCall", "summariesLlmGuarded", "summariesLlmRetried",
                            "summariesLlmPost", "summariesLlmAnswer", "summariesDocument", "summariesUpload", "summariesUploadJson",
                            "summariesUploadText", "summariesStore", "summariesCommit", "summariesOutboxClaim", "summariesOutboxPublish"));
        }
    }

    /**
     * The S3 server here is S3Proxy, a JVM of its own that the pipeline runs alone would leave half compiled (a few
     * requests per run: 12 ms for a 2 KB upload where a warm one takes 3). S3 itself is always warm: the server gets
     * the same warm-up as the hub before anything is measured.
     */
    private static void warmUpS3(S3Client s3, String transcript) {
        int rounds = Integer.getInteger("bench.s3WarmupRounds", 300);
        s3.putObject(b -> b.bucket("hub-bench").key("warmup/transcript.json"), RequestBody.fromString(transcript));
        for (int i = 0; i < rounds; i++) {
            s3.putObject(b -> b.bucket("hub-bench").key("warmup/summary.json"), RequestBody.fromString("{\"warm\":true}"));
            s3.getObjectAsBytes(b -> b.bucket("hub-bench").key("warmup/transcript.json"));
        }
    }

    private static void resetStatistics(CamelContext camel) throws Exception {
        var managed = camel.getCamelContextExtension().getContextPlugin(org.apache.camel.api.management.ManagedCamelContext.class);
        if (managed != null) {
            managed.getManagedCamelContext().reset(true);
        }
    }

    /** Where the time goes: mean time of routes and steps over the measured runs. */
    private static void breakdown(CamelContext camel, String prefix, List<String> routes, List<String> steps) throws Exception {
        var managed = camel.getCamelContextExtension().getContextPlugin(org.apache.camel.api.management.ManagedCamelContext.class);
        if (managed == null) {
            return;
        }
        for (String route : routes) {
            var r = managed.getManagedRoute(route);
            if (r != null) {
                System.out.printf("%sroute_%s: %d ms mean (%d exchanges)%n", prefix, route, r.getMeanProcessingTime(),
                        r.getExchangesTotal());
            }
        }
        for (String id : steps) {
            var p = managed.getManagedProcessor(id);
            if (p != null) {
                double mean = p.getExchangesTotal() == 0 ? 0 : (double) p.getTotalProcessingTime() / p.getExchangesTotal();
                System.out.printf("%s%s: %.1f ms mean, %d ms max (%d exchanges)%n", prefix, id, mean, p.getMaxProcessingTime(),
                        p.getExchangesTotal());
            }
        }
    }

    /** (b) outbox rows/s, PostgreSQL to Kafka, against ProducerPerformance on the same broker. */
    private static void relay(CamelContext camel, JdbcTemplate jdbc, String brokers, int rows, String toolsCp) throws Exception {
        camel.getRouteController().stopRoute("summariesOutboxPoll");
        jdbc.execute("TRUNCATE outbox_events");
        List<Object[]> batch = new ArrayList<>();
        String text = "x".repeat(200);
        for (int i = 0; i < rows; i++) {
            String id = UUID.randomUUID().toString();
            batch.add(new Object[] {id, "{\"id\":\"" + id + "\",\"videoId\":" + (i % 1000 + 1)
                    + ",\"summaryFileKey\":\"summaries/1/summary.json\",\"summaryText\":\"" + text + "\",\"ts\":\"2026-01-01T00:00:00Z\"}"});
        }
        jdbc.batchUpdate("INSERT INTO outbox_events (id, topic, payload, service) VALUES (?::uuid, 'video.summarized', ?::jsonb, 'bench')", batch);
        ProducerTemplate template = camel.createProducerTemplate();
        long start = System.nanoTime();
        while (jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM outbox_events WHERE NOT published)", Boolean.class)) {
            template.sendBody("direct:summaries-outbox-relay", null);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double relayRate = rows / seconds;
        System.out.printf("relay_rows: %d rows%n", rows);
        System.out.printf("relay_throughput: %.0f rows/s%n", relayRate);
        breakdown(camel, "relay_step_", List.of("summariesOutboxRelay"), List.of("summariesOutboxClaim", "summariesOutboxPublish",
                "summariesOutboxMarkPublished"));
        camel.getRouteController().startRoute("summariesOutboxPoll");
        if (toolsCp == null || toolsCp.isBlank()) {
            System.out.println("relay_baseline: skipped (BENCH_TOOLS_CP not set)");
            return;
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process perf = new ProcessBuilder(java, "-Xmx512m", "-cp", toolsCp, "org.apache.kafka.tools.ProducerPerformance",
                "--topic", "bench.baseline", "--num-records", String.valueOf(Math.max(rows, 200_000)), "--record-size", "300",
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + brokers, "acks=all", "enable.idempotence=true")
                .redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(perf.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.contains("records/sec")) {
                    last = line;
                }
            }
        }
        perf.waitFor();
        double baseline = last == null ? 0 : Double.parseDouble(last.replaceAll(".*records sent, ([0-9.]+) records/sec.*", "$1"));
        System.out.printf("relay_baseline_producer_performance: %.0f records/s%n", baseline);
        System.out.printf("relay_ratio: %.3f ratio (target >= 0.5)%n", baseline == 0 ? 0 : relayRate / baseline);
    }

    /** (c) 20 transcripts of 10 MB each through the pipeline at once; peak heap sampled every 20 ms. */
    private static void heap(CamelContext camel, S3Client s3) throws Exception {
        Path file = Files.createTempFile("bench-transcript", ".json");
        try {
            try (var out = Files.newBufferedWriter(file)) {
                out.write('[');
                long written = 0;
                for (int i = 0; written < 10L * 1024 * 1024; i++) {
                    String snippet = (i == 0 ? "" : ",") + "{\"text\":\"Sentence " + i + " explains how messages flow through the "
                            + "integration hub, with retries, idempotency and an outbox.\",\"start\":" + i * 3 + ",\"duration\":2.5}";
                    out.write(snippet);
                    written += snippet.length();
                }
                out.write(']');
            }
            List<String> keys = new ArrayList<>();
            for (int v = 0; v < 20; v++) {
                String key = "transcripts/heap/" + v + ".json";
                s3.putObject(b -> b.bucket("hub-bench").key(key), RequestBody.fromFile(file));
                keys.add(key);
            }
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            long before = memory.getHeapMemoryUsage().getUsed();
            AtomicLong peak = new AtomicLong(before);
            // what survives each collection (the heap's live set plus what the collector did not reach yet): sampled
            // "used" alone also counts the garbage a young generation holds until its next collection
            AtomicLong peakAfterGc = new AtomicLong(before);
            // the live set: what a full collection leaves (a young collection leaves the old generation's garbage)
            AtomicLong peakAfterFullGc = new AtomicLong(before);
            java.util.concurrent.atomic.AtomicInteger fullCollections = new java.util.concurrent.atomic.AtomicInteger();
            AtomicLong gcMillis = new AtomicLong();
            // the heap's pools only (a collection also reports Metaspace and the code cache)
            java.util.Set<String> heapPools = new java.util.HashSet<>();
            for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                    heapPools.add(pool.getName());
                }
            }
            javax.management.NotificationListener afterGc = (notification, handback) -> {
                if (com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                            (javax.management.openmbean.CompositeData) notification.getUserData());
                    long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(pool -> heapPools.contains(pool.getKey())).mapToLong(pool -> pool.getValue().getUsed()).sum();
                    peakAfterGc.accumulateAndGet(used, Math::max);
                    gcMillis.addAndGet(info.getGcInfo().getDuration());
                    if (info.getGcAction().contains("major")) {
                        fullCollections.incrementAndGet();
                        peakAfterFullGc.accumulateAndGet(used, Math::max);
                    }
                }
            };
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((javax.management.NotificationEmitter) gc).addNotificationListener(afterGc, null, null);
            }
            ExecutorService sampler = Executors.newSingleThreadExecutor();
            CALLS.clear();
            long sampleStart = System.nanoTime();
            Future<?> sampling = sampler.submit(() -> {
                long nextReport = sampleStart + 30_000_000_000L;
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                    if (System.nanoTime() > nextReport) {
                        nextReport += 30_000_000_000L;
                        System.out.printf("heap_progress: %d LLM calls after %d s, peak used %d MB%n", CALLS.size(),
                                (System.nanoTime() - sampleStart) / 1_000_000_000L, peak.get() / (1024 * 1024));
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            ExecutorService videos = Executors.newFixedThreadPool(20);
            ProducerTemplate template = camel.createProducerTemplate();
            long start = System.nanoTime();
            List<Future<?>> runs = new ArrayList<>();
            for (int v = 0; v < 20; v++) {
                long videoId = 8_000_000 + v;
                String key = keys.get(v);
                runs.add(videos.submit(() -> {
                    var exchange = new DefaultExchange(camel);
                    exchange.setProperty("videoId", videoId);
                    exchange.setProperty("transcriptKey", key);
                    var result = template.send("direct:summaries-summarize", exchange);
                    if (result.getException() != null) {
                        throw result.getException();
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            sampling.cancel(true);
            sampler.shutdownNow();
            videos.shutdownNow();
            long maxHeap = memory.getHeapMemoryUsage().getMax();
            System.out.printf("heap_transcripts: 20 x %d MB%n", Files.size(file) / (1024 * 1024));
            System.out.printf("heap_run_time: %.1f s%n", seconds);
            System.out.printf("heap_before: %d MB%n", before / (1024 * 1024));
            System.out.printf("heap_limit: %d MB (-Xmx of the whole JVM: the hub, the in-JVM Kafka broker, the LLM stub; target <= 256)%n",
                    maxHeap / (1024 * 1024));
            System.out.printf("heap_peak_used: %d MB (garbage included: the collector runs when the limit is near)%n",
                    peak.get() / (1024 * 1024));
            System.out.printf("heap_peak_increase: %d MB%n", (peak.get() - before) / (1024 * 1024));
            System.out.printf("heap_peak_after_gc: %d MB (highest heap left after any collection)%n",
                    peakAfterGc.get() / (1024 * 1024));
            System.out.printf("heap_live_peak: %d MB (highest heap left after a full collection; %d full collections)%n",
                    peakAfterFullGc.get() / (1024 * 1024), fullCollections.get());
            System.out.printf("heap_gc_time: %.1f s of %.1f s%n", gcMillis.get() / 1000.0, seconds);
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((javax.management.NotificationEmitter) gc).removeNotificationListener(afterGc);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** One call the LLM stub answered: when it arrived and when the answer was sent (System.nanoTime), which phase. */
    private record StubCall(long arrived, long answered, boolean reduce, int clientPort) {
    }

    private static final List<StubCall> CALLS = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Where one run's time went, from the LLM stub's point of view. */
    private static String timeline(long start, long end) {
        List<StubCall> calls;
        synchronized (CALLS) {
            calls = new ArrayList<>(CALLS);
        }
        long firstMap = calls.stream().filter(c -> !c.reduce()).mapToLong(StubCall::arrived).min().orElse(start);
        long lastMap = calls.stream().filter(c -> !c.reduce()).mapToLong(StubCall::answered).max().orElse(start);
        long firstReduce = calls.stream().filter(StubCall::reduce).mapToLong(StubCall::arrived).min().orElse(lastMap);
        long lastReduce = calls.stream().filter(StubCall::reduce).mapToLong(StubCall::answered).max().orElse(lastMap);
        List<long[]> edges = new ArrayList<>();
        for (StubCall c : calls) {
            edges.add(new long[] {c.arrived(), 1});
            edges.add(new long[] {c.answered(), -1});
        }
        edges.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        long inFlight = 0;
        long maxInFlight = 0;
        for (long[] e : edges) {
            inFlight += e[1];
            maxInFlight = Math.max(maxInFlight, inFlight);
        }
        // the hub's own time between two calls on one connection: answer read, next request made and sent
        Map<Integer, List<StubCall>> byConnection = new HashMap<>();
        calls.forEach(c -> byConnection.computeIfAbsent(c.clientPort(), k -> new ArrayList<>()).add(c));
        long gaps = 0;
        long gapSum = 0;
        for (List<StubCall> connection : byConnection.values()) {
            connection.sort((x, y) -> Long.compare(x.arrived(), y.arrived()));
            for (int i = 1; i < connection.size(); i++) {
                if (connection.get(i).reduce() == connection.get(i - 1).reduce()) {
                    gapSum += connection.get(i).arrived() - connection.get(i - 1).answered();
                    gaps++;
                }
            }
        }
        double meanGap = gaps == 0 ? 0 : gapSum / 1e6 / gaps;
        double meanCall = calls.stream().mapToLong(c -> c.answered() - c.arrived()).average().orElse(0) / 1e6;
        return String.format("to first LLM call %d ms, map %d ms (%d calls, at most %d at once, %.0f ms each at the stub, "
                        + "%.1f ms between calls on one connection), "
                        + "map->reduce %d ms, reduce %d ms, reduce->video.summarized %d ms",
                (firstMap - start) / 1_000_000, (lastMap - firstMap) / 1_000_000, calls.stream().filter(c -> !c.reduce()).count(),
                maxInFlight, meanCall, meanGap, (firstReduce - lastMap) / 1_000_000,
                (lastReduce - firstReduce) / 1_000_000, (end - lastReduce) / 1_000_000);
    }

    private static HttpServer llmStub(AtomicLong latencyMs) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        String body = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"model\":\"bench\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":\"A fixed summary of this part of the video, about thirty "
                + "tokens long, the same every time so the benchmark is deterministic.\"},\"finish_reason\":\"stop\"}]}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        server.createContext("/v1/chat/completions", exchange -> {
            long arrived = System.nanoTime();
            boolean reduce = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).contains("Partial summaries");
            try {
                Thread.sleep(latencyMs.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
            CALLS.add(new StubCall(arrived, System.nanoTime(), reduce, exchange.getRemoteAddress().getPort()));
        });
        server.setExecutor(Executors.newFixedThreadPool(64));
        server.start();
        return server;
    }

    private static String snippets(int n) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            json.append(i == 0 ? "" : ",").append("{\"text\":\"Sentence ").append(i)
                    .append(" explains how messages flow through the hub.\",\"start\":").append(i * 3).append(",\"duration\":2.5}");
        }
        return json.append(']').toString();
    }

    private static KafkaProducer<String, String> producer(String brokers) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String brokers, String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(), ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private static void awaitKey(KafkaConsumer<String, String> consumer, String key, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(5))) {
                if (key.equals(record.key())) {
                    return;
                }
            }
        }
        throw new IllegalStateException("no video.summarized record for " + key + " within " + timeout);
    }

    /** When each endpoint was first called and last answered in one run, in ms from the event's send: where the time goes. */
    private static final class EndpointTrace extends org.apache.camel.support.EventNotifierSupport {
        private final Map<String, long[]> seen = new java.util.concurrent.ConcurrentHashMap<>();
        private volatile long origin;

        EndpointTrace() {
            setIgnoreCamelContextEvents(true);
            setIgnoreRouteEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreExchangeCreatedEvent(true);
            setIgnoreExchangeCompletedEvent(true);
            setIgnoreExchangeFailedEvents(true);
            setIgnoreExchangeRedeliveryEvents(true);
            setIgnoreStepEvents(true);
        }

        void clear(long start) {
            seen.clear();
            origin = start;
        }

        @Override
        public void notify(org.apache.camel.spi.CamelEvent event) {
            long now = System.nanoTime();
            if (event instanceof org.apache.camel.spi.CamelEvent.ExchangeSendingEvent sending) {
                seen.computeIfAbsent(label(sending.getEndpoint()), k -> new long[] {now, 0, 0});
            } else if (event instanceof org.apache.camel.spi.CamelEvent.ExchangeSentEvent sent) {
                long[] times = seen.computeIfAbsent(label(sent.getEndpoint()), k -> new long[] {now, 0, 0});
                synchronized (times) {
                    times[1] = Math.max(times[1], now);
                    times[2]++;
                }
            }
        }

        private static String label(org.apache.camel.Endpoint endpoint) {
            String uri = endpoint.getEndpointBaseUri();
            return uri.length() > 40 ? uri.substring(0, 40) : uri;
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            seen.entrySet().stream().sorted(Map.Entry.comparingByValue((x, y) -> Long.compare(x[0], y[0]))).forEach(e ->
                    out.append(String.format("[%s x%d %.1f..%.1f] ", e.getKey(), e.getValue()[2], (e.getValue()[0] - origin) / 1e6,
                            (e.getValue()[1] - origin) / 1e6)));
            return out.toString();
        }
    }
}
