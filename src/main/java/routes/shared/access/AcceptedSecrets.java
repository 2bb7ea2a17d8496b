package routes.shared.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * The API keys or stream tokens a guard accepts: a comma-separated list (several at once for a rotation: the new
 * one and the one being retired), blanks around each entry ignored. An empty list means the guard is open.
 * Presented values are compared as SHA-256 digests with {@link MessageDigest#isEqual}, against every accepted value
 * without stopping at a match, so neither the content, the length nor the position of an accepted value leaks
 * through the time an answer takes.
 */
public final class AcceptedSecrets {

    private final List<byte[]> digests;

    private AcceptedSecrets(List<byte[]> digests) {
        this.digests = digests;
    }

    /** {@code "key-a, key-b"}; null or blank: none (open). */
    public static AcceptedSecrets parse(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return new AcceptedSecrets(List.of());
        }
        return new AcceptedSecrets(Arrays.stream(commaSeparated.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).distinct().map(AcceptedSecrets::sha256).toList());
    }

    /** Whether any value is configured; without one the guard lets every call through. */
    public boolean configured() {
        return !digests.isEmpty();
    }

    public int size() {
        return digests.size();
    }

    public boolean accepts(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] digest = sha256(presented);
        boolean match = false;
        for (byte[] candidate : digests) {
            match |= MessageDigest.isEqual(candidate, digest);
        }
        return match;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
