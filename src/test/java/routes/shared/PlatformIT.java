package routes.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import routes.support.HubIntegrationTest;

/** The platform as a user meets it: health of every dependency, metrics, the console behind its login. */
@HubIntegrationTest
class PlatformIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Test
    void everyDependencyReportsUp() throws Exception {
        HttpResponse<String> response = get("/actuator/health", null);
        JsonNode health = json.readTree(response.body());
        for (String component : new String[] {"db", "rabbit", "redis", "kafka", "s3", "camelHealth", "httpPeers"}) {
            assertThat(health.path("components").path(component).path("status").asText())
                    .as(component + " in " + response.body()).isEqualTo("UP");
        }
        assertThat(get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
    }

    @Test
    void prometheusShowsCamelMetrics() throws Exception {
        HttpResponse<String> response = get("/actuator/prometheus", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("camel_");
        // the gauges the dev stack's dashboards read: outbox backlog and SSE clients
        assertThat(response.body()).contains("hub_summaries_outbox_pending{", "hub_summaries_outbox_lag_seconds{",
                "hub_live_events_clients");
    }

    /** Every metric a provisioned Grafana dashboard (observability/grafana/provisioning/dashboards) queries is scraped. */
    @Test
    void everyMetricTheDashboardsQueryIsOnActuatorPrometheus() throws Exception {
        String scraped = "\n" + get("/actuator/prometheus", null).body();
        java.util.Set<String> queried = new java.util.TreeSet<>();
        java.util.regex.Pattern metric = java.util.regex.Pattern.compile("\\b((?:camel|hub)_[a-z0-9_]+)\\b");
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(
                java.nio.file.Path.of("observability/grafana/provisioning/dashboards"))) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode dashboard = json.readTree(file.toFile());
                assertThat(dashboard.path("panels").size()).as(file + " panels").isPositive();
                for (JsonNode panel : dashboard.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        java.util.regex.Matcher m = metric.matcher(target.path("expr").asText());
                        while (m.find()) {
                            queried.add(m.group(1));
                        }
                    }
                }
            }
        }
        assertThat(queried).as("metrics the dashboards query").isNotEmpty();
        assertThat(queried).as("queried metrics missing from /actuator/prometheus")
                .allSatisfy(name -> assertThat(scraped).as(name).containsAnyOf("\n" + name + "{", "\n" + name + " "));
    }

    @Test
    void jolokiaAndHawtioNeedTheConsoleLogin() throws Exception {
        assertThat(get("/actuator/jolokia/version", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/jolokia/version", "it-admin:wrong").statusCode()).isEqualTo(401);

        HttpResponse<String> routes = get("/actuator/jolokia/search/org.apache.camel:type=routes,*", "it-admin:it-password");
        assertThat(routes.statusCode()).isEqualTo(200);
        assertThat(json.readTree(routes.body()).path("status").asInt()).isEqualTo(200);

        assertThat(get("/actuator/hawtio/", "it-admin:it-password").statusCode()).isEqualTo(200);
        // the login covers the console only: probes and the flows' endpoints need none
        assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path, String basicAuth) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (basicAuth != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
