package routes.liveevents;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import routes.shared.HttpProblem;

/**
 * {@code GET /api/v2/events/stream}: the Server-Sent Events stream. A Spring MVC controller, not a Camel REST
 * route, because Camel's platform-http cannot stream a response; the events come from route
 * {@code liveEventRead} (the shared Redis stream) through {@link LiveEventStream}. The request goes into servlet async mode and the
 * response is written with non-blocking I/O, so an open stream holds no thread.
 */
@RestController
public class LiveEventStreamController {

    static final String PATH = "/api/v2/events/stream";

    private final LiveEventStream stream;

    public LiveEventStreamController(LiveEventStream stream) {
        this.stream = stream;
    }

    @GetMapping(PATH)
    public void stream(HttpServletRequest request, HttpServletResponse response,
                       @RequestParam(name = "video_id", required = false) List<String> videoIds,
                       @RequestParam(name = "types", required = false) List<String> types,
                       @RequestParam(name = "last_event_id", required = false) String lastEventIdParam,
                       @RequestHeader(name = "Last-Event-ID", required = false) String lastEventIdHeader) throws IOException {
        StreamFilter filter = StreamFilter.of(videoIds, types);
        // the client, for the per-client cap: its address (the forwarded one behind a proxy with
        // server.forward-headers-strategy=native)
        String caller = request.getRemoteAddr();
        stream.admit(caller);
        boolean opened = false;
        try {
            // a browser reconnecting sends the header with the newest id; the query parameter is the page's first choice
            String lastEventId = lastEventIdHeader != null && !lastEventIdHeader.isBlank() ? lastEventIdHeader : lastEventIdParam;

            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType("text/event-stream");
            response.setCharacterEncoding("UTF-8");
            response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
            response.setHeader("X-Accel-Buffering", "no");
            AsyncContext async = request.startAsync(request, response);
            async.setTimeout(0);
            stream.open(async, response.getOutputStream(), filter, lastEventId, caller);
            opened = true;
        } finally {
            if (!opened) {
                stream.release(caller);
            }
        }
    }

    @ExceptionHandler(HttpProblem.class)
    ResponseEntity<Map<String, Object>> refused(HttpProblem problem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", problem.getCode());
        if (problem.getField() != null) {
            body.put("field", problem.getField());
        }
        body.put("message", problem.getMessage());
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_JSON);
        if (problem.getRetryAfterSeconds() != null) {
            answer.header(HttpHeaders.RETRY_AFTER, String.valueOf(problem.getRetryAfterSeconds()));
        }
        return answer.body(body);
    }
}
