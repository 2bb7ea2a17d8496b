package routes.transcripts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** The envelopes under src/test/resources/transcripts/, filled with fresh ids for one test. */
final class TranscriptFixtures {

    final String messageId = UUID.randomUUID().toString();
    final String conversationId = UUID.randomUUID().toString();
    final String transcriptRequestId = UUID.randomUUID().toString();
    final String userId = UUID.randomUUID().toString();
    final String eventId = UUID.randomUUID().toString();
    final String activityId = "00-" + hex(32) + "-" + hex(16) + "-01";

    String envelope(String name) {
        String template;
        try (InputStream in = TranscriptFixtures.class.getResourceAsStream("/transcripts/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new HashMap<>();
        values.put("messageId", messageId);
        values.put("messageIdN", messageId.replace("-", "").toUpperCase(Locale.ROOT));
        values.put("conversationId", conversationId);
        values.put("transcriptRequestId", transcriptRequestId);
        values.put("transcriptRequestIdN", transcriptRequestId.replace("-", ""));
        values.put("userId", userId);
        values.put("userIdUpper", userId.toUpperCase(Locale.ROOT));
        values.put("eventId", eventId);
        values.put("activityId", activityId);
        for (Map.Entry<String, String> value : values.entrySet()) {
            template = template.replace("${" + value.getKey() + "}", value.getValue());
        }
        return template;
    }

    byte[] bytes(String name) {
        return envelope(name).getBytes(StandardCharsets.UTF_8);
    }

    /** The envelope with a UTF-8 byte order mark in front, as some .NET writers emit it. */
    byte[] withBom(String name) {
        byte[] body = bytes(name);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(body, 0, withBom, 3, body.length);
        return withBom;
    }

    private static String hex(int length) {
        StringBuilder hex = new StringBuilder();
        while (hex.length() < length) {
            hex.append(UUID.randomUUID().toString().replace("-", ""));
        }
        return hex.substring(0, length);
    }
}
