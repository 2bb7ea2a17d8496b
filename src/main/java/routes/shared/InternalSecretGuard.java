package routes.shared;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Guards the internal endpoints workers call: the {@code X-Internal-Secret} header must match
 * {@code INTERNAL_API_SECRET} or, during a rotation, {@code INTERNAL_API_SECRET_PREVIOUS}.
 * Secrets are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so neither the content
 * nor the length of the configured secret leaks through timing. A rejected call raises
 * {@link UnauthorizedCaller}, which the shared HTTP error handling answers with a bare 401.
 */
public final class InternalSecretGuard implements Processor {

    public static final String HEADER = "X-Internal-Secret";

    private final List<byte[]> accepted;

    public InternalSecretGuard(String current, String previous) {
        List<byte[]> digests = new ArrayList<>(2);
        if (current != null && !current.isEmpty()) {
            digests.add(sha256(current));
        }
        if (previous != null && !previous.isEmpty()) {
            digests.add(sha256(previous));
        }
        this.accepted = List.copyOf(digests);
    }

    public boolean configured() {
        return !accepted.isEmpty();
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

    @Override
    public void process(Exchange exchange) {
        if (!accepts(exchange.getMessage().getHeader(HEADER, String.class))) {
            throw new UnauthorizedCaller();
        }
        // the secret has done its job: it must not travel further (logs, outgoing headers)
        exchange.getMessage().removeHeader(HEADER);
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
