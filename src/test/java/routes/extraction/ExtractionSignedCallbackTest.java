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
 * timestamp and the raw body; the plain secret, a stale timestamp or a body changed after signing get a 401.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, properties = "hub.security.internal-auth=signature")
@ActiveProfiles("unit")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@UseAdviceWith
class ExtractionSignedCallbackTest {

    private static final String SECRET = "unit-secret";
    private static final String BODY = "{\"contentId\": \"signed-content-1\"}";

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

    private Exchange callback(String header, String value, String body) {
        return template.send("direct:extraction-callback", e -> {
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
