package routes.shared;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The actuator endpoints other than health (and its groups), info and prometheus -- Hawtio ({@code /actuator/hawtio})
 * and Jolokia ({@code /actuator/jolokia}), which can read and change every route and MBean, and metrics, camelroutes,
 * the endpoint index {@code /actuator} and any endpoint exposed later -- sit behind HTTP basic login with
 * {@code HAWTIO_USER}/{@code HAWTIO_PASSWORD}, unless {@code hub.console.login-enabled=false} (the dev profile). On
 * the management port too, when {@code MANAGEMENT_SERVER_PORT} gives the actuator a port of its own (Spring Boot
 * applies this filter chain in the management context). Spring Security sees only those paths: every other request,
 * and health/info/prometheus (read by probes and Prometheus without credentials), skips its filter chain (running it
 * twice, once per dispatch of platform-http's asynchronous request, was about a third of a callback's CPU when the
 * extraction callback was served on this port); the API's own guards are servlet filters ({@code routes.shared.access})
 * and the internal endpoints' secret guard.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSecurity.class);
    private static final String ACTUATOR = "/actuator/**";
    /** Read without login: probes, load balancers and Prometheus. */
    private static final String[] PUBLIC = {"/actuator/health", "/actuator/health/**", "/actuator/info", "/actuator/prometheus"};

    @Bean
    SecurityFilterChain hubSecurity(HttpSecurity http, HubSettings settings) throws Exception {
        // path patterns on the whole request path: Jolokia is a servlet of its own, which Spring MVC's matchers miss
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        RequestMatcher open = new OrRequestMatcher(Arrays.stream(PUBLIC).map(p -> (RequestMatcher) paths.matcher(p)).toList());
        http.securityMatcher(new AndRequestMatcher(paths.matcher(ACTUATOR), new NegatedRequestMatcher(open)))
                .csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .headers(h -> h.frameOptions(f -> f.sameOrigin()));
        if (settings.console().loginEnabled()) {
            http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .httpBasic(Customizer.withDefaults());
        } else {
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
        }
        return http.build();
    }

    @Bean
    InMemoryUserDetailsManager consoleUsers(HubSettings settings) {
        String password = settings.console().password();
        if (password == null || password.isBlank()) {
            byte[] random = new byte[12];
            new SecureRandom().nextBytes(random);
            password = HexFormat.of().formatHex(random);
            if (settings.console().loginEnabled()) {
                LOG.warn("HAWTIO_PASSWORD is not set: Hawtio/Jolokia login for user '{}' uses the generated password {}",
                        settings.console().user(), password);
            }
        }
        return new InMemoryUserDetailsManager(User.withUsername(settings.console().user())
                .password("{noop}" + password).roles("ADMIN").build());
    }
}
