package routes.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The machine's own services, stopped and started as an operator would (the suite runs as root, as CI does):
 * RabbitMQ with {@code rabbitmqctl stop_app/start_app}, PostgreSQL with {@code pg_ctlcluster ... restart}.
 */
final class Machine {

    private Machine() {
    }

    static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 180 s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    static void rabbitStop() {
        run("rabbitmqctl", "stop_app");
    }

    static void rabbitStart() {
        run("rabbitmqctl", "start_app");
        run("rabbitmqctl", "await_startup", "--timeout", "120");
    }

    /**
     * Closes every client connection whose client properties do not contain {@code spared} (the broker's view of a
     * network failure); returns how many it closed (one that went away meanwhile is not counted).
     */
    static int rabbitCloseConnectionsExcept(String spared) {
        String listing = run("rabbitmqctl", "list_connections", "-q", "--no-table-headers", "pid", "client_properties");
        List<String> names = new ArrayList<>();
        for (String line : listing.split("\n")) {
            if (!line.isBlank() && !line.contains(spared)) {
                names.add(line.split("\t")[0]);
            }
        }
        int closed = 0;
        // close_connection takes the connection's process id (<rabbit@host.n.n.n>), not its name
        for (String name : names) {
            try {
                run("rabbitmqctl", "close_connection", name, "fault suite: connection closed while messages are in work");
                closed++;
            } catch (IllegalStateException gone) {
                System.out.println("[faults] connection " + name + " not closed: " + gone.getMessage());
            }
        }
        return closed;
    }

    static void postgresRestart() {
        String version = run("ls", "/etc/postgresql").trim().split("\\s+")[0];
        run("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart");
    }
}
