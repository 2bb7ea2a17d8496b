package routes.shared;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * The answer to a request Spring Security's firewall refuses on the public listener (a header value or parameter name
 * with characters it does not allow, an encoded slash, {@code %00}, a non-normalised path): 400 with the hub's JSON
 * problem body {@code {"error":"invalid_request","message":...}}. Without it the firewall's exception reached the
 * container and the caller got a 500 error page.
 */
public final class RejectedRequestAnswer implements RequestRejectedHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RejectedRequestAnswer.class);

    private final ProblemAnswer problems;

    public RejectedRequestAnswer(ProblemAnswer problems) {
        this.problems = problems;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException rejected)
            throws IOException {
        LOG.info("HTTP {} refused by the firewall: {}", request.getMethod(), rejected.getMessage());
        problems.send(response, 400, "invalid_request",
                "the request line or a header holds characters the hub does not accept", Map.of());
    }
}
