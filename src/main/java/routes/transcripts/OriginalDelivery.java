package routes.transcripts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The delivery exactly as it arrived (body bytes, AMQP properties and headers), kept to move it to _error/_skipped. */
public record OriginalDelivery(byte[] body, Map<String, Object> headers) {

    public OriginalDelivery {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }
}
