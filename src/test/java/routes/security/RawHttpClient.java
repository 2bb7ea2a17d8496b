package routes.security;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1.1 client over a raw socket, so anything can be sent: malformed request lines, duplicate or missing
 * headers, conflicting lengths, broken percent-escapes. It keeps one connection open between requests (keep-alive)
 * until the server closes it or the caller asks for a fresh one, and tells an answer from a reset (the connection
 * closed or reset before a whole answer came) and a timeout (no answer within {@code timeoutMs}).
 */
final class RawHttpClient implements AutoCloseable {

    /** What came back for one request. */
    record Outcome(Kind kind, int status, String head, byte[] body, String failure) {

        enum Kind { ANSWER, RESET, TIMEOUT }

        static Outcome answer(int status, String head, byte[] body) {
            return new Outcome(Kind.ANSWER, status, head, body, null);
        }

        String bodyText() {
            return body == null ? "" : new String(body, StandardCharsets.UTF_8);
        }
    }

    private final int port;
    private final int timeoutMs;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int answersOnConnection;
    private long deadline;

    RawHttpClient(int port, int timeoutMs) {
        this.port = port;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Sends {@code request} (head and body as bytes, exactly as given) over the kept connection, or a new one from
     * {@code localAddress} when {@code fresh} or when there is none. The answer's body is read as its framing says
     * (Content-Length, chunked, or up to the close); an event stream's body is not read: its connection is closed
     * after the head. A kept connection that the server had closed before this request (no byte of an answer,
     * the request written to a stale connection) is replaced once and the request sent again, as any HTTP client does.
     */
    Outcome send(byte[] request, boolean fresh, boolean headRequest, InetAddress localAddress) {
        if (fresh) {
            close();
        }
        boolean reused = socket != null && answersOnConnection > 0;
        Outcome outcome = attempt(request, headRequest, localAddress);
        if (reused && outcome.kind() == Outcome.Kind.RESET && outcome.head().isEmpty()) {
            close();
            outcome = attempt(request, headRequest, localAddress);
        }
        return outcome;
    }

    private Outcome attempt(byte[] request, boolean headRequest, InetAddress localAddress) {
        // the whole answer within the timeout: an answer that keeps trickling in (a stream) is a timeout too
        deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        try {
            if (socket == null) {
                socket = new Socket();
                if (localAddress != null) {
                    socket.bind(new InetSocketAddress(localAddress, 0));
                }
                socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
                socket.setSoTimeout(timeoutMs);
                socket.setTcpNoDelay(true);
                in = new java.io.BufferedInputStream(socket.getInputStream());
                out = socket.getOutputStream();
                answersOnConnection = 0;
            }
        } catch (IOException e) {
            close();
            return new Outcome(Outcome.Kind.RESET, 0, "", null, "connect: " + e);
        }
        try {
            out.write(request);
            out.flush();
        } catch (IOException writeFailed) {
            // the server may have answered (413) and closed while the body was still being sent: read what it said
        }
        try {
            Outcome outcome = read(headRequest);
            answersOnConnection++;
            return outcome;
        } catch (SocketTimeoutException e) {
            close();
            return new Outcome(Outcome.Kind.TIMEOUT, 0, "", null, "no whole answer within " + timeoutMs + " ms: " + e.getMessage());
        } catch (PartialAnswer e) {
            close();
            return new Outcome(Outcome.Kind.RESET, 0, e.head, null, e.getMessage());
        } catch (IOException e) {
            close();
            return new Outcome(Outcome.Kind.RESET, 0, "", null, e.toString());
        }
    }

    private Outcome read(boolean headRequest) throws IOException {
        String head;
        try {
            head = readHead();
            while (head.matches("(?s)HTTP/1\\.\\d 1\\d\\d .*") && !head.startsWith("HTTP/1.1 101")) {
                // 100 Continue and other interim answers: the final answer follows
                head = readHead();
            }
        } catch (SocketException | EOFException e) {
            throw new PartialAnswer("", "connection closed or reset before an answer: " + e.getMessage());
        }
        String[] statusLine = head.substring(0, head.indexOf("\r\n") < 0 ? head.length() : head.indexOf("\r\n")).split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (RuntimeException e) {
            throw new PartialAnswer(head, "not an HTTP status line: " + statusLine[0]);
        }
        List<String[]> headers = headers(head);
        String contentType = header(headers, "content-type");
        boolean close = "close".equalsIgnoreCase(header(headers, "connection")) || head.startsWith("HTTP/1.0");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
            close();
            return Outcome.answer(status, head, new byte[0]);
        }
        byte[] body;
        try {
            if (headRequest || status / 100 == 1 || status == 204 || status == 304) {
                body = new byte[0];
            } else if ("chunked".equalsIgnoreCase(header(headers, "transfer-encoding"))) {
                body = readChunked();
            } else if (header(headers, "content-length") != null) {
                body = readFully(Integer.parseInt(header(headers, "content-length").trim()));
            } else {
                body = readToClose();
                close = true;
            }
        } catch (SocketException | EOFException e) {
            throw new PartialAnswer(head, "connection closed or reset inside the answer's body: " + e.getMessage());
        }
        if (close) {
            close();
        }
        return Outcome.answer(status, head, body);
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(head.size() + " bytes of an answer");
            }
            head.write(b);
            if ((head.size() & 255) == 0) {
                checkDeadline();
            }
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : b == '\r' ? 1 : 0;
            if (head.size() > 64 * 1024) {
                throw new IOException("answer head over 64 KiB");
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static List<String[]> headers(String head) {
        List<String[]> headers = new ArrayList<>();
        String[] lines = head.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.add(new String[] {lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim()});
            }
        }
        return headers;
    }

    private static String header(List<String[]> headers, String name) {
        return headers.stream().filter(h -> h[0].equals(name)).map(h -> h[1]).findFirst().orElse(null);
    }

    private byte[] readFully(int length) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (body.size() < length) {
            int read = in.read(buffer, 0, Math.min(buffer.length, length - body.size()));
            if (read < 0) {
                throw new EOFException(body.size() + " of " + length + " bytes");
            }
            body.write(buffer, 0, read);
            checkDeadline();
        }
        return body.toByteArray();
    }

    private byte[] readToClose() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int read;
        while ((read = in.read(buffer)) >= 0) {
            body.write(buffer, 0, read);
            checkDeadline();
        }
        return body.toByteArray();
    }

    private void checkDeadline() throws SocketTimeoutException {
        if (System.nanoTime() > deadline) {
            throw new SocketTimeoutException("answer not complete within the timeout");
        }
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = readLine();
            int semicolon = size.indexOf(';');
            int length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (length == 0) {
                while (!readLine().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.writeBytes(readFully(length));
            readLine();
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("inside a chunked body");
            }
            if (b != '\r') {
                line.append((char) b);
            }
            if (line.length() > 1024) {
                throw new IOException("chunk size line over 1 KiB");
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
        in = null;
        out = null;
        answersOnConnection = 0;
    }

    /** The server closed or reset the connection before a whole answer. */
    private static final class PartialAnswer extends IOException {

        final String head;

        PartialAnswer(String head, String message) {
            super(message);
            this.head = head;
        }
    }
}
