package routes.extraction;

import java.util.List;
import java.util.Map;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * An idempotent repository in PostgreSQL (table {@code extraction_idempotency}, Flyway V4) that survives restarts
 * and is shared by every hub instance. It claims a key before the work ({@code eager}) and confirms it after:
 * <ul>
 * <li>{@link #add}: true when this exchange now holds the key: it was new, its earlier claim outlived the lease
 * (a hub died mid-delivery), or, with a window, the last processing is older than the window.
 * False when the key was processed (a duplicate). {@link ClaimInProgress} when another consumer holds a fresh
 * claim: the error handler retries, and by then the other one has confirmed (duplicate) or failed (free again).</li>
 * <li>{@link #confirm}: the work succeeded; {@link #remove}: it failed or was dead-lettered, the key is free.</li>
 * </ul>
 * Every statement is one atomic SQL statement with named parameters.
 */
public final class ClaimingIdempotentRepository extends ServiceSupport implements IdempotentRepository {

    private static final String CLAIM = """
            INSERT INTO extraction_idempotency (scope, message_key, claimed_at, confirmed)
            VALUES (:scope, :key, now(), FALSE)
            ON CONFLICT (scope, message_key) DO UPDATE SET claimed_at = now(), confirmed = FALSE
            WHERE (NOT extraction_idempotency.confirmed
                    AND extraction_idempotency.claimed_at < now() - make_interval(secs => :lease))
               OR (extraction_idempotency.confirmed AND :window > 0
                    AND extraction_idempotency.claimed_at < now() - make_interval(secs => :window))
            """;
    private static final String STATE = """
            SELECT confirmed FROM extraction_idempotency WHERE scope = :scope AND message_key = :key
            """;
    private static final String CONTAINS = """
            SELECT count(*) FROM extraction_idempotency
            WHERE scope = :scope AND message_key = :key AND confirmed
              AND (:window <= 0 OR claimed_at >= now() - make_interval(secs => :window))
            """;
    private static final String CONFIRM = """
            UPDATE extraction_idempotency SET confirmed = TRUE, claimed_at = now()
            WHERE scope = :scope AND message_key = :key
            """;
    private static final String REMOVE = "DELETE FROM extraction_idempotency WHERE scope = :scope AND message_key = :key";
    private static final String CLEAR = "DELETE FROM extraction_idempotency WHERE scope = :scope";

    private final NamedParameterJdbcTemplate jdbc;
    private final String scope;
    private final long windowSeconds;
    private final long leaseSeconds;

    /**
     * @param scope         the key space ({@code event}, {@code content})
     * @param windowSeconds a processed key counts as a duplicate for this long; 0 = until the cleanup removes it
     * @param leaseSeconds  an unconfirmed claim older than this is taken over
     */
    public ClaimingIdempotentRepository(NamedParameterJdbcTemplate jdbc, String scope, long windowSeconds, long leaseSeconds) {
        this.jdbc = jdbc;
        this.scope = scope;
        this.windowSeconds = windowSeconds;
        this.leaseSeconds = leaseSeconds;
    }

    @Override
    public boolean add(String key) {
        Map<String, Object> params = params(key);
        if (jdbc.update(CLAIM, params) == 1) {
            return true;
        }
        List<Boolean> state = jdbc.queryForList(STATE, params, Boolean.class);
        if (state.isEmpty()) {
            // released between the two statements: let the error handler try again
            throw new ClaimInProgress(scope, key);
        }
        if (Boolean.TRUE.equals(state.get(0))) {
            return false;
        }
        throw new ClaimInProgress(scope, key);
    }

    @Override
    public boolean contains(String key) {
        Long count = jdbc.queryForObject(CONTAINS, params(key), Long.class);
        return count != null && count > 0;
    }

    @Override
    public boolean remove(String key) {
        return jdbc.update(REMOVE, params(key)) > 0;
    }

    @Override
    public boolean confirm(String key) {
        return jdbc.update(CONFIRM, params(key)) > 0;
    }

    @Override
    public void clear() {
        jdbc.update(CLEAR, Map.of("scope", scope));
    }

    private Map<String, Object> params(String key) {
        return Map.of("scope", scope, "key", key, "window", (double) windowSeconds, "lease", (double) leaseSeconds);
    }

    @Override
    protected void doStart() {
        // stateless: the table is the state
    }

    @Override
    protected void doStop() {
        // nothing held
    }

    /** Another consumer is delivering the same key right now; retried by the route's error handler. */
    public static final class ClaimInProgress extends RuntimeException {
        public ClaimInProgress(String scope, String key) {
            super("another consumer is processing " + scope + " " + key + " right now", null, false, false);
        }
    }
}
