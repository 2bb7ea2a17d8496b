package routes.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

/**
 * The real peers an integration test context talks to, started once per test JVM and shared by every
 * {@link HubIntegrationTest} class: an S3 server process and one WireMock server standing in for every
 * HTTP service (each under its own path prefix, as in docker-compose's stub container). RabbitMQ,
 * PostgreSQL and Redis are the machine's; Kafka is the in-JVM KRaft broker of {@code @EmbeddedKafka}.
 */
public final class TestInfrastructure implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static S3Server s3;
    private static WireMockServer wireMock;

    /** The shared WireMock server; tests reset it in {@code @BeforeEach} and stub what they need. */
    public static synchronized WireMockServer wireMock() {
        if (wireMock == null) {
            wireMock = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                    .containerThreads(40).jettyAcceptors(2).globalTemplating(true));
            wireMock.start();
            Runtime.getRuntime().addShutdownHook(new Thread(wireMock::stop, "wiremock-stop"));
        }
        return wireMock;
    }

    public static synchronized S3Server s3() {
        if (s3 == null) {
            try {
                s3 = S3Server.start(0, null, null);
                Runtime.getRuntime().addShutdownHook(new Thread(s3::close, "s3-server-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return s3;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Base URL of the stub standing in for one peer, e.g. {@code peerUrl("transcript-api")}. */
    public static String peerUrl(String prefix) {
        return wireMock().baseUrl() + "/" + prefix;
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("hub.s3.endpoint", s3().endpoint());
        props.put("hub.s3.access-key", S3Server.ACCESS_KEY);
        props.put("hub.s3.secret-key", S3Server.SECRET_KEY);
        props.put("hub.peers.transcript-api", peerUrl("transcript-api"));
        props.put("hub.peers.llm", peerUrl("llm/v1"));
        props.put("hub.peers.python-event-api", peerUrl("python"));
        props.put("hub.peers.api", peerUrl("api"));
        props.put("hub.peers.extraction-webhook", peerUrl("api/extraction/internal/baseline"));
        // the internal listener binds a fixed port (netty-http): a free one per test context
        props.put("hub.internal-listener.host", "127.0.0.1");
        props.put("hub.internal-listener.port", freePort());
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("testInfrastructure", props));
    }
}
