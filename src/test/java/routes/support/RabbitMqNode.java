package routes.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The machine's RabbitMQ node, driven with {@code rabbitmqctl} for tests that take the broker away: stopping the
 * RabbitMQ application closes every connection and deletes every exclusive and auto-delete queue, as a broker
 * restart does. Only while holding the shared build lock (the broker is shared with other worktrees' builds).
 */
public final class RabbitMqNode {

    private final Duration timeout;

    public RabbitMqNode(Duration timeout) {
        this.timeout = timeout;
    }

    /** {@code rabbitmqctl stop_app}: the node stays up, the broker application (and every connection) goes. */
    public void stopApp() throws IOException, InterruptedException {
        run("stop_app");
    }

    /** {@code rabbitmqctl start_app}, then {@code await_startup}: returns once the broker accepts connections. */
    public void startApp() throws IOException, InterruptedException {
        run("start_app");
        run("await_startup", "--timeout", String.valueOf(timeout.toSeconds()));
    }

    /** {@code rabbitmqctl delete_queue <name>}: its consumers are cancelled, the connection stays up. */
    public void deleteQueue(String name) throws IOException, InterruptedException {
        run("delete_queue", name);
    }

    /** {@code rabbitmqctl list_queues -q --no-table-headers <columns>}: one line per queue, tab-separated. */
    public List<String> queues(String... columns) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("list_queues", "-q", "--no-table-headers"));
        args.addAll(List.of(columns));
        return run(args.toArray(String[]::new)).lines().filter(line -> !line.isBlank()).toList();
    }

    private String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("rabbitmqctl");
        command.addAll(List.of(args));
        Path log = Files.createTempFile("rabbitmqctl", ".log");
        try {
            // output to a file, not a pipe: a hanging rabbitmqctl cannot block the read, the timeout applies
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " did not finish within " + timeout);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " failed (" + process.exitValue() + "): " + output);
            }
            return output;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
