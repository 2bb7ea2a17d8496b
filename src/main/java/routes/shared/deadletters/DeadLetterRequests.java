package routes.shared.deadletters;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.Exchange;

import routes.shared.HttpProblem;

/**
 * The HTTP side of the dead-letter endpoints on the internal listener ({@code dead-letters.camel.yaml}, bean
 * {@code deadLetterRequests}):
 * <pre>
 *   GET    /internal/dead-letters                          every place with its count
 *   GET    /internal/dead-letters/{place}?limit=N          the first N messages (default 10)
 *   POST   /internal/dead-letters/{place}/redrive?limit=N|all
 *   DELETE /internal/dead-letters/{place}?confirm={place}|{count}
 * </pre>
 * Refusals are {@link HttpProblem}s (400 bad parameter, 404 unknown place or path, 405, 409 changed count, 503
 * broker unreachable), rendered by the shared {@code hubHttp} handling. A re-drive that stopped on a failure
 * answers 502 with its {@link RedriveResult} (how many moved, why it stopped).
 */
public final class DeadLetterRequests {

    public static final String PREFIX = "/internal/dead-letters";
    public static final String OPERATION = "deadLetterOperation";
    public static final String PLACE = "deadLetterPlace";
    public static final String LIMIT = "deadLetterLimit";
    public static final String CONFIRM = "deadLetterConfirm";
    public static final String STATUS = "deadLetterStatus";

    private final DeadLetterService service;

    public DeadLetterRequests(DeadLetterService service) {
        this.service = service;
    }

    /**
     * Reads method, path and query into exchange properties ({@value #OPERATION}: {@code list}, {@code peek},
     * {@code redrive} or {@code purge}; {@value #PLACE}, {@value #LIMIT}, {@value #CONFIRM}); 404 for a path that is
     * none of the endpoints, 405 for a method the path does not serve.
     */
    public void read(Exchange exchange) {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, "GET", String.class);
        List<String> segments = segments(path(exchange));
        Map<String, String> query = query(exchange);
        String operation;
        if (segments.isEmpty()) {
            operation = allow(method, Map.of("GET", "list"), "GET");
        } else if (segments.size() == 1) {
            operation = allow(method, Map.of("GET", "peek", "DELETE", "purge"), "GET, DELETE");
        } else if (segments.size() == 2 && segments.get(1).equals("redrive")) {
            operation = allow(method, Map.of("POST", "redrive"), "POST");
        } else {
            throw new HttpProblem(404, "not_found", null,
                    "no such endpoint; use " + PREFIX + ", " + PREFIX + "/{place} or " + PREFIX + "/{place}/redrive", null);
        }
        exchange.setProperty(OPERATION, operation);
        if (!segments.isEmpty()) {
            exchange.setProperty(PLACE, segments.get(0));
        }
        exchange.setProperty(LIMIT, query.get("limit"));
        exchange.setProperty(CONFIRM, query.get("confirm"));
    }

    public Map<String, Object> list() {
        return refusalsAsProblems(() -> {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("places", service.list());
            return answer;
        });
    }

    public Peek peek(Exchange exchange) {
        return refusalsAsProblems(() -> service.peek(place(exchange), exchange.getProperty(LIMIT, String.class)));
    }

    public RedriveResult redrive(Exchange exchange) {
        RedriveResult result = refusalsAsProblems(() -> service.redrive(place(exchange), exchange.getProperty(LIMIT, String.class)));
        exchange.setProperty(STATUS, result.complete() ? 200 : 502);
        return result;
    }

    public PurgeResult purge(Exchange exchange) {
        return refusalsAsProblems(() -> service.purge(place(exchange), exchange.getProperty(CONFIRM, String.class)));
    }

    /** Nothing of the request goes back; the status the operation chose (200 by default), JSON. */
    public void answer(Exchange exchange) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, exchange.getProperty(STATUS, 200, Integer.class));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    private static String place(Exchange exchange) {
        return exchange.getProperty(PLACE, String.class);
    }

    private static <T> T refusalsAsProblems(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (DeadLetterRefusal refusal) {
            int status = switch (refusal.kind()) {
                case UNKNOWN_PLACE -> 404;
                case INVALID -> 400;
                case CONFLICT -> 409;
                case UNAVAILABLE -> 503;
            };
            String code = switch (refusal.kind()) {
                case UNKNOWN_PLACE -> "unknown_place";
                case INVALID -> "invalid_request";
                case CONFLICT -> "conflict";
                case UNAVAILABLE -> "broker_unavailable";
            };
            throw new HttpProblem(status, code, refusal.field(), refusal.getMessage(), status == 503 ? 5 : null);
        }
    }

    private static String allow(String method, Map<String, String> operations, String allowed) {
        String operation = operations.get(method);
        if (operation == null) {
            throw HttpProblem.methodNotAllowed(method, allowed);
        }
        return operation;
    }

    /** The path below {@value #PREFIX}, whether the listener gave it relative to the route's path or whole. */
    static String path(Exchange exchange) {
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        if (path == null) {
            String uri = exchange.getMessage().getHeader(Exchange.HTTP_URI, "", String.class);
            int query = uri.indexOf('?');
            path = query < 0 ? uri : uri.substring(0, query);
        }
        if (path.startsWith(PREFIX)) {
            path = path.substring(PREFIX.length());
        }
        return path;
    }

    static List<String> segments(String path) {
        return java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty())
                .map(s -> decode(s, "path")).toList();
    }

    static Map<String, String> query(Exchange exchange) {
        String raw = exchange.getMessage().getHeader(Exchange.HTTP_RAW_QUERY, String.class);
        if (raw == null) {
            raw = exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class);
        }
        Map<String, String> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq), "query");
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), "query");
            query.putIfAbsent(key, value);
        }
        return query;
    }

    /** A percent-decoded path segment or query part; a broken escape ({@code %}, {@code %zz}) is a 400. */
    private static String decode(String part, String field) {
        try {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException broken) {
            throw HttpProblem.badRequest(field, "the " + field + " holds a broken percent-escape");
        }
    }
}
