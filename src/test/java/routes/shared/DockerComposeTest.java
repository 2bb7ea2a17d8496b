package routes.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot run on the build machines (no Docker engine), so this keeps it honest: every
 * variable whose default only works on a developer's localhost is set for the hub service, every host the hub
 * is pointed at is a service of the file, every dependency names a service, every mounted folder exists.
 */
class DockerComposeTest {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]+)(?::([^}]*))?}");
    private static final Pattern URL_HOST = Pattern.compile("^[a-z][a-z0-9+.-]*://(?:[^@/]*@)?([A-Za-z0-9.-]+)");
    /** Values read by the browser or by people, not by the hub inside its container. */
    private static final Set<String> BROWSER_SIDE = Set.of("FRONTEND_URL");

    private final Map<String, Object> compose = load();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load() {
        try (Reader reader = Files.newBufferedReader(Path.of("docker-compose.yml"))) {
            return new Yaml().load(reader);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    private Map<String, String> hubEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        Object raw = services().get("hub").get("environment");
        assertThat(raw).as("hub.environment is a map").isInstanceOf(Map.class);
        ((Map<?, ?>) raw).forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        return env;
    }

    @Test
    void everyVariableThatDefaultsToLocalhostOrHasNoDefaultIsSetForTheHub() throws IOException {
        Map<String, String> defaults = hubVariables();
        assertThat(defaults).as("variables read by application.yaml").containsKeys("RABBITMQ_URL", "KAFKA_BROKERS");
        Set<String> needed = new TreeSet<>();
        defaults.forEach((name, fallback) -> {
            if (fallback == null || fallback.contains("127.0.0.1") || fallback.contains("localhost")) {
                needed.add(name);
            }
        });
        needed.add("INTERNAL_API_SECRET");
        assertThat(hubEnvironment().keySet()).as("hub service environment").containsAll(needed);
    }

    @Test
    void everyHostTheHubIsPointedAtIsAServiceOfTheFile() {
        Set<String> services = services().keySet();
        List<String> wrong = new ArrayList<>();
        hubEnvironment().forEach((name, value) -> {
            if (BROWSER_SIDE.contains(name)) {
                return;
            }
            for (String host : hosts(name, value)) {
                if (!services.contains(host)) {
                    wrong.add(name + " -> " + host);
                }
            }
        });
        assertThat(wrong).as("hosts that are not services of docker-compose.yml").isEmpty();
    }

    @Test
    void dependenciesNameServicesAndMountedFoldersExist() {
        Set<String> services = services().keySet();
        services().forEach((name, service) -> {
            Object dependsOn = service.get("depends_on");
            if (dependsOn instanceof Map<?, ?> map) {
                assertThat(services).as(name + " depends_on").containsAll(map.keySet().stream().map(String::valueOf).toList());
            }
            Object volumes = service.get("volumes");
            if (volumes instanceof List<?> list) {
                for (Object volume : list) {
                    String source = String.valueOf(volume).split(":")[0];
                    if (source.startsWith("./")) {
                        assertThat(Path.of(source)).as(name + " volume").exists();
                    }
                }
            }
        });
        assertThat(Path.of("Dockerfile")).as("the hub service builds from the Dockerfile").exists();
    }

    @Test
    void everyImageIsPinnedToAVersionAndEveryServiceHasAHealthcheck() {
        List<String> unpinned = new ArrayList<>();
        List<String> unchecked = new ArrayList<>();
        services().forEach((name, service) -> {
            Object image = service.get("image");
            if (image != null) {
                String reference = String.valueOf(image);
                String tag = reference.contains(":") ? reference.substring(reference.lastIndexOf(':') + 1) : "";
                if (tag.isEmpty() || tag.equals("latest") || !tag.matches(".*\\d.*")) {
                    unpinned.add(name + " -> " + reference);
                }
                if (reference.startsWith("minio/")) {
                    unpinned.add(name + " -> " + reference + " (MinIO community images are withdrawn: use S3Proxy)");
                }
            }
            if (!(service.get("healthcheck") instanceof Map<?, ?> check) || check.get("test") == null) {
                unchecked.add(name);
            }
        });
        assertThat(unpinned).as("images without a version tag").isEmpty();
        assertThat(unchecked).as("services without a healthcheck").isEmpty();
    }

    @Test
    void tracingIsOnInComposeAndPrometheusScrapesTheHub() throws IOException {
        Map<String, String> env = hubEnvironment();
        assertThat(env).containsEntry("TRACING_ENABLED", "true");
        assertThat(hosts("OTEL_EXPORTER_OTLP_ENDPOINT", env.get("OTEL_EXPORTER_OTLP_ENDPOINT"))).containsExactly("jaeger");
        assertThat(hubVariables()).as("application.yaml reads the tracing switch").containsKeys("TRACING_ENABLED",
                "OTEL_EXPORTER_OTLP_ENDPOINT").containsEntry("TRACING_ENABLED", "false");
        String scrape = Files.readString(Path.of("observability/prometheus.yml"));
        assertThat(scrape).contains("metrics_path: /actuator/prometheus").contains("hub:8080");
        assertThat(services()).containsKeys("jaeger", "prometheus", "grafana", "s3");
    }

    private static List<String> hosts(String name, String value) {
        Matcher url = URL_HOST.matcher(value);
        if (url.find()) {
            return List.of(url.group(1));
        }
        if (name.endsWith("_HOST")) {
            return List.of(value);
        }
        if (name.endsWith("_BROKERS")) {
            return Stream.of(value.split(",")).map(b -> b.trim().split(":")[0]).toList();
        }
        return List.of();
    }

    /** Every ${VARIABLE:default} in application.yaml and the flows' config files, with its default (null if none). */
    static Map<String, String> hubVariables() throws IOException {
        List<Path> files = new ArrayList<>(List.of(Path.of("src/main/resources/application.yaml")));
        Path flows = Path.of("src/main/resources/config");
        if (Files.isDirectory(flows)) {
            try (Stream<Path> list = Files.list(flows)) {
                list.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
            }
        }
        Map<String, String> variables = new LinkedHashMap<>();
        for (Path file : files) {
            Matcher m = VARIABLE.matcher(Files.readString(file));
            while (m.find()) {
                variables.putIfAbsent(m.group(1), m.group(2));
            }
        }
        return variables;
    }
}
