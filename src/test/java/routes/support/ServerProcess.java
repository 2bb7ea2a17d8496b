package routes.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A server the dev launcher or the tests run as a child process (S3Proxy, Kafka): started, awaited until it
 * listens on 127.0.0.1:{@code port}, and stopped politely, then forcibly after a grace period.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final Duration grace;

    private ServerProcess(Process process, Duration grace) {
        this.process = process;
        this.grace = grace;
    }

    /** Starts {@code builder} and returns once the process listens on {@code port}; {@code name}/{@code logHint} go into errors. */
    static ServerProcess start(ProcessBuilder builder, int port, String name, Duration timeout, Duration grace, String logHint)
            throws IOException {
        ServerProcess server = new ServerProcess(builder.start(), grace);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + server.process.exitValue() + logHint);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return server;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    server.close();
                    throw new IllegalStateException("interrupted while waiting for " + name, e);
                }
            }
        }
        server.close();
        throw new IllegalStateException(name + " did not listen on port " + port + " within " + timeout + logHint);
    }

    /** SIGKILL: no shutdown, as a crashed server. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
