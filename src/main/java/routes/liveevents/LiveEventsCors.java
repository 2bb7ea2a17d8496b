package routes.liveevents;

import java.util.Arrays;

import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * CORS for the front end ({@code FRONTEND_URL}, comma-separated origins) on {@code /api/v2/events/**}, with
 * credentials, so a page on another origin can open {@code new EventSource(url, {withCredentials: true})}.
 * Applies to the MVC stream and to the Camel REST endpoints (platform-http registers them with Spring MVC).
 */
final class LiveEventsCors implements WebMvcConfigurer {

    private final String[] origins;

    LiveEventsCors(String frontendUrl) {
        this.origins = Arrays.stream(frontendUrl == null ? new String[0] : frontendUrl.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s)
                .toArray(String[]::new);
    }

    String[] origins() {
        return origins.clone();
    }

    @Override
    public void addCorsMappings(CorsRegistry registry) {
        if (origins.length == 0) {
            return;
        }
        registry.addMapping("/api/v2/events/**")
                .allowedOrigins(origins)
                .allowedMethods("GET", "POST", "OPTIONS")
                .allowedHeaders("*")
                .exposedHeaders("Retry-After")
                .allowCredentials(true)
                .maxAge(3600);
    }
}
