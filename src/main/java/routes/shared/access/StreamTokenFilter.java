package routes.shared.access;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;
import routes.shared.ProblemAnswer;

/**
 * The token of the live event stream ({@code GET /api/v2/events/stream}), from {@code EVENT_STREAM_TOKENS}. A
 * browser's {@code EventSource} cannot send headers, so the token comes as the query parameter
 * {@code access_token=<token>} or the cookie {@code hub_stream_token} (sent with {@code withCredentials: true} from
 * the front end's origin); other clients may send {@code Authorization: Bearer <token>}. Without an accepted token
 * the answer is 401 with a JSON problem body, before a stream is opened. No token configured: the stream is open.
 */
public final class StreamTokenFilter extends OncePerRequestFilter {

    public static final String QUERY_PARAMETER = "access_token";
    public static final String COOKIE = "hub_stream_token";
    static final String CHALLENGE = "Bearer realm=\"integration-hub-stream\"";

    private final AcceptedSecrets tokens;
    private final ProblemAnswer problems;

    StreamTokenFilter(AcceptedSecrets tokens, ProblemAnswer problems) {
        this.tokens = tokens;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!tokens.configured()) {
            chain.doFilter(request, response);
            return;
        }
        String presented = presented(request);
        if (presented == null || presented.isEmpty()) {
            problems.send(response, 401, "unauthorized", "a stream token is required: the query parameter "
                    + QUERY_PARAMETER + "=<token> or the cookie " + COOKIE, Map.of("WWW-Authenticate", CHALLENGE));
            return;
        }
        if (!tokens.accepts(presented)) {
            problems.send(response, 401, "unauthorized", "the stream token is not accepted",
                    Map.of("WWW-Authenticate", CHALLENGE + ", error=\"invalid_token\""));
            return;
        }
        chain.doFilter(request, response);
    }

    /** The query parameter, else the cookie, else the bearer header; null when none is there. */
    private static String presented(HttpServletRequest request) {
        String query = queryParameter(request.getQueryString());
        if (query != null) {
            return query;
        }
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (COOKIE.equals(cookie.getName())) {
                    return cookie.getValue();
                }
            }
        }
        return ApiKeyFilter.bearer(request.getHeader("Authorization"));
    }

    /**
     * {@code access_token} from the query string only (never from a form body, which {@code getParameter} would read
     * and so consume), URL-decoded; null when absent or malformed.
     */
    static String queryParameter(String queryString) {
        if (queryString == null) {
            return null;
        }
        for (String pair : queryString.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (QUERY_PARAMETER.equals(name)) {
                try {
                    return URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformed) {
                    return null;
                }
            }
        }
        return null;
    }
}
