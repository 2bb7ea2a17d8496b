package routes.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real S3-compatible server (S3Proxy) in its own process: its Jackson 3 would clash with Spring Boot's
 * Jackson 2 in this JVM. The build copies its jar to {@code target/tools/s3proxy.jar}
 * (maven-dependency-plugin, phase process-test-resources). Credentials are the hub's local defaults.
 */
public final class S3Server implements AutoCloseable {

    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local-secret";

    private final ServerProcess process;
    private final int port;

    private S3Server(ServerProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts S3Proxy on {@code port} (0 = any free port), keeping objects in {@code dataDir}, or in memory
     * when {@code dataDir} is null. The caller stops it ({@link #close()}), typically from a shutdown hook.
     */
    public static S3Server start(int port, Path dataDir, Path logFile) throws IOException {
        int chosen = port == 0 ? freePort() : port;
        Path jar = Path.of(System.getProperty("hub.tools.dir", "target/tools"), "s3proxy.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3 server jar missing at " + jar.toAbsolutePath()
                    + ": run the build (./mvnw test-compile) so maven-dependency-plugin copies it");
        }
        Path config = Files.createTempFile("s3proxy", ".conf");
        List<String> lines = new ArrayList<>(List.of(
                "s3proxy.endpoint=http://127.0.0.1:" + chosen,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.identity=" + ACCESS_KEY,
                "jclouds.credential=" + SECRET_KEY));
        if (dataDir == null) {
            lines.add("jclouds.provider=transient");
        } else {
            Files.createDirectories(dataDir);
            lines.add("jclouds.provider=filesystem");
            lines.add("jclouds.filesystem.basedir=" + dataDir.toAbsolutePath());
        }
        Files.write(config, lines);
        config.toFile().deleteOnExit();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString(),
                "--properties", config.toString()).redirectErrorStream(true);
        if (logFile != null) {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            builder.redirectOutput(logFile.toFile());
        } else {
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        return new S3Server(ServerProcess.start(builder, chosen, "S3 server", Duration.ofSeconds(30), Duration.ofSeconds(5),
                logFile == null ? "" : ", see " + logFile), chosen);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
