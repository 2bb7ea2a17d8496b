package routes.shared;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.http.DefaultNettyHttpBinding;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;

/**
 * The internal listener's (netty-http) binding, with one difference from Camel's: a request target it cannot parse
 * (a broken percent-escape such as {@code ?a=%} or {@code /%u0041}, a raw {@code #}, bytes outside ASCII) no longer
 * fails the binding, which closed the connection without an answer. The target is read again with every character
 * that made it unparseable percent-encoded, the headers are mapped as usual, and header {@value #INVALID_TARGET}
 * says what was wrong; {@link Check} (in the shared {@code hubHttp} route configuration) answers such a request 400
 * with the JSON problem body.
 * <p>
 * And the answer to a {@code HEAD} request goes without its body (headers only, as HTTP requires): netty-http wrote
 * the body (a 405 problem, say), which a keep-alive client then read as the start of the next answer.
 */
public final class RequestTargetNettyHttpBinding extends DefaultNettyHttpBinding {

    public static final String INVALID_TARGET = "HubInvalidRequestTarget";
    private static final String HEAD_REQUEST = "HubHeadRequest";

    @Override
    public void populateCamelHeaders(HttpRequest request, Map<String, Object> headers, Exchange exchange,
                                     NettyHttpConfiguration configuration) throws Exception {
        if (HttpMethod.HEAD.equals(request.method())) {
            exchange.setProperty(HEAD_REQUEST, true);
        }
        try {
            super.populateCamelHeaders(request, headers, exchange, configuration);
        } catch (Exception unparseable) {
            headers.clear();
            HttpRequest readable = new DefaultHttpRequest(request.protocolVersion(), request.method(), escape(request.uri()),
                    request.headers());
            super.populateCamelHeaders(readable, headers, exchange, configuration);
            headers.put(INVALID_TARGET, "the request target is not a valid URI (a broken percent-escape or a character that must be escaped)");
        }
    }

    @Override
    public HttpResponse toNettyResponse(Message message, NettyHttpConfiguration configuration) throws Exception {
        HttpResponse response = super.toNettyResponse(message, configuration);
        if (response instanceof FullHttpResponse full && message.getExchange().getProperty(HEAD_REQUEST, false, Boolean.class)) {
            FullHttpResponse headersOnly = full.replace(Unpooled.EMPTY_BUFFER);
            full.release();
            return headersOnly;
        }
        return response;
    }

    /** {@code target} with every {@code %} that starts no escape, and every character a URI cannot hold, escaped. */
    static String escape(String target) {
        StringBuilder escaped = new StringBuilder(target.length() + 16);
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '%' && hex(target, i + 1) && hex(target, i + 2)) {
                escaped.append(c);
            } else if (c > 0x20 && c < 0x7F && c != '%' && c != '#' && c != '"' && c != '<' && c != '>' && c != '\\'
                    && c != '^' && c != '`' && c != '{' && c != '|' && c != '}') {
                escaped.append(c);
            } else {
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    escaped.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
                }
            }
        }
        return escaped.toString();
    }

    private static boolean hex(String text, int at) {
        return at < text.length() && Character.digit(text.charAt(at), 16) >= 0;
    }

    /** The route side: a request whose target was unparseable is answered 400. */
    public static final class Check implements Processor {

        @Override
        public void process(Exchange exchange) {
            String invalid = exchange.getMessage().getHeader(INVALID_TARGET, String.class);
            if (invalid != null) {
                exchange.getMessage().removeHeader(INVALID_TARGET);
                throw HttpProblem.badRequest("target", invalid);
            }
        }
    }
}
