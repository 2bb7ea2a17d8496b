package routes.extraction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    // the test vector of the Standard Webhooks specification (and of its reference libraries' tests)
    private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long SPEC_TIMESTAMP = 1614265330L;
    private static final byte[] SPEC_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static final String OTHER_SECRET = "whsec_" + Base64.getEncoder()
            .encodeToString("another-key-of-24-bytes!".getBytes(StandardCharsets.US_ASCII));
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void theStandardWebhooksTestVectorSignsAsTheSpecificationSays() {
        WebhookSignature signature = new WebhookSignature(SPEC_SECRET, "", CLOCK);
        assertThat(signature.signs()).isTrue();
        assertThat(signature.signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void duringARotationBothSignaturesAreSentSpaceSeparatedTheCurrentFirst() {
        WebhookSignature rotating = new WebhookSignature(OTHER_SECRET, SPEC_SECRET, CLOCK);
        String header = rotating.signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
        String[] parts = header.split(" ");
        assertThat(parts).hasSize(2);
        assertThat(parts[0]).isEqualTo(independentSignature(OTHER_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY));
        assertThat(parts[1]).isEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void theIdTheTimestampAndTheBodyAreAllCovered() {
        WebhookSignature signature = new WebhookSignature(SPEC_SECRET, null, CLOCK);
        assertThat(signature.signature("msg_other", SPEC_TIMESTAMP, SPEC_BODY)).isNotEqualTo(SPEC_SIGNATURE);
        assertThat(signature.signature(SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_BODY)).isNotEqualTo(SPEC_SIGNATURE);
        assertThat(signature.signature(SPEC_ID, SPEC_TIMESTAMP, "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(SPEC_SIGNATURE);
    }

    @Test
    void asACamelStepItSetsTheThreeHeadersOverTheBytesSent() throws Exception {
        WebhookSignature signature = new WebhookSignature(SPEC_SECRET, "", CLOCK);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(context);
            exchange.setProperty("extractionEventId", SPEC_ID);
            exchange.getMessage().setBody(new String(SPEC_BODY, StandardCharsets.UTF_8));
            signature.sign(exchange);
            assertThat(exchange.getMessage().getHeader(WebhookSignature.ID_HEADER)).isEqualTo(SPEC_ID);
            assertThat(exchange.getMessage().getHeader(WebhookSignature.TIMESTAMP_HEADER))
                    .isEqualTo(Long.toString(NOW.getEpochSecond()));
            assertThat(exchange.getMessage().getHeader(WebhookSignature.SIGNATURE_HEADER))
                    .isEqualTo(independentSignature(SPEC_SECRET, SPEC_ID, NOW.getEpochSecond(), SPEC_BODY));
            assertThat(exchange.getMessage().getBody()).isEqualTo(SPEC_BODY);
        }
    }

    @Test
    void withoutASecretDeliveriesCarryIdAndTimestampButNoSignature() throws Exception {
        WebhookSignature unsigned = new WebhookSignature("", "", CLOCK);
        assertThat(unsigned.signs()).isFalse();
        assertThat(unsigned.signature(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY)).isEmpty();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(context);
            exchange.setProperty("extractionEventId", SPEC_ID);
            exchange.getMessage().setBody(SPEC_BODY);
            unsigned.sign(exchange);
            assertThat(exchange.getMessage().getHeader(WebhookSignature.ID_HEADER)).isEqualTo(SPEC_ID);
            assertThat(exchange.getMessage().getHeaders()).doesNotContainKey(WebhookSignature.SIGNATURE_HEADER);

            Exchange noId = new DefaultExchange(context);
            noId.getMessage().setBody(SPEC_BODY);
            assertThatThrownBy(() -> unsigned.sign(noId)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aSecretNotInTheWhsecFormOrAPreviousWithoutACurrentStopsStartUpNamingTheVariable() {
        assertThatThrownBy(() -> new WebhookSignature("dev-internal-secret", "", CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EXTRACTION_WEBHOOK_SECRET ");
        assertThatThrownBy(() -> new WebhookSignature("whsec_not base64!", "", CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EXTRACTION_WEBHOOK_SECRET");
        assertThatThrownBy(() -> new WebhookSignature("whsec_c2hvcnQ=", "", CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too short");
        assertThatThrownBy(() -> new WebhookSignature(SPEC_SECRET, "whsec_%%%", CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EXTRACTION_WEBHOOK_SECRET_PREVIOUS");
        assertThatThrownBy(() -> new WebhookSignature("", SPEC_SECRET, CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EXTRACTION_WEBHOOK_SECRET_PREVIOUS");
    }

    /** What a receiver computes, written out from the specification rather than with the class under test. */
    static String independentSignature(String secret, String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
