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

    public HttpProblem(int status, String code, String field, String message, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static HttpProblem badRequest(String field, String message) {
        return new HttpProblem(400, "invalid_request", field, message, null);
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
}
