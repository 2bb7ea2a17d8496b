package routes.shared.deadletters;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.rabbitmq.client.LongString;

/**
 * Turns broker values into what JSON (and Hawtio) can show: bodies and byte headers as UTF-8 text when they are
 * UTF-8, else Base64; AMQP long strings as text; timestamps as ISO-8601; tables and arrays (x-death) recursively.
 */
final class Bodies {

    static final String UTF_8 = "utf-8";
    static final String BASE64 = "base64";

    private Bodies() {
    }

    /** The text of {@code bytes}, or null when they are not valid UTF-8. */
    static String utf8(byte[] bytes) {
        if (bytes == null) {
            return "";
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static DeadLetter letter(int position, Map<String, Object> properties, Map<String, Object> headers, byte[] body) {
        String text = utf8(body);
        return text != null ? new DeadLetter(position, properties, headers, text, UTF_8)
                : new DeadLetter(position, properties, headers, Base64.getEncoder().encodeToString(body), BASE64);
    }

    /** A header or property value in a JSON-friendly form. */
    static Object value(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof LongString longString) {
            byte[] bytes = longString.getBytes();
            String text = utf8(bytes);
            return text != null ? text : Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof byte[] bytes) {
            String text = utf8(bytes);
            return text != null ? text : Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof Date date) {
            return date.toInstant().toString();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), value(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(value(v)));
            return copy;
        }
        if (value instanceof Object[] array) {
            List<Object> copy = new ArrayList<>(array.length);
            for (Object v : array) {
                copy.add(value(v));
            }
            return copy;
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof String) {
            return value;
        }
        return String.valueOf(value);
    }
}
