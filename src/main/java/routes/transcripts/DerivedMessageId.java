package routes.transcripts;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The id of an event the flow publishes, derived from the incoming messageId, the request's re-drive generation and
 * the event's kind (a name-based UUID, version 5 / SHA-1, RFC 9562): a republish after a crash carries the same
 * messageId, so a MassTransit inbox on the .NET side drops it; a re-drive (generation + 1) publishes new ids.
 */
public final class DerivedMessageId {

    /** The namespace of the hub's derived ids (a fixed random UUID). */
    static final UUID NAMESPACE = UUID.fromString("6f1f5f4e-3c0a-4d0f-9b7e-2b8f0f6d1a11");

    private DerivedMessageId() {
    }

    /** {@code kind} names the event, e.g. {@code completed}, {@code fault}, {@code progress/Processing/10}. */
    public static String of(String incomingMessageId, int generation, String kind) {
        return uuid5(incomingMessageId + "/" + generation + "/" + kind).toString();
    }

    static UUID uuid5(String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
        sha1.update(ByteBuffer.allocate(16).putLong(NAMESPACE.getMostSignificantBits())
                .putLong(NAMESPACE.getLeastSignificantBits()).array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer bytes = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong());
    }
}
