package routes.shared.health;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import routes.shared.HubSettings;

/**
 * {@code httpPeers} health component with one entry per HTTP service: transcript-api, the LLM
 * and the extraction webhook's API. (The Python event API has its own {@code pythonBridge} component,
 * routes.eventbridge.PythonBridgeHealth: the event bridge's periodic check and its circuit breaker.) Not part of the readiness group: the hub
 * keeps taking work while a peer is down (retries, circuit breakers and parking handle it).
 */
@Configuration(proxyBeanMethods = false)
public class HttpPeersHealthConfiguration {

    @Bean
    HealthContributor httpPeers(HubSettings settings, @Value("${hub.health.peer-timeout-ms:2000}") long timeoutMs) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(timeoutMs)).build();
        Duration timeout = Duration.ofMillis(timeoutMs);
        Map<String, HealthContributor> peers = new LinkedHashMap<>();
        peers.put("transcriptApi", new HttpPeerHealth(client, join(settings.peers().transcriptApi(), "health"), timeout));
        peers.put("llm", new HttpPeerHealth(client, join(settings.peers().llm(), "models"), timeout));
        peers.put("api", new HttpPeerHealth(client, join(settings.peers().api(), "health"), timeout));
        return CompositeHealthContributor.fromMap(peers);
    }

    static String join(String base, String path) {
        return base.endsWith("/") ? base + path : base + "/" + path;
    }
}
