package routes.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Every YAML route file is valid against the Camel YAML DSL schema shipped in camel-yaml-dsl, and Camel
 * loads it. A failure names the file and the line, so a typo in a route fails the build where it is.
 */
class YamlRoutesTest {

    private static final Path ROUTES = Path.of("src/main/resources/camel");

    @Test
    void everyRouteFileMatchesTheCamelYamlDslSchema() throws IOException {
        List<Path> files = routeFiles();
        assertThat(files).as("route files under " + ROUTES).isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            problems.addAll(schemaProblems(file));
        }
        assertThat(problems).as("schema violations (file:line: message)").isEmpty();
    }

    @Test
    void aTypoIsReportedWithItsFileAndLine() throws IOException {
        Path broken = Path.of("src/test/resources/broken-routes/typo.camel.yaml");
        List<String> problems = schemaProblems(broken);
        // line 9 holds `urii:` instead of `uri:` in the fixture
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(broken + ":9: ").contains("urii"));
    }

    static List<String> schemaProblems(Path file) throws IOException {
        JsonSchema schema;
        try (InputStream in = YamlRoutesTest.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            assertThat(in).as("camelYamlDsl.json in camel-yaml-dsl").isNotNull();
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        JsonNode document = new ObjectMapper(new YAMLFactory()).readTree(text);
        List<String> problems = new ArrayList<>();
        for (ValidationMessage error : schema.validate(document)) {
            problems.add(file + ":" + lineOf(text, error.getInstanceLocation().toString()) + ": " + error.getMessage());
        }
        return problems;
    }

    @Test
    void camelLoadsEveryRouteFile() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Path file : routeFiles()) {
            try (DefaultCamelContext context = new DefaultCamelContext()) {
                // beans declared in the YAML are created while loading: give them the flows' settings (defaults)
                context.getPropertiesComponent().setInitialProperties(flowSettings());
                Resource resource = ResourceHelper.resolveMandatoryResource(context, "file:" + file);
                PluginHelper.getRoutesLoader(context).loadRoutes(resource);
            } catch (Exception e) {
                problems.add(file + ": " + rootMessage(e));
            }
        }
        assertThat(problems).as("files Camel could not load").isEmpty();
    }

    /** The first document of every src/main/resources/config/*.yaml, flattened, each {@code ${VAR:default}} as its default. */
    static java.util.Properties flowSettings() throws IOException {
        java.util.Properties settings = new java.util.Properties();
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/config"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    Object first = new Yaml().loadAll(reader).iterator().next();
                    flatten("", first, settings);
                }
            }
        }
        return settings;
    }

    private static void flatten(String prefix, Object value, java.util.Properties into) {
        if (value instanceof java.util.Map<?, ?> map) {
            map.forEach((key, child) -> flatten(prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key, child, into));
        } else if (value != null) {
            into.setProperty(prefix, String.valueOf(value).replaceAll("\\$\\{[A-Z0-9_]+:([^}]*)}", "$1"));
        }
    }

    /**
     * No RabbitMQ consumer of the hub is a request/reply endpoint: each {@code from: spring-rabbitmq:...} says
     * {@code disableReplyTo=true} (in its URI or its parameters), or a message carrying an AMQP {@code reply_to}
     * property would make the hub publish the route's result to whatever queue the publisher named.
     */
    @Test
    void everyRabbitMqConsumerDisablesReplyTo() throws IOException {
        List<String> consumers = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path file : routeFiles()) {
            List<Object> documents;
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                documents = new Yaml(new LoaderOptions()).load(in);
            }
            for (Object element : documents == null ? List.<Object>of() : documents) {
                Map<?, ?> from = fromOf(element);
                if (from == null || !String.valueOf(from.get("uri")).startsWith("spring-rabbitmq:")) {
                    continue;
                }
                String uri = String.valueOf(from.get("uri"));
                String id = file.getFileName() + " " + routeIdOf(element);
                consumers.add(id);
                Object parameter = from.get("parameters") instanceof Map<?, ?> parameters
                        ? parameters.get("disableReplyTo") : null;
                boolean inUri = uri.contains("?") && Arrays.asList(uri.substring(uri.indexOf('?') + 1).split("&"))
                        .contains("disableReplyTo=true");
                if (!inUri && !"true".equals(String.valueOf(parameter))) {
                    problems.add(id + ": " + uri);
                }
            }
        }
        // the transcripts, extraction and the two event-bridge consumers (live events left RabbitMQ for a Redis stream)
        assertThat(consumers).as("spring-rabbitmq consumers found").hasSizeGreaterThanOrEqualTo(4);
        assertThat(problems).as("spring-rabbitmq consumers without disableReplyTo=true").isEmpty();
    }

    private static Map<?, ?> fromOf(Object element) {
        if (!(element instanceof Map<?, ?> map)) {
            return null;
        }
        if (map.get("route") instanceof Map<?, ?> route && route.get("from") instanceof Map<?, ?> from) {
            return from;
        }
        return map.get("from") instanceof Map<?, ?> from ? from : null;
    }

    private static String routeIdOf(Object element) {
        return element instanceof Map<?, ?> map && map.get("route") instanceof Map<?, ?> route
                ? String.valueOf(route.get("id")) : "(from)";
    }

    static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(ROUTES)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
    }

    private static String rootMessage(Throwable e) {
        StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != e; cause = cause.getCause()) {
            message.append(" <- ").append(cause.getMessage());
        }
        return message.toString();
    }

    /** Line (1-based) of the YAML node a JSON path such as {@code $[0].route.from.steps[2]} points to. */
    static int lineOf(String text, String jsonPath) {
        Node node = new Yaml(new LoaderOptions()).compose(new java.io.StringReader(text));
        int line = node == null ? 1 : node.getStartMark().getLine() + 1;
        for (String step : steps(jsonPath)) {
            Node next = null;
            if (node instanceof SequenceNode seq && step.matches("\\d+")) {
                int index = Integer.parseInt(step);
                next = index < seq.getValue().size() ? seq.getValue().get(index) : null;
            } else if (node instanceof MappingNode map) {
                for (NodeTuple tuple : map.getValue()) {
                    if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals(step)) {
                        next = tuple.getValueNode();
                        line = key.getStartMark().getLine() + 1;
                        break;
                    }
                }
            }
            if (next == null) {
                break;
            }
            node = next;
            if (!(node instanceof ScalarNode)) {
                line = Math.max(line, node.getStartMark().getLine() + 1);
            }
        }
        return line;
    }

    private static List<String> steps(String jsonPath) {
        List<String> steps = new ArrayList<>();
        for (String part : jsonPath.replace("$", "").split("\\.|\\[|\\]")) {
            if (!part.isEmpty()) {
                steps.add(part);
            }
        }
        return steps;
    }
}
