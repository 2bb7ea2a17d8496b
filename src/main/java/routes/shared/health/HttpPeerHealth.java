package routes.shared.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health of one HTTP service the hub calls: a GET on its health URL. Any answer below 500 means the
 * service is there (a 401 or 404 from a peer without a health path still proves it listens).
 */
public final class HttpPeerHealth implements HealthIndicator {

    private final HttpClient client;
    private final URI url;
    private final Duration timeout;

    public HttpPeerHealth(HttpClient client, String url, Duration timeout) {
        this.client = client;
        this.url = URI.create(url);
        this.timeout = timeout;
    }

    @Override
    public Health health() {
        long started = System.nanoTime();
        try {
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(url).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            long millis = (System.nanoTime() - started) / 1_000_000;
            Health.Builder builder = response.statusCode() < 500 ? Health.up() : Health.down();
            return builder.withDetail("url", url.toString()).withDetail("status", response.statusCode())
                    .withDetail("latencyMs", millis).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down().withDetail("url", url.toString()).withDetail("error", "interrupted").build();
        } catch (Exception e) {
            return Health.down().withDetail("url", url.toString()).withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
        }
    }
}
