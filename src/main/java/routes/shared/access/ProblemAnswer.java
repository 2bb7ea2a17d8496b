package routes.shared.access;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A refusal written by a servlet filter in the hub's HTTP problem style (the body {@code shared.camel.yaml}'s error
 * handling gives an {@link routes.shared.HttpProblem}): {@code {"error": code, "message": message}}, JSON, with the
 * extra headers the status needs ({@code WWW-Authenticate}, {@code Retry-After}).
 */
final class ProblemAnswer {

    private final ObjectMapper json;

    ProblemAnswer(ObjectMapper json) {
        this.json = json;
    }

    void send(HttpServletResponse response, int status, String code, String message, Map<String, String> headers)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        byte[] bytes = json.writeValueAsBytes(body);
        response.resetBuffer();
        response.setStatus(status);
        headers.forEach(response::setHeader);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        response.flushBuffer();
    }
}
