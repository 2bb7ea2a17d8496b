package routes.security;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Deterministic fuzz inputs: the same seed gives the same bodies, headers, methods and targets, so a failing run is
 * repeated with {@code -Dfuzz.seed=<seed>}. Each body is one of the {@link BodyClass input classes}; a body is built
 * from the endpoint's valid body (its template), so wrong types and huge numbers land in the fields the route reads.
 */
final class FuzzInputs {

    /** The classes of bodies sent; docs/security.adoc "Fuzz tests" lists them. */
    enum BodyClass {
        VALID, RANDOM_JSON, WRONG_TYPES, DEEP_NESTING, HUGE_NUMBERS, INVALID_UTF8, TRUNCATED_JSON, RANDOM_BYTES, EMPTY,
        DUPLICATE_KEYS, CONTROL_CHARACTERS, FORM_URLENCODED, MULTIPART, OVERSIZED
    }

    static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
            "application/json; charset=ISO-8859-1", "application/json; charset=utf-16", "application/json; charset=bogus",
            "application/json;;;charset", "text/plain", "text/event-stream", "application/xml", "application/octet-stream",
            "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8", "multipart/form-data",
            "multipart/form-data; boundary=fuzzboundary", "multipart/mixed; boundary=", "*/*", "", "%%%/;;", "application/",
            "text/html; charset=\"unterminated");

    static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE",
            "post", "FOO", "PROPFIND", "M-SEARCH", "CONNECT");

    static final List<String> VERSIONS = List.of("HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "HTTP/9.9", "HTTP/1", "HTTX/1.1",
            "http/1.1", "HTTP/0.9");

    /** Pieces put into paths and queries: broken percent-escapes, encoded separators, raw bytes. */
    static final List<String> BAD_ESCAPES = List.of("%", "%z", "%zz", "%%", "%0", "%c0%af", "%ff%fe", "%00", "%e2%82",
            "%ed%a0%80", "%2f", "%5c", "%2e%2e", "..", "%25", "+", "%u0041", ";jsessionid=x", "%0d%0a");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Random random;

    FuzzInputs(long seed) {
        this.random = new Random(seed);
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** A body class, oversized bodies rare (they cost a megabyte each on the public listener). */
    BodyClass bodyClass() {
        if (chance(0.01)) {
            return BodyClass.OVERSIZED;
        }
        BodyClass[] classes = BodyClass.values();
        return classes[random.nextInt(classes.length - 1)];
    }

    /** A body of {@code kind} built from {@code template} (a JSON object, or null for endpoints without a body). */
    byte[] body(BodyClass kind, String template, int oversizedBytes) {
        byte[] valid = template == null ? "{}".getBytes(StandardCharsets.UTF_8) : template.getBytes(StandardCharsets.UTF_8);
        return switch (kind) {
            case VALID -> valid;
            case RANDOM_JSON -> utf8(randomJson(0).toString());
            case WRONG_TYPES -> utf8(wrongTypes(tree(valid)).toString());
            case DEEP_NESTING -> deepNesting();
            case HUGE_NUMBERS -> utf8(hugeNumbers(new String(valid, StandardCharsets.UTF_8)));
            case INVALID_UTF8 -> invalidUtf8(valid);
            case TRUNCATED_JSON -> java.util.Arrays.copyOf(valid, random.nextInt(Math.max(1, valid.length - 1)));
            case RANDOM_BYTES -> randomBytes(random.nextInt(4096));
            case EMPTY -> new byte[0];
            case DUPLICATE_KEYS -> duplicateKeys(new String(valid, StandardCharsets.UTF_8));
            case CONTROL_CHARACTERS -> utf8(controlCharacters(new String(valid, StandardCharsets.UTF_8)));
            case FORM_URLENCODED -> utf8(pick(List.of("a=1&b=2", "%zz&&=", "=&=&", "events=%5B%5D", "a=%", "a=%e2%82",
                    "a" + "=b&".repeat(2000))));
            case MULTIPART -> multipart();
            case OVERSIZED -> oversized(oversizedBytes);
        };
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode tree(byte[] valid) {
        try {
            return JSON.readTree(valid);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the endpoint's template is not JSON", e);
        }
    }

    JsonNode randomJson(int depth) {
        int kind = random.nextInt(depth > 4 ? 6 : 8);
        return switch (kind) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextLong());
            case 3 -> NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 4, 5 -> NODES.textNode(randomText());
            case 6 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(6); i > 0; i--) {
                    array.add(randomJson(depth + 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(6); i > 0; i--) {
                    object.set(randomText(), randomJson(depth + 1));
                }
                yield object;
            }
        };
    }

    private String randomText() {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(16); i > 0; i--) {
            int kind = random.nextInt(10);
            if (kind < 6) {
                text.append((char) ('a' + random.nextInt(26)));
            } else if (kind < 8) {
                text.append((char) random.nextInt(0x80));
            } else if (kind == 8) {
                text.appendCodePoint(0x80 + random.nextInt(0xD000));
            } else {
                text.appendCodePoint(0x1F600 + random.nextInt(80));
            }
        }
        return text.toString();
    }

    /** Every value of the template (recursively) replaced by one of another JSON type. */
    private JsonNode wrongTypes(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = NODES.objectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                copy.set(field.getKey(), chance(0.5) ? wrongTypes(field.getValue()) : otherType(field.getValue()));
            }
            return chance(0.1) ? NODES.arrayNode().add(copy) : copy;
        }
        if (node.isArray()) {
            ArrayNode copy = NODES.arrayNode();
            node.forEach(item -> copy.add(chance(0.5) ? wrongTypes(item) : otherType(item)));
            return copy;
        }
        return otherType(node);
    }

    private JsonNode otherType(JsonNode node) {
        List<JsonNode> others = new ArrayList<>(List.of(NODES.nullNode(), NODES.booleanNode(true), NODES.numberNode(-1),
                NODES.numberNode(1.5e300), NODES.textNode(""), NODES.textNode("x".repeat(random.nextInt(3000))),
                NODES.arrayNode(), NODES.objectNode(), NODES.arrayNode().add(node)));
        others.removeIf(other -> other.getNodeType() == node.getNodeType() && !other.isContainerNode());
        return pick(others);
    }

    private byte[] deepNesting() {
        int depth = pick(List.of(600, 1_001, 5_000, 50_000, 200_000));
        String open = pick(List.of("[", "{\"a\":", "{\"events\":["));
        String close = open.equals("[") ? "]" : open.equals("{\"a\":") ? "}" : "]}";
        StringBuilder nested = new StringBuilder(depth * (open.length() + close.length()) + 1);
        nested.append(open.repeat(depth)).append('1');
        if (chance(0.8)) {
            nested.append(close.repeat(depth));
        }
        return utf8(nested.toString());
    }

    /** The template with its numbers and some strings replaced by numbers no Java type holds. */
    private String hugeNumbers(String template) {
        String huge = pick(List.of("1e999999999", "-1e400", "9".repeat(1_100), "9".repeat(20_000), "0." + "0".repeat(5000) + "1",
                "123456789012345678901234567890", "-0", "1E+2147483648", "NaN", "Infinity", "-Infinity", "0x10", "01",
                "1.", ".5", "1e", "9223372036854775808", "-9223372036854775809"));
        String replaced = template.replaceAll("(?<=[:\\[,])\\s*-?[0-9][0-9.eE+-]*", huge);
        if (replaced.equals(template) || chance(0.5)) {
            replaced = template.replaceFirst("(?<=:)\\s*\"[^\"]*\"", huge);
        }
        return replaced;
    }

    private byte[] invalidUtf8(byte[] valid) {
        byte[][] broken = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xFE, (byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}};
        String text = new String(valid, StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // into a string value when there is one, else anywhere
        int quote = text.indexOf(":\"");
        int at = quote >= 0 ? quote + 2 : random.nextInt(valid.length + 1);
        out.write(valid, 0, Math.min(at, valid.length));
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            out.writeBytes(broken[random.nextInt(broken.length)]);
        }
        if (at < valid.length) {
            out.write(valid, at, valid.length - at);
        }
        return out.toByteArray();
    }

    private byte[] duplicateKeys(String template) {
        int brace = template.indexOf('{');
        if (brace < 0) {
            return utf8("{\"a\":1,\"a\":2}");
        }
        int colon = template.indexOf(':', brace);
        if (colon < 0) {
            return utf8("{\"a\":1,\"a\":\"x\"}");
        }
        String firstKey = template.substring(brace + 1, colon).trim();
        return utf8("{" + firstKey + ":{\"nested\":true}," + template.substring(brace + 1));
    }

    private String controlCharacters(String template) {
        String control = pick(List.of("\\u0000", "\u0000", "\r\n", "\u202E", "\uFEFF", "\\ud800", "\\udfff\\ud800", "\t\u000B",
                "<script>alert(1)</script>", "'; DROP TABLE x; --", "${jndi:ldap://x/a}", "#{1+1}", "\\", "\""));
        String replaced = template.replaceFirst("(?<=:\\s?\")", java.util.regex.Matcher.quoteReplacement(control));
        return replaced.equals(template) ? "\uFEFF" + template : replaced;
    }

    private byte[] multipart() {
        String boundary = "fuzzboundary";
        return utf8(pick(List.of(
                "--" + boundary + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n{}\r\n--" + boundary + "--\r\n",
                "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../x\"\r\n"
                        + "Content-Type: application/json\r\n\r\n{\"a\":1}\r\n--" + boundary + "\r\n",
                "--" + boundary + "\r\n\r\n",
                "--wrong\r\nContent-Disposition: form-data\r\n\r\nx\r\n--wrong--\r\n",
                "no multipart at all")));
    }

    private byte[] oversized(int bytes) {
        byte[] body = new byte[bytes];
        java.util.Arrays.fill(body, (byte) ' ');
        body[0] = '[';
        body[bytes - 1] = ']';
        return body;
    }

    byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A target (path and query) mutated from {@code path}: broken escapes, raw bytes, long or odd segments. */
    String target(String path) {
        String escape = pick(BAD_ESCAPES);
        return switch (random.nextInt(10)) {
            case 0 -> path + "?a=" + escape;
            case 1 -> path + "?" + escape + "=" + escape + "&&=&" + escape;
            case 2 -> path + escape;
            case 3 -> path + "/" + escape + "/x";
            case 4 -> insertIntoPath(path, escape);
            case 5 -> path + "?x=" + "a".repeat(pick(List.of(100, 4_000, 9_000)));
            case 6 -> path + "/" + "b".repeat(pick(List.of(300, 7_000)));
            case 7 -> path.replace("/", "//");
            case 8 -> path + "?" + pick(List.of("limit=-1", "limit=99999999999999999999", "limit=%", "action=%zz",
                    "confirm=%c0", "video_id=%00&types=%", "user_id=" + escape + "&action=features", "action=health&action=features",
                    "last_event_id=-9223372036854775809", "types=,,,", "limit=all&limit=1"));
            default -> path + "#" + escape;
        };
    }

    private String insertIntoPath(String path, String escape) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? path + escape : path.substring(0, slash + 1) + escape + path.substring(slash + 1);
    }
}
