package routes.transcripts;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.http.base.HttpOperationFailedException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import routes.shared.JsonLimits;

/**
 * The transcript-api side of the flow (bean {@code transcriptApi}): the request
 * {@code POST /process-video-from-consumer}, what each answer means, and which failures are worth a retry.
 * <ul>
 *   <li>200 {@code {success: true, transcript}}: SUCCEEDED; 200 {@code {success: false, error}}: FAILED, no retry</li>
 *   <li>202: ACCEPTED, the API calls back on /internal/transcripts/{id}/progress and /completed</li>
 *   <li>408, 429, 5xx, timeouts, refused connections: retried with exponential backoff (Retry-After wins), then a fault</li>
 *   <li>any other 4xx: a fault at once</li>
 * </ul>
 */
public final class TranscriptApi {

    private final JsonMapper json;

    public TranscriptApi(JsonLimits limits) {
        this.json = limits.mapper().build();
    }

    /** Replaces the message with the API request: snake_case JSON body, Idempotency-Key, X-Correlation-Id, traceparent. */
    public void prepare(Exchange exchange) {
        TranscriptRequest request = exchange.getProperty(TranscriptsInbound.REQUEST, TranscriptRequest.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transcript_request_id", request.transcriptRequestId());
        body.put("video_url", request.videoUrl());
        body.put("user_id", request.userId());
        body.put("language", request.language());
        body.put("correlation_id", request.transcriptRequestId());
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        try {
            message.setBody(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        message.setHeader(Exchange.HTTP_METHOD, "POST");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("Accept", "application/json");
        // the same key whenever the same request is called again (after a crash, a take-over); a re-drive from
        // _error asks for the work again: a key of its own per generation
        Integer generation = exchange.getProperty(TranscriptsInbound.GENERATION, Integer.class);
        message.setHeader("Idempotency-Key", generation == null || generation == 0 ? request.messageId()
                : request.messageId() + "/redrive-" + generation);
        message.setHeader("X-Correlation-Id", request.transcriptRequestId());
        if (request.activityId() != null) {
            message.setHeader("traceparent", request.activityId());
        }
    }

    /** A 2xx answer: 202 accepted, else the body's {@code success}/{@code transcript}/{@code error}. */
    public TranscriptOutcome answered(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (status != null && status == 202) {
            return TranscriptOutcome.accepted();
        }
        String text = exchange.getMessage().getBody(String.class);
        JsonNode body;
        try {
            body = text == null || text.isBlank() ? null : json.readTree(text);
        } catch (JsonProcessingException e) {
            body = null;
        }
        if (body == null || !body.isObject() || !body.path("success").isBoolean()) {
            return TranscriptOutcome.fault("transcript-api answered " + status + " without a {success, ...} JSON body",
                    "routes.transcripts.TranscriptApiFailure", null, 0);
        }
        if (body.path("success").asBoolean()) {
            JsonNode transcript = body.get("transcript");
            return TranscriptOutcome.succeeded(transcript == null || transcript.isNull() ? "" : transcript.asText());
        }
        JsonNode error = body.get("error");
        return TranscriptOutcome.failed(error == null || error.isNull() ? "transcript-api reported a failure" : error.asText());
    }

    /** In the API route's onException: the failure (after the retries it was worth) as a fault outcome. */
    public TranscriptOutcome failed(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Integer retries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        if (retries == null || retries == 0) {
            // the redelivery headers are gone once the exception is continued: count the failed calls instead
            retries = Math.max(0, exchange.getProperty(RetryAfterDelay.FAILURES, 0, Integer.class) - 1);
        }
        FaultInfo info = FaultInfo.of(error, retries);
        String reason;
        if (error instanceof HttpOperationFailedException http) {
            reason = "transcript-api answered " + http.getStatusCode() + describe(http.getResponseBody());
        } else {
            reason = "transcript-api unreachable: " + error.getClass().getSimpleName() + ": " + error.getMessage();
        }
        if (info.retryCount() > 0) {
            reason += " (after " + info.retryCount() + " retries)";
        }
        return TranscriptOutcome.fault(reason, info.exceptionType(), info.stackTrace(), info.retryCount());
    }

    /** Worth a retry: 408, 429, 5xx, and I/O failures (timeouts, refused or dropped connections). */
    public boolean retriable(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (error == null) {
            error = exchange.getException();
        }
        if (error instanceof HttpOperationFailedException http) {
            int code = http.getStatusCode();
            return code == 408 || code == 429 || code >= 500;
        }
        return error instanceof IOException;
    }

    private static String describe(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String b = body.strip();
        return ": " + (b.length() > 300 ? b.substring(0, 300) + "..." : b);
    }
}
