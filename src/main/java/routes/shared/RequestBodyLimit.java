package routes.shared;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The body-size limit of the public listener (every path of port 8080): a request whose {@code Content-Length} is
 * over {@code maxBodyBytes} is answered 413 before a byte of its body is read; a body without a length (chunked) is
 * read up to the limit and answered 413 as soon as it passes it. Either way the answer is the hub's JSON problem
 * body {@code {"error":"payload_too_large","field":"body","message":...}} with {@code Connection: close}: the
 * connection is closed after the answer, so the rest of the body is never read into the heap. A body under the limit
 * is read here and handed on from these bytes (at most the limit is held per request), after one more check: the hub
 * reads every body as UTF-8 text (Spring Boot forces the request encoding), so a body that is not valid UTF-8 is
 * answered 400 {@code {"error":"invalid_request","field":"body",...}} here. (Tomcat's reader used to fail on such a
 * body inside Camel's platform-http consumer, which answered 500 "Stream closed".)
 */
public final class RequestBodyLimit extends OncePerRequestFilter {

    private final long maxBodyBytes;
    private final ProblemAnswer problems;

    public RequestBodyLimit(long maxBodyBytes, ProblemAnswer problems) {
        this.maxBodyBytes = maxBodyBytes;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBodyBytes) {
            tooLarge(response);
            return;
        }
        if (declared == 0 || (declared < 0 && !hasBody(request))) {
            chain.doFilter(request, response);
            return;
        }
        // with a Content-Length the container stops there: at most the limit is read
        byte[] body = readUpToLimit(request.getInputStream());
        if (body == null) {
            tooLarge(response);
            return;
        }
        if (!utf8(body)) {
            notUtf8(response);
            return;
        }
        chain.doFilter(new BufferedBody(request, body), response);
    }

    private static boolean utf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean hasBody(HttpServletRequest request) {
        String encoding = request.getHeader("Transfer-Encoding");
        return encoding != null && !encoding.isBlank();
    }

    /** The whole body, or null once it is longer than the limit. */
    private byte[] readUpToLimit(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long total = 0;
        int read;
        while ((read = in.read(buffer)) != -1) {
            total += read;
            if (total > maxBodyBytes) {
                return null;
            }
            out.write(buffer, 0, read);
        }
        return out.toByteArray();
    }

    private void tooLarge(HttpServletResponse response) throws IOException {
        problems.send(response, 413, "payload_too_large", "body", "the body must be at most " + maxBodyBytes
                + " bytes (HTTP_MAX_BODY_BYTES)", Map.of("Connection", "close"));
    }

    private void notUtf8(HttpServletResponse response) throws IOException {
        problems.send(response, 400, "invalid_request", "body", "the body is not valid UTF-8", Map.of());
    }

    /** The request with the body already read here. */
    private static final class BufferedBody extends HttpServletRequestWrapper {

        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    try {
                        listener.onDataAvailable();
                        listener.onAllDataRead();
                    } catch (IOException e) {
                        listener.onError(e);
                    }
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            // checked to be UTF-8 above, the encoding Spring Boot forces on every request
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        }
    }
}
