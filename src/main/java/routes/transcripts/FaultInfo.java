package routes.transcripts;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Why a delivery faulted, as MassTransit reports it in the {@code MT-Fault-*} headers and in Fault&lt;T&gt;:
 * exception type, message, stack trace (each cut to 2048 characters) and the retries spent (0 = none).
 */
public record FaultInfo(String exceptionType, String message, String stackTrace, int retryCount) {

    public static final String PROPERTY = "transcriptsFault";
    static final int LIMIT = 2048;

    public FaultInfo {
        message = cut(message);
        stackTrace = cut(stackTrace);
    }

    public static FaultInfo of(Throwable error, int retryCount) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        return new FaultInfo(error.getClass().getName(), String.valueOf(error.getMessage()), trace.toString(), retryCount);
    }

    public static FaultInfo of(TranscriptOutcome outcome) {
        return new FaultInfo(outcome.exceptionType() != null ? outcome.exceptionType() : "routes.transcripts.TranscriptApiFailure",
                outcome.error(), outcome.stackTrace(), outcome.retryCount());
    }

    private static String cut(String value) {
        return value == null || value.length() <= LIMIT ? value : value.substring(0, LIMIT);
    }
}
