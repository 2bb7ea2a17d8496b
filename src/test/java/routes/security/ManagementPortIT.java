package routes.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import routes.support.HubIntegrationTest;

/**
 * The actuator on a port of its own ({@code MANAGEMENT_SERVER_PORT}): served there and no longer on the public port,
 * with the same rules (health and prometheus without login, metrics and camelroutes behind the console login).
 */
@HubIntegrationTest
@TestPropertySource(properties = {"management.server.port=0", "hub.python-bridge.enabled=false"})
// a context of its own, closed after the class (Failsafe's `access` execution, pom.xml)
@DirtiesContext
class ManagementPortIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String LOGIN = "Basic " + Base64.getEncoder().encodeToString("it-admin:it-password".getBytes(StandardCharsets.UTF_8));

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void theActuatorAnswersOnTheManagementPortWithTheSameLoginRules() throws Exception {
        assertThat(managementPort).isNotEqualTo(port);
        for (String open : new String[] {"/actuator/health", "/actuator/health/readiness", "/actuator/prometheus"}) {
            assertThat(get(managementPort, open, null).statusCode()).as(open).isEqualTo(200);
        }
        for (String guarded : new String[] {"/actuator/metrics", "/actuator/camelroutes"}) {
            assertThat(get(managementPort, guarded, null).statusCode()).as(guarded + " without login").isEqualTo(401);
            assertThat(get(managementPort, guarded, LOGIN).statusCode()).as(guarded + " with login").isEqualTo(200);
        }
        assertThat(get(port, "/actuator/health", null).statusCode()).as("health on the public port").isEqualTo(404);
        assertThat(get(port, "/api/openapi.json", null).statusCode()).as("the API stays on the public port").isEqualTo(200);
    }

    private static HttpResponse<String> get(int port, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
