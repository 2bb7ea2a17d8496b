package routes.eventbridge;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.core.StringRedisTemplate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code GET /api/ml/bridge/python?action=features&user_id=...}: the user's features as seed 004 shows them,
 * {@code {python_features: {user_id, features}, combined_features: {python_features, typescript_features,
 * combined}}}. Python features are the hash {@code features:{user_id}} (the running features this bridge keeps,
 * plus whatever the Python service writes there); TypeScript features are {@code ml:serving:features:{user_id}}
 * (a hash or a JSON object string). {@code combined} is both merged, the {@code features:} values winning.
 * Numeric strings come out as numbers.
 */
public final class CombinedFeatures {

    public static final String SERVING_PREFIX = "ml:serving:features:";

    private final StringRedisTemplate redis;
    private final ObjectMapper json;

    public CombinedFeatures(StringRedisTemplate redis, ObjectMapper json) {
        this.redis = redis;
        this.json = json;
    }

    public Map<String, Object> read(String userId) {
        Map<String, Object> python = readKey(RunningFeatures.KEY_PREFIX + userId);
        Map<String, Object> typescript = readKey(SERVING_PREFIX + userId);
        Map<String, Object> merged = new TreeMap<>(typescript);
        merged.putAll(python);

        Map<String, Object> pythonFeatures = new LinkedHashMap<>();
        pythonFeatures.put("user_id", userId);
        pythonFeatures.put("features", python);
        Map<String, Object> combined = new LinkedHashMap<>();
        combined.put("python_features", python);
        combined.put("typescript_features", typescript);
        combined.put("combined", merged);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("user_id", userId);
        answer.put("python_features", pythonFeatures);
        answer.put("combined_features", combined);
        return answer;
    }

    private Map<String, Object> readKey(String key) {
        DataType type = redis.type(key);
        Map<String, Object> features = new TreeMap<>();
        if (type == DataType.HASH) {
            redis.<String, String>opsForHash().entries(key).forEach((field, value) -> features.put(field, typed(value)));
        } else if (type == DataType.STRING) {
            String text = redis.opsForValue().get(key);
            try {
                Map<String, Object> parsed = json.readValue(text, new TypeReference<Map<String, Object>>() { });
                if (parsed != null) {
                    features.putAll(parsed);
                }
            } catch (JsonProcessingException notAnObject) {
                features.put("value", text);
            }
        }
        return features;
    }

    static Object typed(String value) {
        if (value == null) {
            return null;
        }
        try {
            if (value.matches("-?\\d{1,18}")) {
                return Long.parseLong(value);
            }
            if (value.matches("-?\\d+\\.\\d+([eE][-+]?\\d+)?")) {
                return Double.parseDouble(value);
            }
        } catch (NumberFormatException tooBig) {
            return value;
        }
        return value;
    }
}
