package routes.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.component.jackson.JacksonDataFormat;
import org.apache.camel.component.jsonvalidator.JsonValidatorEndpoint;
import org.apache.camel.spi.DataFormat;
import org.apache.camel.support.processor.UnmarshalProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import routes.support.HubIntegrationTest;
import routes.support.HubResources;

/**
 * The listeners' limits answered clearly, over raw sockets so an empty reply or a reset shows as such: bodies over
 * the public listener's limit (declared or chunked) get 413 with the JSON problem body and {@code Connection: close},
 * a form-urlencoded worker callback on the internal listener gets 415 naming application/json, and a valid call
 * is still answered afterwards. JSON nested past {@code HUB_JSON_MAX_DEPTH} is a 400 naming the limit, and Spring
 * MVC's own 405, 415 and 406 come in the same JSON problem format.
 */
@HubIntegrationTest
class HttpLimitsIT {

    private static final String SECRET = "it-secret";

    @LocalServerPort
    int port;

    @Value("${hub.internal-listener.port}")
    int internalPort;

    @Value("${hub.http.max-body-bytes}")
    long maxBodyBytes;

    @Value("${hub.json.max-depth}")
    int maxDepth;

    @Autowired
    HubResources resources;

    @Autowired
    ObjectMapper springMapper;

    @Autowired
    CamelContext camel;

    private final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void cleanUp() {
        resources.deleteKeys("events:limits-it-user*", "features:limits-it-user*", "ml:serving:features:limits-it-user*");
    }

    @Test
    void formUrlencodedCallbackIsAnswered415() throws IOException {
        for (String body : new String[] {"{\"contentId\":\"abc\"}", "contentId=abc", "%zz&&=", ""}) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String answer = exchange(internalPort, "POST /extraction/internal/completed HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nX-Internal-Secret: " + SECRET + "\r\n"
                    + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n", bytes, -1);
            assertThat(answer).as("body %s", body).startsWith("HTTP/1.1 415");
            assertThat(answer).contains("application/json").contains("unsupported_media_type");
        }
    }

    @Test
    void declaredOversizedIngestIsAnswered413BeforeTheBody() throws IOException {
        // 2 GiB declared: more than twice the test JVM's heap (-Xmx768m, failsafe argLine)
        long length = Math.max(maxBodyBytes * 2, 2L << 30);
        // only the headers are sent: the answer must come without the body being read
        String answer = exchange(port, "POST /api/ml/events/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n", new byte[0], -1);
        assertTooLarge(answer);
        assertValidIngest();
    }

    @Test
    void chunkedOversizedIngestIsAnswered413() throws IOException {
        // up to 2 GiB streamed (more than twice the test JVM's heap); the sending stops once the hub has answered
        long total = 2L << 30;
        long started = System.nanoTime();
        String answer = exchange(port, "POST /api/ml/events/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", null, total);
        assertTooLarge(answer);
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms to the 413").isLessThan(10_000);
        assertValidIngest();
    }

    @Test
    void chunkedBodyUnderTheLimitStillReachesTheRoute() throws IOException {
        byte[] body = validIngest();
        StringBuilder chunked = new StringBuilder();
        String text = new String(body, StandardCharsets.UTF_8);
        for (int i = 0; i < text.length(); i += 10) {
            String part = text.substring(i, Math.min(text.length(), i + 10));
            chunked.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        String answer = exchange(port, "POST /api/ml/events/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                chunked.toString().getBytes(StandardCharsets.US_ASCII), -1);
        assertThat(answer).startsWith("HTTP/1.1 202");
    }

    @Test
    void ingestNestedDeeperThanTheLimitIsAnswered400NamingIt() throws IOException {
        String deep = "{\"source\":\"driver_app\",\"events\":" + nested(maxDepth) + "}";
        JsonNode problem = problem(post(port, "/api/ml/events/ingest", deep), 400);
        assertThat(problem.path("error").asText()).isEqualTo("invalid_request");
        assertThat(problem.path("field").asText()).isEqualTo("body");
        assertThat(problem.path("message").asText()).contains("HUB_JSON_MAX_DEPTH").contains(String.valueOf(maxDepth));
        // within the limit, the same shape is judged on its content, not refused for its depth
        String shallow = "{\"source\":\"driver_app\",\"events\":" + nested(maxDepth - 2) + "}";
        assertThat(post(port, "/api/ml/events/ingest", shallow)).doesNotStartWith("HTTP/1.1 5").doesNotContain("HUB_JSON_MAX_DEPTH");
        assertValidIngest();
    }

    @Test
    void extractionCallbackNestedDeeperThanTheLimitIsAnswered400NamingIt() throws IOException {
        String deep = "{\"contentId\":" + nested(maxDepth) + "}";
        JsonNode problem = problem(post(internalPort, "/extraction/internal/completed", deep), 400);
        assertThat(problem.path("error").asText()).isEqualTo("invalid_request");
        assertThat(problem.path("field").asText()).isEqualTo("body");
        assertThat(problem.path("message").asText()).contains("HUB_JSON_MAX_DEPTH").contains(String.valueOf(maxDepth));
        String shallow = "{\"contentId\":" + nested(3) + "}";
        assertThat(post(internalPort, "/extraction/internal/completed", shallow)).startsWith("HTTP/1.1 400")
                .doesNotContain("HUB_JSON_MAX_DEPTH");
    }

    @Test
    void springsObjectMapperIsTheOneCamelsJsonDataFormatsAndValidatorsUseAndItHasTheLimits() throws Exception {
        assertThat(springMapper.getFactory().streamReadConstraints().getMaxNestingDepth()).isEqualTo(maxDepth);
        // the data formats and json-validator take the registry's ObjectMapper only while it is the single one
        assertThat(camel.getRegistry().findByType(ObjectMapper.class)).containsExactly(springMapper);
        // the routes' one parsing Jackson data format (the others only marshal) asks for it (autoDiscoverObjectMapper)
        Processor parse = camel.getProcessor("summariesParse");
        assertThat(parse).isInstanceOf(UnmarshalProcessor.class);
        // UnmarshalProcessor has no getter for its data format
        java.lang.reflect.Field field = UnmarshalProcessor.class.getDeclaredField("dataFormat");
        field.setAccessible(true);
        DataFormat format = (DataFormat) field.get(parse);
        assertThat(format).isInstanceOf(JacksonDataFormat.class);
        assertThat(((JacksonDataFormat) format).getObjectMapper()).isSameAs(springMapper);
        // every json-validator endpoint of the routes (the broadcast, the transcript callbacks, the consumers)
        List<JsonValidatorEndpoint> validators = camel.getEndpoints().stream()
                .filter(JsonValidatorEndpoint.class::isInstance).map(JsonValidatorEndpoint.class::cast).toList();
        assertThat(validators).hasSizeGreaterThanOrEqualTo(4)
                .allSatisfy(validator -> assertThat(validator.getObjectMapper()).as(validator.getEndpointUri()).isSameAs(springMapper));
    }

    @Test
    void springMvcsOwnRefusalsAreJsonProblems() throws IOException {
        // 405: a method the SSE controller does not map, and one the ingest's REST mapping does not
        String put = exchange(port, "PUT /api/v2/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n", new byte[0], -1);
        assertThat(problem(put, 405).path("error").asText()).isEqualTo("method_not_allowed");
        assertThat(header(put, "Allow")).contains("GET").doesNotContain("PUT");
        String get = exchange(port, "GET /api/ml/events/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                new byte[0], -1);
        assertThat(problem(get, 405).path("message").asText()).contains("GET").contains("POST");
        assertThat(header(get, "Allow")).contains("POST").doesNotContain("GET");
        // 415: the ingest consumes application/json only
        byte[] body = validIngest();
        String text = exchange(port, "POST /api/ml/events/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n", body, -1);
        JsonNode unsupported = problem(text, 415);
        assertThat(unsupported.path("error").asText()).isEqualTo("unsupported_media_type");
        assertThat(unsupported.path("field").asText()).isEqualTo("Content-Type");
        assertThat(unsupported.path("message").asText()).contains("application/json").contains("text/plain");
        // 406: it answers application/json only, here to a client that takes HTML only
        String html = exchange(port, "POST /api/ml/events/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Accept: text/html\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n", body, -1);
        JsonNode notAcceptable = problem(html, 406);
        assertThat(notAcceptable.path("error").asText()).isEqualTo("not_acceptable");
        assertThat(notAcceptable.path("message").asText()).contains("application/json");
        assertValidIngest();
    }

    /** The answer's status, JSON content type and problem body. */
    private JsonNode problem(String answer, int status) throws IOException {
        assertThat(answer).as(answer).startsWith("HTTP/1.1 " + status + " ");
        int headEnd = answer.indexOf("\r\n\r\n");
        assertThat(answer.substring(0, headEnd).toLowerCase()).as(answer).contains("content-type: application/json");
        String content = answer.substring(headEnd + 4);
        if (answer.substring(0, headEnd).toLowerCase().contains("transfer-encoding: chunked")) {
            content = dechunked(content);
        }
        JsonNode body = json.readTree(content);
        assertThat(body.has("error")).as(answer).isTrue();
        assertThat(body.has("timestamp")).as("not Spring Boot's error page: " + answer).isFalse();
        return body;
    }

    private static String dechunked(String chunked) {
        StringBuilder content = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return content.toString();
            }
            content.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static String header(String answer, String name) {
        for (String line : answer.substring(0, answer.indexOf("\r\n\r\n")).split("\r\n")) {
            if (line.toLowerCase().startsWith(name.toLowerCase() + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new AssertionError("no " + name + " header in " + answer);
    }

    private static String post(int port, String path, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return exchange(port, "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Internal-Secret: " + SECRET + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n",
                bytes, -1);
    }

    /** {@code depth} arrays, one inside the other: with the object around them, one level more. */
    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private void assertTooLarge(String answer) {
        assertThat(answer).startsWith("HTTP/1.1 413");
        assertThat(answer.toLowerCase()).contains("connection: close").contains("content-type: application/json");
        assertThat(answer).contains("\"error\":\"payload_too_large\"").contains(String.valueOf(maxBodyBytes));
    }

    private void assertValidIngest() throws IOException {
        byte[] body = validIngest();
        String answer = exchange(port, "POST /api/ml/events/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n", body, -1);
        assertThat(answer).startsWith("HTTP/1.1 202");
    }

    private static byte[] validIngest() {
        return "{\"source\":\"driver_app\",\"events\":[{\"event_type\":\"page_view\",\"user_id\":\"limits-it-user\"}]}"
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sends the head and then either {@code body} or, with {@code chunkedBytes >= 0}, that many bytes of chunked
     * filler (stopping when the server answers or closes), and returns everything the server answered.
     */
    static String exchange(int port, String head, byte[] body, long chunkedBytes) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            if (chunkedBytes >= 0) {
                byte[] chunk = new byte[16 * 1024];
                Arrays.fill(chunk, (byte) ' ');
                byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    for (long sent = 0; sent < chunkedBytes && in.available() == 0; sent += chunk.length) {
                        out.write(size);
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (IOException closedByServer) {
                    // the server answered and closed while we were still sending: read its answer
                }
            }
            return readAnswer(in);
        }
    }

    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder answer = new StringBuilder();
        byte[] buffer = new byte[8192];
        try {
            int read;
            while ((read = in.read(buffer)) != -1) {
                answer.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
                int headEnd = answer.indexOf("\r\n\r\n");
                if (headEnd >= 0 && complete(answer, headEnd)) {
                    break;
                }
            }
        } catch (java.net.SocketException reset) {
            if (answer.isEmpty()) {
                throw reset;
            }
        }
        return answer.toString();
    }

    private static boolean complete(StringBuilder answer, int headEnd) {
        String head = answer.substring(0, headEnd).toLowerCase();
        int at = head.indexOf("content-length:");
        if (at < 0) {
            return false;
        }
        int end = head.indexOf("\r\n", at);
        int length = Integer.parseInt(head.substring(at + 15, end < 0 ? head.length() : end).trim());
        return answer.length() - headEnd - 4 >= length;
    }
}
