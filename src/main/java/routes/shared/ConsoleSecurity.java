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
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Hawtio ({@code /actuator/hawtio}) and Jolokia ({@code /actuator/jolokia}) can read and change every route
 * and MBean, so they sit behind HTTP basic login with {@code HAWTIO_USER}/{@code HAWTIO_PASSWORD}, unless
 * {@code hub.console.login-enabled=false} (the dev profile). Spring Security sees only those two paths: every
 * other request skips its filter chain (running it twice, once per dispatch of platform-http's asynchronous request,
 * was about a third of a callback's CPU when the extraction callback was served on this port), because the internal endpoints carry
 * their own secret guard and health/metrics are read by probes and Prometheus.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSecurity.class);
    private static final String[] CONSOLE = {"/actuator/hawtio/**", "/actuator/jolokia/**"};

    @Bean
    SecurityFilterChain hubSecurity(HttpSecurity http, HubSettings settings) throws Exception {
        // path patterns on the whole request path: Jolokia is a servlet of its own, which Spring MVC's matchers miss
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        http.securityMatcher(new OrRequestMatcher(Arrays.stream(CONSOLE).map(p -> (RequestMatcher) paths.matcher(p)).toList()))
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
