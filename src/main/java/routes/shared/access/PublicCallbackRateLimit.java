package routes.shared.access;

import java.io.IOException;
import java.util.Map;
import java.util.function.ToLongFunction;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;
import routes.shared.ProblemAnswer;

/**
 * The rate limit of the secret-guarded endpoints on the public port (transcript-api's callbacks
 * {@code /internal/transcripts/**}, the live events broadcast {@code /api/v2/events/internal/broadcast}): a token bucket
 * per caller address shared by every hub instance ({@link routes.extraction.CallerRateLimiter} in Redis),
 * {@code PUBLIC_CALLBACK_RATE_LIMIT_PER_SECOND} sustained and {@code PUBLIC_CALLBACK_RATE_LIMIT_BURST} at once. It is
 * taken before the secret is checked, so guessing secrets is throttled too. Over the limit: 429 with
 * {@code Retry-After} (whole seconds) and a JSON problem body. When Redis cannot be asked, the call goes on (the
 * secret guard still applies) and a warning is logged: a Redis outage must not stop transcripts.
 */
public final class PublicCallbackRateLimit extends OncePerRequestFilter {

    private static final Logger LOG = LoggerFactory.getLogger(PublicCallbackRateLimit.class);

    private final ToLongFunction<String> waitSeconds;
    private final ProblemAnswer problems;

    /** @param waitSeconds 0 when the caller may go ahead, else the seconds until it may (takes a token when 0) */
    PublicCallbackRateLimit(ToLongFunction<String> waitSeconds, ProblemAnswer problems) {
        this.waitSeconds = waitSeconds;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String caller = request.getRemoteAddr();
        long wait;
        try {
            wait = waitSeconds.applyAsLong(caller == null ? "unknown" : caller);
        } catch (RuntimeException unavailable) {
            LOG.warn("public callback rate limit not applied (Redis unavailable: {})", unavailable.toString());
            wait = 0;
        }
        if (wait > 0) {
            problems.send(response, 429, "rate_limited", "too many calls from " + caller + "; retry after " + wait + " s",
                    Map.of("Retry-After", Long.toString(wait)));
            return;
        }
        chain.doFilter(request, response);
    }
}
