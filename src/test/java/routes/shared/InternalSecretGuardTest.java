package routes.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class InternalSecretGuardTest {

    private final InternalSecretGuard guard = new InternalSecretGuard("current-secret", "previous-secret");

    @Test
    void acceptsTheCurrentAndThePreviousSecret() {
        assertThat(guard.accepts("current-secret")).isTrue();
        assertThat(guard.accepts("previous-secret")).isTrue();
    }

    @Test
    void refusesWrongMissingAndDifferentLengthSecrets() {
        assertThat(guard.accepts("current-secreT")).isFalse();
        assertThat(guard.accepts(null)).isFalse();
        assertThat(guard.accepts("")).isFalse();
        assertThat(guard.accepts("current-secret-and-more")).isFalse();
        assertThat(guard.accepts("c")).isFalse();
    }

    @Test
    void withNothingConfiguredEverythingIsRefused() {
        InternalSecretGuard unconfigured = new InternalSecretGuard("", null);
        assertThat(unconfigured.configured()).isFalse();
        assertThat(unconfigured.accepts("")).isFalse();
        assertThat(unconfigured.accepts("anything")).isFalse();
    }

    @Test
    void asAProcessorItRejectsWithUnauthorizedCallerAndDropsTheHeaderWhenAccepted() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Exchange wrong = new DefaultExchange(context);
            wrong.getMessage().setHeader(InternalSecretGuard.HEADER, "nope");
            assertThatThrownBy(() -> guard.process(wrong)).isInstanceOf(InternalSecretGuard.UnauthorizedCaller.class)
                    .hasMessage("unauthorized");

            Exchange right = new DefaultExchange(context);
            right.getMessage().setHeader(InternalSecretGuard.HEADER, "previous-secret");
            guard.process(right);
            assertThat(right.getMessage().getHeaders()).doesNotContainKey(InternalSecretGuard.HEADER);
        }
    }
}
