package routes.shared;

/**
 * A request the hub refuses with a 4xx (or a 503 it cannot take yet). The shared HTTP error handling
 * ({@code shared.camel.yaml}) turns it into the status code and a JSON body
 * {@code {"error": code, "field": field, "message": message}}.
 */
public class HttpProblem extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;
    private final Integer retryAfterSeconds;
    private final String allow;

    public HttpProblem(int status, String code, String field, String message, Integer retryAfterSeconds) {
        this(status, code, field, message, retryAfterSeconds, null);
    }

    private HttpProblem(int status, String code, String field, String message, Integer retryAfterSeconds, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
        this.allow = allow;
    }

    public static HttpProblem badRequest(String field, String message) {
        return new HttpProblem(400, "invalid_request", field, message, null);
    }

    /** 405 with the {@code Allow} header listing {@code allowed} (e.g. {@code "POST"}). */
    public static HttpProblem methodNotAllowed(String method, String allowed) {
        return new HttpProblem(405, "method_not_allowed", null,
                "method " + method + " is not allowed here; use " + allowed, null, allowed);
    }

    public int getStatus() {
        return status;
    }

    public String getCode() {
        return code;
    }

    public String getField() {
        return field;
    }

    public Integer getRetryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The methods to list in an {@code Allow} header (405 only), or null. */
    public String getAllow() {
        return allow;
    }
}
