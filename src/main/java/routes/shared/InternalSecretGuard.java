package routes.shared;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the internal endpoints workers call, with {@code INTERNAL_API_SECRET} or, during a rotation,
 * {@code INTERNAL_API_SECRET_PREVIOUS} (until {@code INTERNAL_API_SECRET_PREVIOUS_EXPIRES_AT}, if set), in one of
 * three {@link Mode modes} ({@code INTERNAL_API_AUTH}):
 * <ul>
 * <li>{@code secret} (default): the {@code X-Internal-Secret} header carries the secret itself. Secrets are compared
 * as SHA-256 digests with {@link MessageDigest#isEqual}, so neither the content nor the length of the configured
 * secret leaks through timing.</li>
 * <li>{@code signature}: the {@code X-Internal-Signature} header carries {@code t=<unix seconds>,v2=<hex>}, where
 * the hex is HMAC-SHA256, keyed with the secret, over {@code <t>\n<METHOD>\n<target>\n<raw body>}, the target being
 * the path, followed by {@code ?<raw query>} when the request has a query string, so a signed call is good for one
 * method on one path with one query only (a call without a query signs exactly as before). The older
 * {@code t=<unix seconds>,v1=<hex>} over {@code <t>.<raw body>} is accepted while
 * {@code INTERNAL_SIGNATURE_V1_ACCEPTED} is true (deprecated: it can be replayed to another path within the
 * tolerance). A timestamp further than the tolerance (5 minutes by default) from now, in either direction, is
 * refused, so a captured call cannot be replayed later; the secret never travels.</li>
 * <li>{@code either}: whichever of the two headers the caller sent (for moving workers from one to the other).</li>
 * </ul>
 * After its expiry the previous secret is refused (secret and signatures alike) and a WARN says so, once.
 * A rejected call raises {@link UnauthorizedCaller}, which the shared HTTP error handling answers with
 * {@code 401 {"error":"unauthorized"}}.
 */
public final class InternalSecretGuard implements Processor {

    public static final String HEADER = "X-Internal-Secret";
    public static final String SIGNATURE_HEADER = "X-Internal-Signature";

    private static final Logger LOG = LoggerFactory.getLogger(InternalSecretGuard.class);

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

    /** An accepted secret: its value (HMAC key), its digest (plain comparison) and when it stops being accepted. */
    private record Key(String secret, byte[] digest, Instant expiresAt) {

        boolean usableAt(Instant now) {
            return expiresAt == null || now.isBefore(expiresAt);
        }
    }

    private final List<Key> keys;
    private final Mode mode;
    private final Duration tolerance;
    private final boolean v1Accepted;
    private final Clock clock;
    private final AtomicBoolean expiryLogged = new AtomicBoolean();
    private final AtomicBoolean v1Logged = new AtomicBoolean();

    public InternalSecretGuard(String current, String previous) {
        this(current, previous, Mode.SECRET, Duration.ofMinutes(5), Clock.systemUTC());
    }

    public InternalSecretGuard(String current, String previous, Mode mode, Duration tolerance, Clock clock) {
        this(current, previous, null, mode, tolerance, true, clock);
    }

    /**
     * @param previousExpiresAt when {@code previous} stops being accepted; null: accepted as long as it is configured
     * @param v1Accepted        whether the deprecated {@code v1} signature (no method, no path) is still accepted
     */
    public InternalSecretGuard(String current, String previous, Instant previousExpiresAt, Mode mode,
                               Duration tolerance, boolean v1Accepted, Clock clock) {
        List<Key> configured = new ArrayList<>(2);
        if (current != null && !current.isEmpty()) {
            configured.add(new Key(current, sha256(current), null));
        }
        if (previous != null && !previous.isEmpty()) {
            configured.add(new Key(previous, sha256(previous), previousExpiresAt));
        }
        this.keys = List.copyOf(configured);
        this.mode = mode;
        this.tolerance = tolerance;
        this.v1Accepted = v1Accepted;
        this.clock = clock;
    }

    public boolean configured() {
        return !keys.isEmpty();
    }

    public Mode mode() {
        return mode;
    }

    public boolean accepts(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] digest = sha256(presented);
        Instant now = now();
        boolean match = false;
        for (Key key : keys) {
            // no short-circuit: every accepted secret is compared, whichever matches
            match |= MessageDigest.isEqual(key.digest(), digest) & key.usableAt(now);
        }
        return match;
    }

    /**
     * Whether {@code signatureHeader} ({@code t=<unix seconds>} with {@code v2=<hex>} and, while accepted,
     * {@code v1=<hex>} entries, several allowed) signs this request with an accepted secret, at a time within the
     * tolerance of now. A {@code v2} entry covers {@code method}, {@code path} and {@code body}; a {@code v1} entry
     * the body only. For a request without a query string.
     */
    public boolean acceptsSignature(String signatureHeader, String method, String path, byte[] body) {
        return acceptsSignature(signatureHeader, method, path, null, body);
    }

    /**
     * As {@link #acceptsSignature(String, String, String, byte[])}, for a request with the query string
     * {@code rawQuery} (as sent, still percent-encoded; null or empty: none), which a {@code v2} entry covers too.
     */
    public boolean acceptsSignature(String signatureHeader, String method, String path, String rawQuery, byte[] body) {
        if (signatureHeader == null || signatureHeader.isBlank() || keys.isEmpty()) {
            return false;
        }
        String timestamp = null;
        List<byte[]> v1 = new ArrayList<>(2);
        List<byte[]> v2 = new ArrayList<>(2);
        for (String part : signatureHeader.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return false;
            }
            String name = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            try {
                switch (name) {
                    case "t" -> timestamp = value;
                    case "v1" -> v1.add(HexFormat.of().parseHex(value));
                    case "v2" -> v2.add(HexFormat.of().parseHex(value));
                    default -> {
                        // a later scheme this hub does not know: ignored, as Stripe's receivers do
                    }
                }
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        if (timestamp == null || (v1.isEmpty() && v2.isEmpty()) || !fresh(timestamp)) {
            return false;
        }
        Instant now = now();
        boolean match = false;
        boolean v1Match = false;
        for (Key key : keys) {
            boolean usable = key.usableAt(now);
            if (!v2.isEmpty() && method != null && path != null) {
                byte[] expected = hmac(key.secret(), v2Content(timestamp, method, target(path, rawQuery)), body);
                for (byte[] signature : v2) {
                    match |= MessageDigest.isEqual(expected, signature) & usable;
                }
            }
            if (v1Accepted && !v1.isEmpty()) {
                byte[] expected = hmac(key.secret(), (timestamp + ".").getBytes(StandardCharsets.US_ASCII), body);
                for (byte[] signature : v1) {
                    v1Match |= MessageDigest.isEqual(expected, signature) & usable;
                }
            }
        }
        if (v1Match && !match && !v1Logged.getAndSet(true)) {
            LOG.warn("A caller of the internal endpoints signs with the deprecated X-Internal-Signature v1 form (no "
                    + "method, no path): move it to v2 before INTERNAL_SIGNATURE_V1_ACCEPTED is set to false");
        }
        return match | v1Match;
    }

    /** The deprecated v1 {@code X-Internal-Signature} value: {@code t=<unixSeconds>,v1=<hex HMAC over "<t>.<body>">}. */
    public static String sign(String secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(
                hmac(secret, (unixSeconds + ".").getBytes(StandardCharsets.US_ASCII), body));
    }

    /**
     * The {@code X-Internal-Signature} value a worker sends for a request without a query string:
     * {@code t=<unixSeconds>,v2=<hex HMAC-SHA256 over "<t>\n<METHOD>\n<path>\n<body>">}.
     */
    public static String signV2(String secret, long unixSeconds, String method, String path, byte[] body) {
        return signV2(secret, unixSeconds, method, path, null, body);
    }

    /**
     * The {@code X-Internal-Signature} value for a request with the query string {@code rawQuery} (exactly as sent;
     * null or empty: none): the v2 HMAC over {@code "<t>\n<METHOD>\n<path>?<rawQuery>\n<body>"}.
     */
    public static String signV2(String secret, long unixSeconds, String method, String path, String rawQuery, byte[] body) {
        String timestamp = Long.toString(unixSeconds);
        return "t=" + timestamp + ",v2=" + HexFormat.of().formatHex(
                hmac(secret, v2Content(timestamp, method, target(path, rawQuery)), body));
    }

    /** What a v2 signature covers of the request target: the path, and {@code ?<raw query>} when there is one. */
    static String target(String path, String rawQuery) {
        return rawQuery == null || rawQuery.isEmpty() ? path : path + "?" + rawQuery;
    }

    @Override
    public void process(Exchange exchange) {
        String secret = exchange.getMessage().getHeader(HEADER, String.class);
        String signature = exchange.getMessage().getHeader(SIGNATURE_HEADER, String.class);
        boolean ok = switch (mode) {
            case SECRET -> accepts(secret);
            case SIGNATURE -> acceptsSignature(signature, exchange);
            case EITHER -> signature != null ? acceptsSignature(signature, exchange) : accepts(secret);
        };
        if (!ok) {
            throw new UnauthorizedCaller();
        }
        // the secret has done its job: it must not travel further (logs, outgoing headers)
        exchange.getMessage().removeHeader(HEADER);
        exchange.getMessage().removeHeader(SIGNATURE_HEADER);
    }

    private boolean acceptsSignature(String signature, Exchange exchange) {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        return acceptsSignature(signature, method, path(exchange), rawQuery(exchange), body(exchange));
    }

    /**
     * The query string as the caller sent it (still percent-encoded): netty-http (internal listener) puts it in
     * {@code CamelHttpRawQuery} ({@code CamelHttpQuery} is decoded there), platform-http (public port) in
     * {@code CamelHttpQuery}, from the servlet's {@code getQueryString()}. Camel's header filter drops callers'
     * own {@code Camel*} headers, so neither can be sent by the caller.
     */
    private static String rawQuery(Exchange exchange) {
        if (exchange.getMessage().getHeaders().containsKey(Exchange.HTTP_RAW_QUERY)) {
            return exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class);
        }
        // a binding that leaves the query on the URI: it is signed all the same
        String uri = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        int query = uri == null ? -1 : uri.indexOf('?');
        if (query >= 0) {
            return uri.substring(query + 1);
        }
        return exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
    }

    /**
     * The request path as the caller sent it, without the query string (signed apart, {@link #rawQuery}):
     * netty-http (internal listener) and platform-http (public port) both put it in {@code CamelHttpUri}; an
     * absolute URI is reduced to its path.
     */
    private static String path(Exchange exchange) {
        String uri = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
        if (uri == null || uri.isEmpty()) {
            return null;
        }
        int query = uri.indexOf('?');
        if (query >= 0) {
            uri = uri.substring(0, query);
        }
        int scheme = uri.indexOf("://");
        if (scheme >= 0) {
            int slash = uri.indexOf('/', scheme + 3);
            uri = slash >= 0 ? uri.substring(slash) : "/";
        }
        return uri;
    }

    private Instant now() {
        Instant now = clock.instant();
        for (Key key : keys) {
            if (!key.usableAt(now) && !expiryLogged.getAndSet(true)) {
                LOG.warn("INTERNAL_API_SECRET_PREVIOUS expired at {}: it is refused from now on; remove it from the "
                        + "configuration (and INTERNAL_API_SECRET_PREVIOUS_EXPIRES_AT with it)", key.expiresAt());
            }
        }
        return now;
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

    /** {@code <t>\n<METHOD>\n<target>\n}: what a v2 signature covers ahead of the body. */
    private static byte[] v2Content(String timestamp, String method, String target) {
        return (timestamp + "\n" + method.toUpperCase(Locale.ROOT) + "\n" + target + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hmac(String secret, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(prefix);
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
