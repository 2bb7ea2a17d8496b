package routes.shared;

import java.io.IOException;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Spring MVC's own refusals on the public listener, in the hub's problem format ({@link ProblemAnswer}): a method a
 * handler does not take ({@code 405 method_not_allowed}, {@code Allow}), a body type it does not consume
 * ({@code 415 unsupported_media_type}, {@code Accept}) and an {@code Accept} it cannot answer
 * ({@code 406 not_acceptable}). MVC finds these before any handler runs: the live events' SSE controller, and the
 * Camel REST routes, whose {@code consumes}/{@code produces} platform-http registers as MVC request mappings.
 * Without this resolver, Spring's {@code DefaultHandlerExceptionResolver} sent the bare status and Spring Boot's
 * error page wrote {@code {"timestamp":..,"status":405,"error":"Method Not Allowed","path":..}} (HTML to a browser).
 * Ordered right after Spring Boot's {@code DefaultErrorAttributes}, which only records the error.
 */
public final class MvcProblemAnswers implements HandlerExceptionResolver, Ordered {

    private final ProblemAnswer problems;

    public MvcProblemAnswers(ProblemAnswer problems) {
        this.problems = problems;
    }

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
                                         Exception error) {
        try {
            if (error instanceof HttpRequestMethodNotSupportedException refused) {
                String allowed = refused.getSupportedHttpMethods() == null ? ""
                        : refused.getSupportedHttpMethods().stream().map(HttpMethod::name).sorted()
                                .collect(Collectors.joining(", "));
                problems.send(response, 405, "method_not_allowed", "method " + refused.getMethod()
                        + " is not allowed here" + (allowed.isEmpty() ? "" : "; use " + allowed),
                        allowed.isEmpty() ? Map.of() : Map.of("Allow", allowed));
            } else if (error instanceof HttpMediaTypeNotSupportedException refused) {
                String supported = MediaType.toString(refused.getSupportedMediaTypes());
                problems.send(response, 415, "unsupported_media_type", "Content-Type", "the body must be sent as "
                        + (supported.isEmpty() ? "another media type" : supported) + " (got "
                        + (refused.getContentType() == null ? "none" : "'" + refused.getContentType() + "'") + ")",
                        supported.isEmpty() ? Map.of() : Map.of("Accept", supported));
            } else if (error instanceof HttpMediaTypeNotAcceptableException refused) {
                String supported = MediaType.toString(refused.getSupportedMediaTypes());
                problems.send(response, 406, "not_acceptable", "Accept", "this endpoint answers "
                        + (supported.isEmpty() ? "another media type" : supported)
                        + "; send an Accept header that allows it", Map.of());
            } else {
                return null;
            }
        } catch (IOException | IllegalStateException unwritable) {
            // the response was already committed (or the client went away): leave it to the next resolver
            return null;
        }
        return new ModelAndView();
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1;
    }
}
