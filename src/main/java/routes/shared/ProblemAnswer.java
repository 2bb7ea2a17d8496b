package routes.shared;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A refusal written by a servlet filter in the hub's HTTP problem style (the body {@code shared.camel.yaml}'s error
 * handling gives an {@link HttpProblem}): {@code {"error": code, "field": field, "message": message}} ({@code field}
 * only when one is named), JSON, with the extra headers the status needs ({@code WWW-Authenticate},
 * {@code Retry-After}, {@code Connection: close}). Every filter of the public listener answers through it: the body
 * limit, the strict request check, the firewall's rejections and the access filters.
 */
public final class ProblemAnswer {

    private final ObjectMapper json;

    public ProblemAnswer(ObjectMapper json) {
        this.json = json;
    }

    public void send(HttpServletResponse response, int status, String code, String message, Map<String, String> headers)
            throws IOException {
        send(response, status, code, null, message, headers);
    }

    public void send(HttpServletResponse response, int status, String code, String field, String message,
                     Map<String, String> headers) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        if (field != null) {
            body.put("field", field);
        }
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
