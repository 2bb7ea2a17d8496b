package routes.summaries;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Stands in for the LLM's HTTP answer in route unit tests: counts map and reduce calls (told apart by their
 * {@code max_tokens}), tracks how many are in flight at once, and answers what the test's script says for the
 * n-th call (1-based).
 */
final class FakeLlm implements Processor {

    record Reply(int status, String content, String finishReason, String retryAfter) {
        static Reply ok(String content) {
            return new Reply(200, content, "stop", null);
        }

        static Reply status(int status, String retryAfter) {
            return new Reply(status, null, null, retryAfter);
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final IntFunction<Reply> script;
    private final long delayMs;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger mapCalls = new AtomicInteger();
    final AtomicInteger reduceCalls = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();

    FakeLlm(long delayMs, IntFunction<Reply> script) {
        this.delayMs = delayMs;
        this.script = script;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        JsonNode request = json.readTree(exchange.getMessage().getBody(byte[].class));
        int n = calls.incrementAndGet();
        if (request.path("max_tokens").asInt() == 200) {
            mapCalls.incrementAndGet();
        } else {
            reduceCalls.incrementAndGet();
        }
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            if (delayMs > 0) {
                Thread.sleep(delayMs);
            }
        } finally {
            inFlight.decrementAndGet();
        }
        Reply reply = script.apply(n);
        // as camel-http does: the request's headers stay, the response's are added
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, reply.status());
        exchange.getMessage().removeHeader("Retry-After");
        if (reply.retryAfter() != null) {
            exchange.getMessage().setHeader("Retry-After", reply.retryAfter());
        }
        if (reply.status() == 200) {
            exchange.getMessage().setBody(json.writeValueAsString(java.util.Map.of(
                    "model", "fake-model",
                    "choices", java.util.List.of(java.util.Map.of("index", 0,
                            "message", java.util.Map.of("role", "assistant", "content", reply.content()),
                            "finish_reason", reply.finishReason())))));
        } else {
            exchange.getMessage().setBody("{\"error\":\"status " + reply.status() + "\"}");
        }
    }
}
