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
 * The callback route once {@code INTERNAL_SIGNATURE_V1_ACCEPTED=false}: a v1 signature (body only) gets the JSON 401,
 * a v2 signature for the callback's method and path is still published.
 */
@CamelSpringBootTest
@SpringBootTest(classes = HubApplication.class, properties = {"hub.security.internal-auth=signature",
        "hub.security.internal-signature-v1-accepted=false"})
@ActiveProfiles("unit")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@UseAdviceWith
class ExtractionSignatureV1RefusedTest {

    private static final String SECRET = "unit-secret";
    private static final String BODY = "{\"contentId\": \"v1-refused-1\"}";
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
    void aV1SignatureIsRefusedWithTheJson401AndNothingIsPublished() throws Exception {
        broker.expectedMessageCount(0);
        long now = Instant.now().getEpochSecond();
        Exchange answer = callback(InternalSecretGuard.sign(SECRET, now, BODY.getBytes(StandardCharsets.UTF_8)));
        assertThat(answer.getException()).isNull();
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(401);
        assertThat(answer.getMessage().getBody(String.class)).isEqualTo("{\"error\":\"unauthorized\"}");
        broker.assertIsSatisfied();
    }

    @Test
    void aV2SignatureStillPasses() throws Exception {
        broker.expectedMessageCount(1);
        long now = Instant.now().getEpochSecond();
        Exchange answer = callback(InternalSecretGuard.signV2(SECRET, now, "POST", PATH, BODY.getBytes(StandardCharsets.UTF_8)));
        assertThat(answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(200);
        broker.assertIsSatisfied();
    }

    private Exchange callback(String signature) {
        return template.send("direct:extraction-callback", e -> {
            e.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
            e.getMessage().setHeader(Exchange.HTTP_URI, PATH);
            e.getMessage().setHeader(InternalSecretGuard.SIGNATURE_HEADER, signature);
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            e.getMessage().setBody(BODY.getBytes(StandardCharsets.UTF_8));
        });
    }
}
