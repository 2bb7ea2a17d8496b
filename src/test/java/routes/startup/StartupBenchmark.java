package routes.startup;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import routes.support.KafkaBroker;
import routes.support.S3Server;

/**
 * Start-up benchmark of the packaged hub: time from process start to readiness UP
 * ({@code /actuator/health/readiness} answering 200) and the resident set size after an idle period, for two
 * command lines (a baseline and the hub's own), rounds interleaved. RabbitMQ, PostgreSQL and Redis are the
 * machine's; a Kafka broker and an S3 server run as processes, WireMock stands in for the HTTP peers.
 * <p>
 * Arguments: ROUNDS IDLE_SECONDS WORKDIR, then variants separated by {@code --}, each a name followed by its
 * command; the first is the baseline the others are compared with. A variant named {@code train} is run once
 * before the rounds until ready and stopped with SIGTERM (the CDS training run: {@code -XX:ArchiveClassesAtExit}
 * writes its archive at exit). Prints {@code name: value unit} lines.
 */
public final class StartupBenchmark {

    private static final String SCHEMA = "bench_startup";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private StartupBenchmark() {
    }

    record Sample(double readySeconds, long idleRssKb) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int idleSeconds = Integer.parseInt(args[1]);
        Path work = Path.of(args[2]);
        List<String> rest = Arrays.asList(args).subList(3, args.length);
        List<List<String>> commands = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String arg : rest) {
            if (arg.equals("--")) {
                commands.add(current);
                current = new ArrayList<>();
            } else {
                current.add(arg);
            }
        }
        commands.add(current);
        List<String> training = List.of();
        Map<String, List<String>> variants = new LinkedHashMap<>();
        for (List<String> group : commands) {
            if (group.get(0).equals("train")) {
                training = group.subList(1, group.size());
            } else {
                variants.put(group.get(0), group.subList(1, group.size()));
            }
        }
        String baselineName = variants.keySet().iterator().next();
        dropSchema();
        WireMockServer peers = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        peers.start();
        Files.createDirectories(work);
        S3Server s3 = S3Server.start(0, null, work.resolve("s3proxy.log"));
        KafkaBroker kafka = KafkaBroker.start(freePort(), work.resolve("kafka"));
        try {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/");
            env.put("POSTGRES_URL_PARAMS", "?currentSchema=" + SCHEMA);
            env.put("SPRING_FLYWAY_SCHEMAS", SCHEMA);
            env.put("KAFKA_BROKERS", kafka.bootstrapServers());
            env.put("AWS_ENDPOINT", s3.endpoint());
            env.put("AWS_CREATE_BUCKET", "true");
            env.put("AWS_YOUTUBE_BUCKET", "bench-startup");
            env.put("INTERNAL_API_SECRET", "bench-startup-secret");
            env.put("HAWTIO_LOGIN_ENABLED", "false");
            env.put("TRANSCRIPT_API_URL", peers.baseUrl() + "/transcript-api");
            env.put("LLM_BASE_URL", peers.baseUrl() + "/llm/v1");
            env.put("PYTHON_EVENT_API_URL", peers.baseUrl() + "/python");
            env.put("API_URL", peers.baseUrl() + "/api");
            env.put("EXTRACTION_WEBHOOK_URL", peers.baseUrl() + "/api/extraction/internal/baseline");
            env.put("LIVE_EVENTS_STREAM", "bench:startup:live-events");
            env.put("HOSTNAME", "bench-startup");
            // first start migrates the schema (and, for a training run, writes the CDS archive): untimed, so every
            // timed round starts on the same database
            Sample warm = run(training.isEmpty() ? variants.get(baselineName) : training, env, work.resolve("hub-warmup.log"), 0);
            System.out.printf("warmup_ready: %.1f s (%s)%n", warm.readySeconds(), training.isEmpty() ? baselineName : "CDS training run");
            Map<String, List<Sample>> samples = new LinkedHashMap<>();
            variants.keySet().forEach(name -> samples.put(name, new ArrayList<>()));
            for (int round = 1; round <= rounds; round++) {
                StringBuilder line = new StringBuilder("round_" + round + ":");
                for (Map.Entry<String, List<String>> variant : variants.entrySet()) {
                    Sample sample = run(variant.getValue(), env, work.resolve(variant.getKey() + ".log"), idleSeconds);
                    samples.get(variant.getKey()).add(sample);
                    line.append(String.format(" %s ready %.1f s rss %d MB;", variant.getKey(), sample.readySeconds(), sample.idleRssKb() / 1024));
                }
                System.out.println(line);
            }
            double baseReady = median(samples.get(baselineName).stream().mapToDouble(Sample::readySeconds).toArray());
            double baseRss = median(samples.get(baselineName).stream().mapToDouble(s -> s.idleRssKb() / 1024.0).toArray());
            for (Map.Entry<String, List<Sample>> variant : samples.entrySet()) {
                double ready = median(variant.getValue().stream().mapToDouble(Sample::readySeconds).toArray());
                double rss = median(variant.getValue().stream().mapToDouble(s -> s.idleRssKb() / 1024.0).toArray());
                System.out.printf("%s_ready_median: %.1f s%n", variant.getKey(), ready);
                System.out.printf("%s_idle_rss_median: %.0f MB%n", variant.getKey(), rss);
                if (!variant.getKey().equals(baselineName)) {
                    System.out.printf("ratio_%s_to_%s: ready %.2f, idle rss %.2f (targets: ready <= 10 s, idle rss <= 400 MB)%n",
                            variant.getKey(), baselineName, ready / baseReady, rss / baseRss);
                }
            }
        } finally {
            kafka.close();
            s3.close();
            peers.stop();
            dropSchema();
        }
    }

    /** Starts the command, waits for readiness UP, idles, reads VmRSS, then SIGTERM and waits for the exit. */
    private static Sample run(List<String> command, Map<String, String> env, Path log, int idleSeconds)
            throws IOException, InterruptedException {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        builder.environment().put("SERVER_PORT", String.valueOf(port));
        builder.environment().put("HUB_INTERNAL_ADDRESS", "127.0.0.1");
        builder.environment().put("HUB_INTERNAL_PORT", String.valueOf(freePort()));
        long started = System.nanoTime();
        Process process = builder.start();
        try {
            long deadline = started + TimeUnit.SECONDS.toNanos(240);
            double ready = -1;
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("hub exited with " + process.exitValue() + ", see " + log.toAbsolutePath());
                }
                if (ready(port)) {
                    ready = (System.nanoTime() - started) / 1e9;
                    break;
                }
                Thread.sleep(100);
            }
            if (ready < 0) {
                throw new IllegalStateException("hub not ready within 240 s, see " + log.toAbsolutePath());
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
            long rss = rssKb(process.pid());
            return new Sample(ready, rss);
        } finally {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean ready(int port) {
        try {
            HttpResponse<Void> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return answer.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void dropSchema() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
             Statement sql = db.createStatement()) {
            sql.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }
}
