package routes.shared;

import java.io.IOException;
import java.util.Collections;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Spring Security's firewall rules, checked up front on the public listener. The firewall itself checks the method
 * and URL when the request enters Spring Security, but header values and parameter names only when someone reads
 * them: a header value with bytes it does not allow (or a parameter name like {@code %00}) then failed deep inside
 * Camel's platform-http consumer or Spring MVC with a 500. Here every header and parameter is read once, so such a
 * request is answered 400 with the JSON problem body ({@link RejectedRequestAnswer}) before it reaches either. A
 * direct call of {@code /error} (Spring Boot's error page, reached only by the container's error dispatch) is
 * answered 404: called directly it had no status and answered 500. A {@code Content-Type} that is no media type
 * ({@code application/}, {@code *}{@code /*}, unbalanced quotes) is answered 415 here: the actuator endpoints failed on
 * it with a 500.
 */
public final class StrictRequestCheck extends OncePerRequestFilter {

    private final StrictHttpFirewall firewall = new StrictHttpFirewall();
    private final RejectedRequestAnswer rejected;
    private final ProblemAnswer problems;

    public StrictRequestCheck(RejectedRequestAnswer rejected, ProblemAnswer problems) {
        this.rejected = rejected;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String uri = request.getRequestURI();
        if (uri.equals("/error") || uri.startsWith("/error/")) {
            notFound(response);
            return;
        }
        String contentType = request.getContentType();
        if (contentType != null && !mediaType(contentType)) {
            unsupportedMediaType(response);
            return;
        }
        try {
            HttpServletRequest checked = firewall.getFirewalledRequest(request);
            for (String name : Collections.list(checked.getHeaderNames())) {
                Collections.list(checked.getHeaders(name));
            }
            // the body was read by RequestBodyLimit before: only the query's parameters are parsed here
            checked.getParameterMap();
        } catch (RequestRejectedException refused) {
            rejected.handle(request, response, refused);
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean mediaType(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return !type.isWildcardType() && !type.isWildcardSubtype();
        } catch (InvalidMediaTypeException notOne) {
            return false;
        }
    }

    private void unsupportedMediaType(HttpServletResponse response) throws IOException {
        problems.send(response, 415, "unsupported_media_type", "Content-Type",
                "the Content-Type is not a media type; send application/json", Map.of());
    }

    private void notFound(HttpServletResponse response) throws IOException {
        problems.send(response, 404, "not_found", "no such endpoint", Map.of());
    }
}
