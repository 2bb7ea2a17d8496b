package routes.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.Uuid;

/**
 * A real Kafka KRaft broker (combined broker + controller, {@code org.apache.kafka:kafka_2.13} from the test
 * classpath) in its own process, for the dev launcher and benchmarks. Integration tests use the in-JVM
 * {@code @EmbeddedKafka} instead. The log directory is formatted on first use and kept between runs.
 */
public final class KafkaBroker implements AutoCloseable {

    private final ServerProcess process;
    private final int port;
    private final Path dir;

    private KafkaBroker(ServerProcess process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts the broker on 127.0.0.1:{@code port} (controller on {@code port + 1}), data under {@code dir}. */
    public static KafkaBroker start(int port, Path dir) throws IOException, InterruptedException {
        Path data = dir.resolve("data").toAbsolutePath();
        Files.createDirectories(data);
        Path config = dir.resolve("server.properties").toAbsolutePath();
        Files.write(config, List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + (port + 1),
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + (port + 1),
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=2",
                "auto.create.topics.enable=true",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0"));
        Path log = dir.resolve("kafka.log").toAbsolutePath();
        if (!Files.exists(data.resolve("meta.properties"))) {
            Process format = java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString())
                    .redirectOutput(log.toFile()).start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IllegalStateException("formatting the Kafka log directory failed, see " + log);
            }
        }
        ProcessBuilder broker = java("kafka.Kafka", config.toString())
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new KafkaBroker(ServerProcess.start(broker, port, "Kafka", Duration.ofSeconds(60), Duration.ofSeconds(20),
                ", see " + log), port, dir);
    }

    private static ProcessBuilder java(String mainClass, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** kill -9 of the broker process (its log directory stays, as after a crash). */
    public void kill() {
        process.kill();
    }

    /** The same broker started again on its port and log directory (after {@link #kill()}). */
    public KafkaBroker restart() throws IOException, InterruptedException {
        return start(port, dir);
    }

    @Override
    public void close() {
        process.close();
    }
}
