package routes.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class InternalSecretGuardTest {

    private final InternalSecretGuard guard = new InternalSecretGuard("current-secret", "previous-secret");

    @Test
    void acceptsTheCurrentAndThePreviousSecret() {
        assertThat(guard.accepts("current-secret")).isTrue();
        assertThat(guard.accepts("previous-secret")).isTrue();
    }

    @Test
    void refusesWrongMissingAndDifferentLengthSecrets() {
        assertThat(guard.accepts("current-secreT")).isFalse();
        assertThat(guard.accepts(null)).isFalse();
        assertThat(guard.accepts("")).isFalse();
        assertThat(guard.accepts("current-secret-and-more")).isFalse();
        assertThat(guard.accepts("c")).isFalse();
    }

    @Test
    void withNothingConfiguredEverythingIsRefused() {
        InternalSecretGuard unconfigured = new InternalSecretGuard("", null);
        assertThat(unconfigured.configured()).isFalse();
        assertThat(unconfigured.accepts("")).isFalse();
        assertThat(unconfigured.accepts("anything")).isFalse();
    }

    @Test
    void asAProcessorItRejectsWithUnauthorizedCallerAndDropsTheHeaderWhenAccepted() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Exchange wrong = new DefaultExchange(context);
            wrong.getMessage().setHeader(InternalSecretGuard.HEADER, "nope");
            assertThatThrownBy(() -> guard.process(wrong)).isInstanceOf(InternalSecretGuard.UnauthorizedCaller.class)
                    .hasMessage("unauthorized");

            Exchange right = new DefaultExchange(context);
            right.getMessage().setHeader(InternalSecretGuard.HEADER, "previous-secret");
            guard.process(right);
            assertThat(right.getMessage().getHeaders()).doesNotContainKey(InternalSecretGuard.HEADER);
        }
    }

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final byte[] BODY = "{\"contentId\": \"c-1\"}".getBytes(StandardCharsets.UTF_8);

    private static InternalSecretGuard signed(InternalSecretGuard.Mode mode) {
        return new InternalSecretGuard("current-secret", "previous-secret", mode, Duration.ofMinutes(5),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aSignatureByTheCurrentOrPreviousSecretOverTheRawBodyIsAccepted() {
        InternalSecretGuard guard = signed(InternalSecretGuard.Mode.SIGNATURE);
        long t = NOW.getEpochSecond();
        assertThat(guard.acceptsSignature(InternalSecretGuard.sign("current-secret", t, BODY), BODY)).isTrue();
        assertThat(guard.acceptsSignature(InternalSecretGuard.sign("previous-secret", t, BODY), BODY)).isTrue();
        // several v1 entries (the sender signs with both secrets during its own rotation): one match is enough
        String both = InternalSecretGuard.sign("old-secret", t, BODY) + ",v1="
                + InternalSecretGuard.sign("current-secret", t, BODY).split("v1=")[1];
        assertThat(guard.acceptsSignature(both, BODY)).isTrue();
    }

    @Test
    void aWrongKeyATamperedBodyOrAMalformedHeaderIsRefused() {
        InternalSecretGuard guard = signed(InternalSecretGuard.Mode.SIGNATURE);
        long t = NOW.getEpochSecond();
        assertThat(guard.acceptsSignature(InternalSecretGuard.sign("other-secret", t, BODY), BODY)).isFalse();
        byte[] tampered = "{\"contentId\": \"c-2\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(guard.acceptsSignature(InternalSecretGuard.sign("current-secret", t, BODY), tampered)).isFalse();
        assertThat(guard.acceptsSignature(null, BODY)).isFalse();
        assertThat(guard.acceptsSignature("", BODY)).isFalse();
        assertThat(guard.acceptsSignature("v1=abcd", BODY)).isFalse();
        assertThat(guard.acceptsSignature("t=" + t, BODY)).isFalse();
        assertThat(guard.acceptsSignature("t=" + t + ",v1=not-hex", BODY)).isFalse();
        assertThat(guard.acceptsSignature("t=yesterday,v1=abcd", BODY)).isFalse();
        assertThat(guard.acceptsSignature("garbage", BODY)).isFalse();
    }

    @Test
    void aSignatureOlderOrNewerThanTheToleranceIsRefused() {
        InternalSecretGuard guard = signed(InternalSecretGuard.Mode.SIGNATURE);
        long now = NOW.getEpochSecond();
        assertThat(guard.acceptsSignature(InternalSecretGuard.sign("current-secret", now - 300, BODY), BODY)).isTrue();
        assertThat(guard.acceptsSignature(InternalSecretGuard.sign("current-secret", now - 301, BODY), BODY)).isFalse();
        assertThat(guard.acceptsSignature(InternalSecretGuard.sign("current-secret", now + 301, BODY), BODY)).isFalse();
    }

    @Test
    void eachModeAsksForItsOwnProof() throws Exception {
        String signature = InternalSecretGuard.sign("current-secret", NOW.getEpochSecond(), BODY);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            // signature mode: the plain secret is not enough; a good signature passes, keeps the body, drops the header
            InternalSecretGuard signatureOnly = signed(InternalSecretGuard.Mode.SIGNATURE);
            Exchange plain = exchange(context, InternalSecretGuard.HEADER, "current-secret");
            assertThatThrownBy(() -> signatureOnly.process(plain)).isInstanceOf(InternalSecretGuard.UnauthorizedCaller.class);
            Exchange good = exchange(context, InternalSecretGuard.SIGNATURE_HEADER, signature);
            signatureOnly.process(good);
            assertThat(good.getMessage().getBody(String.class)).isEqualTo(new String(BODY, StandardCharsets.UTF_8));
            assertThat(good.getMessage().getHeaders()).doesNotContainKey(InternalSecretGuard.SIGNATURE_HEADER);

            // secret mode (the default) ignores signatures
            InternalSecretGuard secretOnly = signed(InternalSecretGuard.Mode.SECRET);
            assertThatThrownBy(() -> secretOnly.process(exchange(context, InternalSecretGuard.SIGNATURE_HEADER, signature)))
                    .isInstanceOf(InternalSecretGuard.UnauthorizedCaller.class);

            // either: both proofs work, a bad signature is not rescued by a good secret
            InternalSecretGuard either = signed(InternalSecretGuard.Mode.EITHER);
            either.process(exchange(context, InternalSecretGuard.HEADER, "previous-secret"));
            either.process(exchange(context, InternalSecretGuard.SIGNATURE_HEADER, signature));
            Exchange mixed = exchange(context, InternalSecretGuard.SIGNATURE_HEADER, "t=1,v1=00");
            mixed.getMessage().setHeader(InternalSecretGuard.HEADER, "current-secret");
            assertThatThrownBy(() -> either.process(mixed)).isInstanceOf(InternalSecretGuard.UnauthorizedCaller.class);
        }
    }

    @Test
    void theModeIsReadFromConfiguration() {
        assertThat(InternalSecretGuard.Mode.parse(null)).isEqualTo(InternalSecretGuard.Mode.SECRET);
        assertThat(InternalSecretGuard.Mode.parse(" Signature ")).isEqualTo(InternalSecretGuard.Mode.SIGNATURE);
        assertThat(InternalSecretGuard.Mode.parse("either")).isEqualTo(InternalSecretGuard.Mode.EITHER);
        assertThatThrownBy(() -> InternalSecretGuard.Mode.parse("hmac")).hasMessageContaining("INTERNAL_API_AUTH");
    }

    private static Exchange exchange(DefaultCamelContext context, String header, String value) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader(header, value);
        exchange.getMessage().setBody(new String(BODY, StandardCharsets.UTF_8));
        return exchange;
    }
}
