package routes.shared;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code RABBITMQ_URL} as the source services wrote it: {@code amqp[s]://user:pass@host:port/vhost}.
 * An empty path means the default virtual host {@code /}, as Python's pika reads it (the AMQP URI spec
 * would read it as the empty vhost, which the broker refuses); {@code %2F} names {@code /} explicitly.
 */
public record RabbitMqUrl(String host, int port, String username, String password, String virtualHost, boolean tls) {

    public static RabbitMqUrl parse(String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("RABBITMQ_URL is not a valid URI: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme();
        if (!"amqp".equalsIgnoreCase(scheme) && !"amqps".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("RABBITMQ_URL must start with amqp:// or amqps://, got: " + url);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("RABBITMQ_URL has no host: " + url);
        }
        boolean tls = "amqps".equalsIgnoreCase(scheme);
        int port = uri.getPort() > 0 ? uri.getPort() : (tls ? 5671 : 5672);
        String user = "guest";
        String pass = "guest";
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            pass = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        }
        String rawPath = uri.getRawPath();
        String vhost = rawPath == null || rawPath.isEmpty() || "/".equals(rawPath) ? "/" : decode(rawPath.substring(1));
        return new RabbitMqUrl(uri.getHost(), port, user, pass, vhost, tls);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The same connection as Spring Boot's {@code spring.rabbitmq.*} properties. */
    public Map<String, Object> springProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("spring.rabbitmq.host", host);
        props.put("spring.rabbitmq.port", port);
        props.put("spring.rabbitmq.username", username);
        props.put("spring.rabbitmq.password", password);
        props.put("spring.rabbitmq.virtual-host", virtualHost);
        props.put("spring.rabbitmq.ssl.enabled", tls);
        return props;
    }

    /** The virtual host as MassTransit writes it in addresses: omitted for {@code /}. */
    public String addressPath() {
        return "/".equals(virtualHost) ? "" : "/" + virtualHost;
    }
}
