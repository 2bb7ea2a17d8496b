package routes.liveevents;

import java.util.Arrays;
import java.util.List;

import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * CORS for the front end ({@code FRONTEND_URL}, comma-separated origins) on {@code /api/v2/events/**}, with
 * credentials, so a page on another origin can open {@code new EventSource(url, {withCredentials: true})} and POST.
 * Served by a servlet {@code CorsFilter} ahead of Spring Security and of both handler mappings (the MVC stream
 * controller and Camel's platform-http mapping, which does not take WebMvcConfigurer CORS settings). A request from
 * another origin is refused with 403.
 */
final class LiveEventsCors {

    static final String PATHS = "/api/v2/events/**";

    private LiveEventsCors() {
    }

    static List<String> origins(String frontendUrl) {
        return Arrays.stream(frontendUrl == null ? new String[0] : frontendUrl.split(","))
                .map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s)
                .toList();
    }

    static UrlBasedCorsConfigurationSource source(String frontendUrl) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(origins(frontendUrl));
        cors.setAllowedMethods(List.of("GET", "POST", "OPTIONS"));
        cors.setAllowedHeaders(List.of("*"));
        cors.setExposedHeaders(List.of("Retry-After"));
        cors.setAllowCredentials(true);
        cors.setMaxAge(3600L);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration(PATHS, cors);
        return source;
    }
}
