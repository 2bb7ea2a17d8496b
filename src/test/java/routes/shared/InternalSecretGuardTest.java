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
    private static final String POST = "POST";
    private static final String PATH = "/extraction/internal/completed";

    private static InternalSecretGuard signed(InternalSecretGuard.Mode mode) {
        return new InternalSecretGuard("current-secret", "previous-secret", mode, Duration.ofMinutes(5),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aSignatureByTheCurrentOrPreviousSecretOverTheRawBodyIsAccepted() {
        InternalSecretGuard guard = signed(InternalSecretGuard.Mode.SIGNATURE);
        long t = NOW.getEpochSecond();
        assertThat(guard.acceptsSignature(InternalSecretGuard.sign("current-secret", t, BODY), POST, PATH, BODY)).isTrue();
        assertThat(guard.acceptsSignature(InternalSecretGuard.sign("previous-secret", t, BODY), POST, PATH, BODY)).isTrue();
        // several v1 entries (the sender signs with both secrets during its own rotation): one match is enough
        String both = InternalSecretGuard.sign("old-secret", t, BODY) + ",v1="
                + InternalSecretGuard.sign("current-secret", t, BODY).split("v1=")[1];
        assertThat(guard.acceptsSignature(both, POST, PATH, BODY)).isTrue();
    }

    @Test
    void aWrongKeyATamperedBodyOrAMalformedHeaderIsRefused() {
        InternalSecretGuard guard = signed(InternalSecretGuard.Mode.SIGNATURE);
        long t = NOW.getEpochSecond();
        assertThat(guard.acceptsSignature(InternalSecretGuard.sign("other-secret", t, BODY), POST, PATH, BODY)).isFalse();
        byte[] tampered = "{\"contentId\": \"c-2\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(guard.acceptsSignature(InternalSecretGuard.sign("current-secret", t, BODY), POST, PATH, tampered)).isFalse();
        assertThat(guard.acceptsSignature(null, POST, PATH, BODY)).isFalse();
        assertThat(guard.acceptsSignature("", POST, PATH, BODY)).isFalse();
        assertThat(guard.acceptsSignature("v1=abcd", POST, PATH, BODY)).isFalse();
        assertThat(guard.acceptsSignature("t=" + t, POST, PATH, BODY)).isFalse();
        assertThat(guard.acceptsSignature("t=" + t + ",v1=not-hex", POST, PATH, BODY)).isFalse();
        assertThat(guard.acceptsSignature("t=yesterday,v1=abcd", POST, PATH, BODY)).isFalse();
        assertThat(guard.acceptsSignature("garbage", POST, PATH, BODY)).isFalse();
    }

    @Test
    void aSignatureOlderOrNewerThanTheToleranceIsRefused() {
        InternalSecretGuard guard = signed(InternalSecretGuard.Mode.SIGNATURE);
        long now = NOW.getEpochSecond();
        assertThat(guard.acceptsSignature(InternalSecretGuard.sign("current-secret", now - 300, BODY), POST, PATH, BODY)).isTrue();
        assertThat(guard.acceptsSignature(InternalSecretGuard.sign("current-secret", now - 301, BODY), POST, PATH, BODY)).isFalse();
        assertThat(guard.acceptsSignature(InternalSecretGuard.sign("current-secret", now + 301, BODY), POST, PATH, BODY)).isFalse();
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

    @Test
    void aV2SignatureCoversMethodPathAndBody() {
        InternalSecretGuard guard = signed(InternalSecretGuard.Mode.SIGNATURE);
        long t = NOW.getEpochSecond();
        String v2 = InternalSecretGuard.signV2("current-secret", t, POST, PATH, BODY);
        assertThat(v2).startsWith("t=" + t + ",v2=");
        assertThat(guard.acceptsSignature(v2, POST, PATH, BODY)).isTrue();
        assertThat(guard.acceptsSignature(InternalSecretGuard.signV2("previous-secret", t, POST, PATH, BODY), POST, PATH, BODY))
                .isTrue();
        // the same signature on another path, with another method, over another body, or by another key: refused
        assertThat(guard.acceptsSignature(v2, POST, "/internal/dead-letters/extraction/redrive", BODY)).isFalse();
        assertThat(guard.acceptsSignature(v2, "DELETE", PATH, BODY)).isFalse();
        assertThat(guard.acceptsSignature(v2, POST, PATH, "{}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(guard.acceptsSignature(InternalSecretGuard.signV2("other-secret", t, POST, PATH, BODY), POST, PATH, BODY))
                .isFalse();
        // no method or path known: a v2 signature cannot be checked, so it does not pass
        assertThat(guard.acceptsSignature(v2, null, null, BODY)).isFalse();
        // stale or malformed v2
        assertThat(guard.acceptsSignature(InternalSecretGuard.signV2("current-secret", t - 301, POST, PATH, BODY), POST, PATH, BODY))
                .isFalse();
        assertThat(guard.acceptsSignature("t=" + t + ",v2=zz", POST, PATH, BODY)).isFalse();
    }

    @Test
    void aV2SignatureIsTheHmacOfTimestampMethodPathAndBodyOnSeparateLines() throws Exception {
        long t = NOW.getEpochSecond();
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("current-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] content = (t + "\nPOST\n" + PATH + "\n" + new String(BODY, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        String expected = "t=" + t + ",v2=" + java.util.HexFormat.of().formatHex(mac.doFinal(content));
        assertThat(InternalSecretGuard.signV2("current-secret", t, "POST", PATH, BODY)).isEqualTo(expected);
    }

    @Test
    void withV1NoLongerAcceptedOnlyV2Passes() {
        InternalSecretGuard strict = new InternalSecretGuard("current-secret", "previous-secret", null,
                InternalSecretGuard.Mode.SIGNATURE, Duration.ofMinutes(5), false, Clock.fixed(NOW, ZoneOffset.UTC));
        long t = NOW.getEpochSecond();
        assertThat(strict.acceptsSignature(InternalSecretGuard.sign("current-secret", t, BODY), POST, PATH, BODY)).isFalse();
        assertThat(strict.acceptsSignature(InternalSecretGuard.signV2("current-secret", t, POST, PATH, BODY), POST, PATH, BODY))
                .isTrue();
        // a header with both: the v2 entry decides
        String both = InternalSecretGuard.signV2("current-secret", t, POST, PATH, BODY) + ",v1="
                + InternalSecretGuard.sign("current-secret", t, BODY).split("v1=")[1];
        assertThat(strict.acceptsSignature(both, POST, PATH, BODY)).isTrue();
        assertThat(strict.acceptsSignature(both, POST, "/other", BODY)).isFalse();
        // while v1 is accepted (the default), the same v1 signature passes
        assertThat(signed(InternalSecretGuard.Mode.SIGNATURE)
                .acceptsSignature(InternalSecretGuard.sign("current-secret", t, BODY), POST, PATH, BODY)).isTrue();
    }

    @Test
    void asAProcessorTheMethodAndPathComeFromTheHttpHeaders() throws Exception {
        InternalSecretGuard guard = signed(InternalSecretGuard.Mode.SIGNATURE);
        String v2 = InternalSecretGuard.signV2("current-secret", NOW.getEpochSecond(), POST, PATH, BODY);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            guard.process(request(context, v2, POST, PATH));
            guard.process(request(context, v2, POST, "http://hub:8081" + PATH));
            // a query on the URI is signed too: a signature made without it does not cover it
            assertThatThrownBy(() -> guard.process(request(context, v2, POST, PATH + "?limit=5")))
                    .isInstanceOf(InternalSecretGuard.UnauthorizedCaller.class);
            assertThatThrownBy(() -> guard.process(request(context, v2, POST, "/internal/dead-letters")))
                    .isInstanceOf(InternalSecretGuard.UnauthorizedCaller.class);
            assertThatThrownBy(() -> guard.process(request(context, v2, "PUT", PATH)))
                    .isInstanceOf(InternalSecretGuard.UnauthorizedCaller.class);
            assertThatThrownBy(() -> guard.process(request(context, v2, null, null)))
                    .isInstanceOf(InternalSecretGuard.UnauthorizedCaller.class);
        }
    }

    @Test
    void aV2SignatureBindsTheQueryString() {
        InternalSecretGuard guard = signed(InternalSecretGuard.Mode.SIGNATURE);
        long t = NOW.getEpochSecond();
        String forA1 = InternalSecretGuard.signV2("current-secret", t, POST, PATH, "a=1", BODY);
        assertThat(guard.acceptsSignature(forA1, POST, PATH, "a=1", BODY)).isTrue();
        assertThat(guard.acceptsSignature(forA1, POST, PATH, "a=2", BODY)).isFalse();
        assertThat(guard.acceptsSignature(forA1, POST, PATH, "a=1&b=2", BODY)).isFalse();
        assertThat(guard.acceptsSignature(forA1, POST, PATH, null, BODY)).as("the query dropped").isFalse();
        assertThat(guard.acceptsSignature(forA1, POST, PATH, BODY)).isFalse();
        // a signature without a query does not cover one added later; an empty query is no query
        String noQuery = InternalSecretGuard.signV2("current-secret", t, POST, PATH, BODY);
        assertThat(guard.acceptsSignature(noQuery, POST, PATH, "a=1", BODY)).isFalse();
        assertThat(guard.acceptsSignature(noQuery, POST, PATH, "", BODY)).isTrue();
        assertThat(noQuery).isEqualTo(InternalSecretGuard.signV2("current-secret", t, POST, PATH, null, BODY));
        // the raw query as sent: an encoded form is another query
        String encoded = InternalSecretGuard.signV2("current-secret", t, POST, PATH, "confirm=a%20b", BODY);
        assertThat(guard.acceptsSignature(encoded, POST, PATH, "confirm=a%20b", BODY)).isTrue();
        assertThat(guard.acceptsSignature(encoded, POST, PATH, "confirm=a b", BODY)).isFalse();
    }

    @Test
    void aV2SignatureWithAQueryIsTheHmacOfTheTargetPathQuestionMarkQuery() throws Exception {
        long t = NOW.getEpochSecond();
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("current-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] content = (t + "\nPOST\n" + PATH + "?limit=all\n" + new String(BODY, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        String expected = "t=" + t + ",v2=" + java.util.HexFormat.of().formatHex(mac.doFinal(content));
        assertThat(InternalSecretGuard.signV2("current-secret", t, "POST", PATH, "limit=all", BODY)).isEqualTo(expected);
    }

    @Test
    void asAProcessorTheQueryComesFromEitherListenersHeaders() throws Exception {
        InternalSecretGuard guard = signed(InternalSecretGuard.Mode.SIGNATURE);
        String forA1 = InternalSecretGuard.signV2("current-secret", NOW.getEpochSecond(), POST, PATH, "a=1", BODY);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            // platform-http (public port): CamelHttpQuery is the servlet's raw query string
            guard.process(withHeader(request(context, forA1, POST, PATH), Exchange.HTTP_QUERY, "a=1"));
            assertThatThrownBy(() -> guard.process(withHeader(request(context, forA1, POST, PATH), Exchange.HTTP_QUERY, "a=2")))
                    .isInstanceOf(InternalSecretGuard.UnauthorizedCaller.class);
            assertThatThrownBy(() -> guard.process(request(context, forA1, POST, PATH)))
                    .isInstanceOf(InternalSecretGuard.UnauthorizedCaller.class);
            // netty-http (internal listener): CamelHttpRawQuery wins over its decoded CamelHttpQuery
            guard.process(withHeader(withHeader(request(context, forA1, POST, PATH), Exchange.HTTP_RAW_QUERY, "a=1"),
                    Exchange.HTTP_QUERY, "a=1"));
            assertThatThrownBy(() -> guard.process(withHeader(withHeader(request(context, forA1, POST, PATH),
                    Exchange.HTTP_RAW_QUERY, "a=2"), Exchange.HTTP_QUERY, "a=1")))
                    .isInstanceOf(InternalSecretGuard.UnauthorizedCaller.class);
            // netty-http without a query: CamelHttpRawQuery present and null; a signature without a query passes
            String noQuery = InternalSecretGuard.signV2("current-secret", NOW.getEpochSecond(), POST, PATH, BODY);
            guard.process(withHeader(request(context, noQuery, POST, PATH), Exchange.HTTP_RAW_QUERY, null));
        }
    }

    private static Exchange withHeader(Exchange exchange, String name, String value) {
        exchange.getMessage().setHeader(name, value);
        return exchange;
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void thePreviousSecretIsRefusedAfterItsExpiryAndTheWarningIsLoggedOnce() {
        Instant expiry = NOW.plus(Duration.ofHours(1));
        MovableClock clock = new MovableClock(NOW);
        InternalSecretGuard guard = new InternalSecretGuard("current-secret", "previous-secret", expiry,
                InternalSecretGuard.Mode.EITHER, Duration.ofMinutes(5), true, clock);
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(InternalSecretGuard.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            assertThat(guard.accepts("previous-secret")).isTrue();
            clock.set(expiry.minusSeconds(1));
            assertThat(guard.accepts("previous-secret")).isTrue();
            assertThat(guard.acceptsSignature(InternalSecretGuard.signV2("previous-secret", clock.instant().getEpochSecond(),
                    POST, PATH, BODY), POST, PATH, BODY)).isTrue();
            assertThat(logged.list).noneMatch(e -> e.getFormattedMessage().contains("expired"));

            clock.set(expiry);
            long t = expiry.getEpochSecond();
            assertThat(guard.accepts("previous-secret")).isFalse();
            assertThat(guard.acceptsSignature(InternalSecretGuard.signV2("previous-secret", t, POST, PATH, BODY), POST, PATH, BODY))
                    .isFalse();
            assertThat(guard.acceptsSignature(InternalSecretGuard.sign("previous-secret", t, BODY), POST, PATH, BODY)).isFalse();
            // the current secret is untouched by the expiry
            assertThat(guard.accepts("current-secret")).isTrue();
            assertThat(guard.acceptsSignature(InternalSecretGuard.signV2("current-secret", t, POST, PATH, BODY), POST, PATH, BODY))
                    .isTrue();
            clock.set(expiry.plus(Duration.ofDays(3)));
            assertThat(guard.accepts("previous-secret")).isFalse();

            assertThat(logged.list).filteredOn(e -> e.getFormattedMessage().contains("INTERNAL_API_SECRET_PREVIOUS expired"))
                    .singleElement()
                    .satisfies(e -> {
                        assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
                        assertThat(e.getFormattedMessage()).contains(expiry.toString());
                    });
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void withoutAnExpiryThePreviousSecretStaysAccepted() {
        MovableClock clock = new MovableClock(NOW);
        InternalSecretGuard guard = new InternalSecretGuard("current-secret", "previous-secret", null,
                InternalSecretGuard.Mode.SECRET, Duration.ofMinutes(5), true, clock);
        clock.set(NOW.plus(Duration.ofDays(3650)));
        assertThat(guard.accepts("previous-secret")).isTrue();
    }

    private static Exchange request(DefaultCamelContext context, String signature, String method, String uri) {
        Exchange exchange = exchange(context, InternalSecretGuard.SIGNATURE_HEADER, signature);
        if (method != null) {
            exchange.getMessage().setHeader(Exchange.HTTP_METHOD, method);
        }
        if (uri != null) {
            exchange.getMessage().setHeader(Exchange.HTTP_URI, uri);
        }
        return exchange;
    }

    private static Exchange exchange(DefaultCamelContext context, String header, String value) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader(header, value);
        exchange.getMessage().setBody(new String(BODY, StandardCharsets.UTF_8));
        return exchange;
    }
}
