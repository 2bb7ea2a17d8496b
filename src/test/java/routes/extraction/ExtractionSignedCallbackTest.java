package routes.extraction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

import routes.HubApplication;
import routes.shared.InternalSecretGuard;

/**
 * The callback route with {@code INTERNAL_API_AUTH=signature}: a worker proves the secret with an HMAC over the
 * timestamp, the method, the path and the raw body (v2; v1, without method and path, while
 * {@code INTERNAL_SIGNATURE_V1_ACCEPTED} is true); the plain secret, a stale timestamp, a body changed after signing
 * or a signature made for another path or method get a 401.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, properties = "hub.security.internal-auth=signature")
@ActiveProfiles("unit")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@UseAdviceWith
class ExtractionSignedCallbackTest {

    private static final String SECRET = "unit-secret";
    private static final String BODY = "{\"contentId\": \"signed-content-1\"}";
    private static final String PATH = "/extraction/internal/completed";

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate template;

    MockEndpoint broker;

    @BeforeEach
    void adviseAndStart() throws Exception {
        if (!camel.isStarted()) {
            AdviceWith.adviceWith(camel, "extractionCallback", a -> {
                a.replaceFromWith("direct:extraction-callback");
                a.weaveById("extractionCallbackPublish").replace().to("mock:broker");
            });
            camel.start();
            camel.getRouteController().startRoute("extractionCallback");
        }
        broker = camel.getEndpoint("mock:broker", MockEndpoint.class);
        broker.reset();
    }

    @Test
    void aSignedCallbackIsPublishedAndAnsweredWith200() throws Exception {
        broker.expectedMessageCount(1);
        long now = Instant.now().getEpochSecond();
        Exchange answer = callback(InternalSecretGuard.SIGNATURE_HEADER,
                InternalSecretGuard.sign(SECRET, now, BODY.getBytes(StandardCharsets.UTF_8)), BODY);
        assertThat(status(answer)).isEqualTo(200);
        broker.assertIsSatisfied();
        assertThat(broker.getExchanges().get(0).getMessage().getBody(String.class)).contains("signed-content-1");
        assertThat(broker.getExchanges().get(0).getMessage().getHeaders())
                .doesNotContainKeys(InternalSecretGuard.SIGNATURE_HEADER, InternalSecretGuard.HEADER);
    }

    @Test
    void thePlainSecretAStaleSignatureOrAnAlteredBodyGet401AndNothingIsPublished() throws Exception {
        broker.expectedMessageCount(0);
        long now = Instant.now().getEpochSecond();
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        assertThat(status(callback(InternalSecretGuard.HEADER, SECRET, BODY))).isEqualTo(401);
        assertThat(status(callback(InternalSecretGuard.SIGNATURE_HEADER,
                InternalSecretGuard.sign(SECRET, now - 3600, body), BODY))).isEqualTo(401);
        assertThat(status(callback(InternalSecretGuard.SIGNATURE_HEADER,
                InternalSecretGuard.sign(SECRET, now, body), "{\"contentId\": \"another-content\"}"))).isEqualTo(401);
        broker.assertIsSatisfied();
    }

    @Test
    void aV2SignatureForThisMethodAndPathIsPublished() throws Exception {
        broker.expectedMessageCount(1);
        long now = Instant.now().getEpochSecond();
        String v2 = InternalSecretGuard.signV2(SECRET, now, "POST", PATH, BODY.getBytes(StandardCharsets.UTF_8));
        assertThat(status(callback(InternalSecretGuard.SIGNATURE_HEADER, v2, BODY))).isEqualTo(200);
        broker.assertIsSatisfied();
    }

    @Test
    void aV2SignatureForAnotherPathOrMethodGets401WithAJsonBodyAndNothingIsPublished() throws Exception {
        broker.expectedMessageCount(0);
        long now = Instant.now().getEpochSecond();
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        // signed for the dead-letter re-drive (same listener, same secret), replayed to the callback
        String otherPath = InternalSecretGuard.signV2(SECRET, now, "POST", "/internal/dead-letters/extraction/redrive", body);
        Exchange replayed = callback(InternalSecretGuard.SIGNATURE_HEADER, otherPath, BODY);
        assertThat(status(replayed)).isEqualTo(401);
        assertThat(replayed.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(replayed.getMessage().getBody(String.class)).isEqualTo("{\"error\":\"unauthorized\"}");
        String otherMethod = InternalSecretGuard.signV2(SECRET, now, "PUT", PATH, body);
        assertThat(status(callback(InternalSecretGuard.SIGNATURE_HEADER, otherMethod, BODY))).isEqualTo(401);
        broker.assertIsSatisfied();
    }

    /** As netty-http hands a request to the route: method and path (without the query) in the Camel headers. */
    private Exchange callback(String header, String value, String body) {
        return template.send("direct:extraction-callback", e -> {
            e.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
            e.getMessage().setHeader(Exchange.HTTP_URI, PATH);
            e.getMessage().setHeader(header, value);
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            e.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8));
        });
    }

    private static int status(Exchange answer) {
        assertThat(answer.getException()).isNull();
        return answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }
}
