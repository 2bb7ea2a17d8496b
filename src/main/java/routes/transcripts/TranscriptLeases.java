package routes.transcripts;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Who works on a transcript request until when (bean {@code transcriptLeases}). Every delivery gets a claim token
 * ({@code <instance>/<uuid>}); the inbox claim ({@code transcript_inbox_claim}) stores it as the row's owner with a
 * lease. While the delivery's exchange runs, route {@code transcriptsLeaseRenewal} extends the lease of every token
 * still working here; a redelivery elsewhere (consumer connection closed, another instance) finds the lease alive and
 * waits, and takes over only once the lease has run out (the owner crashed). A delivery that gives up releases its
 * lease so the next delivery takes over at once.
 */
public final class TranscriptLeases {

    public static final String CLAIM = "transcriptsClaim";
    private static final Logger LOG = LoggerFactory.getLogger(TranscriptLeases.class);

    private final String instance;
    private final int leaseSeconds;
    private final NamedParameterJdbcTemplate jdbc;
    private final Set<String> working = ConcurrentHashMap.newKeySet();

    public TranscriptLeases(String instance, int leaseSeconds, NamedParameterJdbcTemplate jdbc) {
        this.instance = instance;
        this.leaseSeconds = leaseSeconds;
        this.jdbc = jdbc;
    }

    public int leaseSeconds() {
        return leaseSeconds;
    }

    /** This delivery's claim token (made on the first call, the same on retries), working until the exchange ends. */
    public String token(Exchange exchange) {
        String token = exchange.getProperty(CLAIM, String.class);
        if (token != null) {
            return token;
        }
        String fresh = instance + "/" + UUID.randomUUID();
        exchange.setProperty(CLAIM, fresh);
        working.add(fresh);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                working.remove(fresh);
            }
        });
        return fresh;
    }

    /** Extends the lease of every request a delivery of this instance is working on; returns the rows extended. */
    public int renew() {
        List<String> tokens = List.copyOf(working);
        if (tokens.isEmpty()) {
            return 0;
        }
        return jdbc.update("UPDATE transcript_inbox SET lease_until = now() + make_interval(secs => :lease) "
                + "WHERE owner IN (:owners) AND status = 'RECEIVED'", Map.of("lease", leaseSeconds, "owners", tokens));
    }

    /**
     * Gives the request up: the lease ends now, so the next delivery takes over at once. Best effort: when the
     * database is what failed, the lease simply runs out.
     */
    public void release(Exchange exchange) {
        String token = exchange.getProperty(CLAIM, String.class);
        if (token == null) {
            return;
        }
        working.remove(token);
        try {
            jdbc.update("UPDATE transcript_inbox SET lease_until = now() WHERE owner = :owner AND status = 'RECEIVED'",
                    Map.of("owner", token));
        } catch (DataAccessException e) {
            LOG.warn("Lease of claim {} not released ({}): it runs out by itself", token, e.getMessage());
        }
    }

    /** The tokens working now (for tests and the lease route's log). */
    public int working() {
        return working.size();
    }
}
