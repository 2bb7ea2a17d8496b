package routes.extraction;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Signs each webhook delivery of {@code extraction.completed} the Standard Webhooks way
 * (https://www.standardwebhooks.com), with {@code EXTRACTION_WEBHOOK_SECRET} and, during a rotation, also
 * {@code EXTRACTION_WEBHOOK_SECRET_PREVIOUS}:
 * <ul>
 * <li>{@code webhook-id}: the event's id ({@code eventId}), the same on every redelivery, so the receiver can
 * deduplicate;</li>
 * <li>{@code webhook-timestamp}: the attempt's time in unix seconds (a redelivery is signed again, with a new
 * timestamp);</li>
 * <li>{@code webhook-signature}: {@code v1,<base64 HMAC-SHA256 over "<id>.<timestamp>.<body>">}, keyed with the
 * base64-decoded part of the {@code whsec_<base64>} secret; with two secrets both signatures, space-separated,
 * the current one first.</li>
 * </ul>
 * No secret configured (dev): deliveries carry {@code webhook-id} and {@code webhook-timestamp} but no signature;
 * the prod profile refuses to start without {@code EXTRACTION_WEBHOOK_SECRET} (routes.shared.ProductionSecrets).
 */
public final class WebhookSignature {

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";

    private static final String SECRET_PREFIX = "whsec_";

    private final List<byte[]> keys;
    private final Clock clock;

    /**
     * @param current  {@code whsec_<base64>}, or empty for unsigned deliveries
     * @param previous {@code whsec_<base64>} of the secret being rotated out, or empty
     * @throws IllegalArgumentException a secret not in the {@code whsec_<base64>} form, or a previous secret
     *                                  without a current one (named by its variable)
     */
    public WebhookSignature(String current, String previous, Clock clock) {
        List<byte[]> configured = new ArrayList<>(2);
        boolean hasCurrent = current != null && !current.isBlank();
        boolean hasPrevious = previous != null && !previous.isBlank();
        if (hasPrevious && !hasCurrent) {
            throw new IllegalArgumentException(
                    "EXTRACTION_WEBHOOK_SECRET_PREVIOUS is set without EXTRACTION_WEBHOOK_SECRET: set the new secret too");
        }
        if (hasCurrent) {
            configured.add(key(current, "EXTRACTION_WEBHOOK_SECRET"));
        }
        if (hasPrevious) {
            configured.add(key(previous, "EXTRACTION_WEBHOOK_SECRET_PREVIOUS"));
        }
        this.keys = List.copyOf(configured);
        this.clock = clock;
    }

    /** Whether deliveries are signed (a secret is configured). */
    public boolean signs() {
        return !keys.isEmpty();
    }

    /**
     * The {@code webhook-signature} value for {@code body} under {@code id} at {@code unixSeconds}:
     * {@code v1,<base64>} per configured secret, space-separated; empty if no secret is configured.
     */
    public String signature(String id, long unixSeconds, byte[] body) {
        StringBuilder header = new StringBuilder();
        for (byte[] key : keys) {
            if (!header.isEmpty()) {
                header.append(' ');
            }
            header.append("v1,").append(Base64.getEncoder().encodeToString(hmac(key, id, unixSeconds, body)));
        }
        return header.toString();
    }

    /**
     * Camel step: the three headers for the message's body (as the bytes that will be sent) and the event id in
     * exchange property {@code extractionEventId}.
     */
    public void sign(Exchange exchange) {
        Message message = exchange.getMessage();
        byte[] body = message.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        // the bytes signed are the bytes sent
        message.setBody(body);
        String id = exchange.getProperty("extractionEventId", String.class);
        if (id == null || id.isBlank()) {
            throw new IllegalStateException("an extraction webhook delivery without an event id cannot be signed");
        }
        long timestamp = clock.instant().getEpochSecond();
        message.setHeader(ID_HEADER, id);
        message.setHeader(TIMESTAMP_HEADER, Long.toString(timestamp));
        if (signs()) {
            message.setHeader(SIGNATURE_HEADER, signature(id, timestamp, body));
        }
    }

    private static byte[] key(String secret, String variable) {
        String trimmed = secret.trim();
        if (!trimmed.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException(variable + " must be a Standard Webhooks secret, whsec_<base64>");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(trimmed.substring(SECRET_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + " must be whsec_ followed by base64: " + e.getMessage(), e);
        }
        if (key.length < 16) {
            throw new IllegalArgumentException(variable + " is too short: its key must have at least 16 bytes (24 is usual)");
        }
        return key;
    }

    private static byte[] hmac(byte[] key, String id, long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
