package routes.shared.access;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;
import routes.shared.ProblemAnswer;

/**
 * The API key of the event bridge's endpoints ({@code /api/ml/**}: {@code POST /api/ml/events/ingest}, bridge control
 * and feature reads on {@code /api/ml/bridge/python}), from {@code EVENT_API_KEYS}. A caller presents a key as
 * {@code X-API-Key: <key>} or {@code Authorization: Bearer <key>}; without an accepted one the answer is 401 with
 * {@code WWW-Authenticate: Bearer realm="integration-hub"} and a JSON problem body, before the route reads the body.
 * No key configured: every call goes through (the seeds call the bridge without one in dev); the {@code prod} profile
 * refuses to start that way ({@link routes.shared.ProductionSecrets}).
 */
public final class ApiKeyFilter extends OncePerRequestFilter {

    public static final String HEADER = "X-API-Key";
    static final String CHALLENGE = "Bearer realm=\"integration-hub\"";

    private final AcceptedSecrets keys;
    private final ProblemAnswer problems;

    ApiKeyFilter(AcceptedSecrets keys, ProblemAnswer problems) {
        this.keys = keys;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!keys.configured()) {
            chain.doFilter(request, response);
            return;
        }
        String key = request.getHeader(HEADER);
        if (key == null) {
            key = bearer(request.getHeader("Authorization"));
        }
        if (key == null || key.isEmpty()) {
            problems.send(response, 401, "unauthorized",
                    "an API key is required: send X-API-Key: <key> or Authorization: Bearer <key>",
                    Map.of("WWW-Authenticate", CHALLENGE));
            return;
        }
        if (!keys.accepts(key)) {
            problems.send(response, 401, "unauthorized", "the API key is not accepted",
                    Map.of("WWW-Authenticate", CHALLENGE + ", error=\"invalid_token\""));
            return;
        }
        chain.doFilter(request, response);
    }

    /** The credentials of {@code Bearer <credentials>} (scheme in any case), or null. */
    static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.length() > 7 && value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return value.substring(7).trim();
        }
        return null;
    }
}
