package routes.shared;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Guards the internal endpoints workers call, with {@code INTERNAL_API_SECRET} or, during a rotation,
 * {@code INTERNAL_API_SECRET_PREVIOUS}, in one of three {@link Mode modes} ({@code INTERNAL_API_AUTH}):
 * <ul>
 * <li>{@code secret} (default): the {@code X-Internal-Secret} header carries the secret itself. Secrets are compared
 * as SHA-256 digests with {@link MessageDigest#isEqual}, so neither the content nor the length of the configured
 * secret leaks through timing.</li>
 * <li>{@code signature}: the {@code X-Internal-Signature} header carries {@code t=<unix seconds>,v1=<hex>}, where
 * the hex is HMAC-SHA256, keyed with the secret, over {@code <t>.<raw body>} (as Stripe and Standard Webhooks sign
 * webhooks). A timestamp further than the tolerance (5 minutes by default) from now, in either direction, is
 * refused, so a captured call cannot be replayed later; the secret never travels.</li>
 * <li>{@code either}: whichever of the two headers the caller sent (for moving workers from one to the other).</li>
 * </ul>
 * A rejected call raises {@link UnauthorizedCaller}, which the shared HTTP error handling answers with a bare 401.
 */
public final class InternalSecretGuard implements Processor {

    public static final String HEADER = "X-Internal-Secret";
    public static final String SIGNATURE_HEADER = "X-Internal-Signature";

    /** How a caller proves it knows the secret. */
    public enum Mode {
        SECRET, SIGNATURE, EITHER;

        /** {@code secret}, {@code signature} or {@code either}, in any case; blank means {@code secret}. */
        public static Mode parse(String value) {
            if (value == null || value.isBlank()) {
                return SECRET;
            }
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("INTERNAL_API_AUTH must be secret, signature or either, not '" + value + "'", e);
            }
        }
    }

    private final List<String> secrets;
    private final List<byte[]> accepted;
    private final Mode mode;
    private final Duration tolerance;
    private final Clock clock;

    public InternalSecretGuard(String current, String previous) {
        this(current, previous, Mode.SECRET, Duration.ofMinutes(5), Clock.systemUTC());
    }

    public InternalSecretGuard(String current, String previous, Mode mode, Duration tolerance, Clock clock) {
        List<String> configured = new ArrayList<>(2);
        if (current != null && !current.isEmpty()) {
            configured.add(current);
        }
        if (previous != null && !previous.isEmpty()) {
            configured.add(previous);
        }
        this.secrets = List.copyOf(configured);
        this.accepted = configured.stream().map(InternalSecretGuard::sha256).toList();
        this.mode = mode;
        this.tolerance = tolerance;
        this.clock = clock;
    }

    public boolean configured() {
        return !accepted.isEmpty();
    }

    public Mode mode() {
        return mode;
    }

    public boolean accepts(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] digest = sha256(presented);
        boolean match = false;
        for (byte[] candidate : accepted) {
            // no short-circuit: every accepted secret is compared, whichever matches
            match |= MessageDigest.isEqual(candidate, digest);
        }
        return match;
    }

    /**
     * Whether {@code signatureHeader} ({@code t=<unix seconds>,v1=<hex>}, several {@code v1} allowed) signs
     * {@code body} with an accepted secret, at a time within the tolerance of now.
     */
    public boolean acceptsSignature(String signatureHeader, byte[] body) {
        if (signatureHeader == null || signatureHeader.isBlank() || secrets.isEmpty()) {
            return false;
        }
        String timestamp = null;
        List<byte[]> signatures = new ArrayList<>(2);
        for (String part : signatureHeader.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return false;
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (key.equals("t")) {
                timestamp = value;
            } else if (key.equals("v1")) {
                try {
                    signatures.add(HexFormat.of().parseHex(value));
                } catch (IllegalArgumentException e) {
                    return false;
                }
            }
        }
        if (timestamp == null || signatures.isEmpty() || !fresh(timestamp)) {
            return false;
        }
        boolean match = false;
        for (String secret : secrets) {
            byte[] expected = hmac(secret, timestamp, body);
            for (byte[] signature : signatures) {
                match |= MessageDigest.isEqual(expected, signature);
            }
        }
        return match;
    }

    /** The {@code X-Internal-Signature} value a worker sends for {@code body} at {@code unixSeconds}. */
    public static String sign(String secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(hmac(secret, Long.toString(unixSeconds), body));
    }

    @Override
    public void process(Exchange exchange) {
        String secret = exchange.getMessage().getHeader(HEADER, String.class);
        String signature = exchange.getMessage().getHeader(SIGNATURE_HEADER, String.class);
        boolean ok = switch (mode) {
            case SECRET -> accepts(secret);
            case SIGNATURE -> acceptsSignature(signature, body(exchange));
            case EITHER -> signature != null ? acceptsSignature(signature, body(exchange)) : accepts(secret);
        };
        if (!ok) {
            throw new UnauthorizedCaller();
        }
        // the secret has done its job: it must not travel further (logs, outgoing headers)
        exchange.getMessage().removeHeader(HEADER);
        exchange.getMessage().removeHeader(SIGNATURE_HEADER);
    }

    /** The raw body, kept as bytes on the message so the route reads the same bytes that were signed. */
    private static byte[] body(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        exchange.getMessage().setBody(body);
        return body;
    }

    private boolean fresh(String timestamp) {
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return false;
        }
        long now = clock.instant().getEpochSecond();
        return Math.abs(now - seconds) <= tolerance.toSeconds();
    }

    private static byte[] hmac(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The caller did not present an accepted secret. The message says nothing more, on purpose. */
    public static final class UnauthorizedCaller extends RuntimeException {
        public UnauthorizedCaller() {
            super("unauthorized", null, false, false);
        }
    }
}
