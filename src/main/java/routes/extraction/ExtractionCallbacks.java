package routes.extraction;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.component.netty.NettyConstants;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import routes.shared.HttpProblem;
import routes.shared.JsonLimits;

/**
 * The request side of {@code POST /extraction/internal/completed}: who is calling, whether the body is an
 * acceptable {@code {"contentId": "..."}}, the event it becomes, and the answers. Every refusal is an
 * {@link HttpProblem} naming the field and the reason; the shared {@code hubHttp} handling renders it.
 */
public final class ExtractionCallbacks {

    public static final String CALLER = "extractionCaller";
    public static final String STARTED = "extractionStartedNanos";
    public static final String CONTENT_ID = "extractionContentId";
    public static final String EVENT_ID = "extractionEventId";

    private final ObjectMapper json;
    private final JsonLimits limits;
    private final ExtractionSettings.Callback settings;

    public ExtractionCallbacks(ObjectMapper json, JsonLimits limits, ExtractionSettings.Callback settings) {
        this.json = json;
        this.limits = limits;
        this.settings = settings;
    }

    /**
     * Notes when the call started and who made it (the address the rate limit and the audit line use), and refuses
     * any method but POST with a 405. (netty-http's own {@code httpMethodRestrict} closes the connection after its
     * 405 without saying so, and a keep-alive client's next request then fails on the closed connection.)
     */
    public void begin(Exchange exchange) {
        exchange.setProperty(STARTED, System.nanoTime());
        exchange.setProperty(CALLER, callerAddress(exchange));
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class);
        if (method != null && !"POST".equals(method)) {
            throw HttpProblem.methodNotAllowed(method, "POST");
        }
    }

    String callerAddress(Exchange exchange) {
        if (settings.trustForwardedFor()) {
            String forwarded = exchange.getMessage().getHeader("X-Forwarded-For", String.class);
            if (forwarded != null && !forwarded.isBlank()) {
                return forwarded.split(",")[0].trim();
            }
        }
        if (exchange.getMessage().getHeader(NettyConstants.NETTY_REMOTE_ADDRESS) instanceof InetSocketAddress remote) {
            return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
        }
        return "unknown";
    }

    /**
     * Checks size, media type and JSON shape, in that order, and returns the contentId (also kept in exchange
     * property {@value #CONTENT_ID}). Unknown fields are ignored.
     */
    public String read(Exchange exchange) {
        Long declaredLength = exchange.getMessage().getHeader("Content-Length", Long.class);
        if (declaredLength != null && declaredLength > settings.maxBodyBytes()) {
            throw tooLarge();
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body != null && body.length > settings.maxBodyBytes()) {
            throw tooLarge();
        }
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (!isJson(contentType)) {
            throw new HttpProblem(415, "unsupported_media_type", "Content-Type",
                    "the body must be JSON sent as application/json (got " + (contentType == null ? "none" : "'" + contentType + "'") + ")", null);
        }
        if (body == null || body.length == 0) {
            throw HttpProblem.badRequest("body", "the body is empty; expected a JSON object {\"contentId\": \"...\"}");
        }
        JsonNode document;
        try {
            document = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw HttpProblem.badRequest("body", limits.violation(e).orElseGet(() -> "the body is not valid JSON: " + e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            throw HttpProblem.badRequest("body", "the body could not be read as JSON");
        }
        if (document == null || !document.isObject()) {
            throw HttpProblem.badRequest("body", "the body must be a JSON object {\"contentId\": \"...\"}");
        }
        JsonNode field = document.get("contentId");
        if (field == null || field.isNull()) {
            throw HttpProblem.badRequest("contentId", "contentId is required");
        }
        if (!field.isTextual()) {
            throw HttpProblem.badRequest("contentId", "contentId must be a string (got " + field.getNodeType().name().toLowerCase(Locale.ROOT) + ")");
        }
        String contentId = field.textValue();
        String problem = ContentId.problem(contentId);
        if (problem != null) {
            throw HttpProblem.badRequest("contentId", "contentId " + problem);
        }
        exchange.setProperty(CONTENT_ID, contentId);
        return contentId;
    }

    /** The event for an accepted callback: a new eventId (UUID) and the time it was accepted. */
    public ExtractionCompleted newEvent(Exchange exchange) {
        String contentId = exchange.getProperty(CONTENT_ID, String.class);
        ExtractionCompleted event = new ExtractionCompleted(contentId, UUID.randomUUID().toString(), Instant.now().toString());
        exchange.setProperty(EVENT_ID, event.eventId());
        return event;
    }

    /** The broker did not take the event (down, blocked, nack or no confirm in time): the caller retries later. */
    public void brokerUnavailable() {
        throw new HttpProblem(503, "broker_unavailable", null,
                "the event could not be handed to the message broker; nothing was recorded, retry later",
                settings.retryAfterSeconds());
    }

    /** The answer once the broker confirmed the event. */
    public String accepted(Exchange exchange) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        return "{\"success\":true,\"eventId\":\"" + exchange.getProperty(EVENT_ID, String.class) + "\"}";
    }

    private HttpProblem tooLarge() {
        return new HttpProblem(413, "payload_too_large", "body",
                "the body must be at most " + settings.maxBodyBytes() + " bytes", null);
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
    }
}
