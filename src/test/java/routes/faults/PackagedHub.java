package routes.faults;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged hub ({@code java -jar target/integration-hub-*.jar}) as its own process, configured through the
 * environment variables of README.md, so a fault test can kill it (-9), stop it (TERM) and start it again.
 * Each start appends to {@code target/faults/<name>.log}.
 */
final class PackagedHub implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Map<String, String> environment;
    private final List<String> arguments;
    private final int port;
    private final int internalPort;
    private final Path log;
    private Process process;

    PackagedHub(String name, int port, int internalPort, Map<String, String> environment, List<String> arguments) {
        this.name = name;
        this.port = port;
        this.internalPort = internalPort;
        this.environment = new LinkedHashMap<>(environment);
        this.environment.put("SERVER_PORT", String.valueOf(port));
        this.environment.put("HUB_INTERNAL_ADDRESS", "127.0.0.1");
        this.environment.put("HUB_INTERNAL_PORT", String.valueOf(internalPort));
        this.environment.put("HOSTNAME", name);
        this.arguments = List.copyOf(arguments);
        this.log = Path.of("target", "faults", name + ".log");
    }

    static Path jar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("integration-hub-.*\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no packaged hub in target/: the fault suite runs after `package` (./mvnw verify)"));
        }
    }

    /** Starts the hub and waits until its readiness group answers UP. Returns the seconds it took. */
    double start(Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar().toString()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        process = builder.start();
        long deadline = started + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ", see " + log.toAbsolutePath());
            }
            if (ready()) {
                return (System.nanoTime() - started) / 1e9;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + ", see " + log.toAbsolutePath());
    }

    boolean ready() {
        try {
            HttpResponse<Void> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url("/actuator/health/readiness")))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return answer.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String name() {
        return name;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The internal listener (worker callbacks, dead-letter operations). */
    String internalUrl(String path) {
        return "http://127.0.0.1:" + internalPort + path;
    }

    /** kill -9: no shutdown hook, no ack, no last log line. */
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM, then waits for the graceful shutdown (Camel's shutdown timeout plus Spring's phases). */
    void terminate(Duration grace) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
                throw new IllegalStateException(name + " did not stop within " + grace + " of SIGTERM");
            }
        }
    }

    /** Whether the process is still running (not crashed, e.g. by an OutOfMemoryError that ended the JVM). */
    boolean alive() {
        return process != null && process.isAlive();
    }

    File logFile() {
        return log.toFile();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
