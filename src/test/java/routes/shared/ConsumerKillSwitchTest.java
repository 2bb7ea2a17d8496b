package routes.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StatefulService;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kill switch on a real Camel route (seda: consumer, so what is sent while it is stopped waits in the queue): failure rate
 * over the tracking period, activation threshold, ignored exceptions, handled failures, restart after the timeout.
 */
class ConsumerKillSwitchTest {

    private final MovableClock clock = new MovableClock();
    private final ConsumerKillSwitch killSwitch = new ConsumerKillSwitch(clock);
    private final ConsumerKillSwitch handledSwitch = new ConsumerKillSwitch(clock);
    private CamelContext camel;
    private ProducerTemplate producer;
    private MockEndpoint done;

    @BeforeEach
    void start() throws Exception {
        killSwitch.setActivationThreshold(4);
        killSwitch.setTripThreshold(50);
        killSwitch.setTrackingPeriod("10s");
        killSwitch.setRestartTimeout("1s");
        killSwitch.setIgnoredExceptions(IllegalStateException.class.getName());
        handledSwitch.setActivationThreshold(4);
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("killSwitch", killSwitch);
        camel.getRegistry().bind("handledSwitch", handledSwitch);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("seda:work").routeId("work").routePolicyRef("killSwitch")
                        .choice()
                            .when(body().isEqualTo("fail")).throwException(new IllegalArgumentException("boom"))
                            .when(body().isEqualTo("busy")).throwException(new IllegalStateException("in work elsewhere"))
                        .end()
                        .to("mock:done");
                from("seda:handled").routeId("handled").routePolicyRef("handledSwitch")
                        .onException(IllegalArgumentException.class).handled(true).end()
                        .throwException(new IllegalArgumentException("dead-lettered"));
            }
        });
        camel.start();
        producer = camel.createProducerTemplate();
        done = camel.getEndpoint("mock:done", MockEndpoint.class);
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void belowTheActivationThreshold_neverTrips() {
        send("fail", "fail", "fail");
        await().until(() -> killSwitch.snapshot().failures() == 3);
        assertThat(killSwitch.snapshot().state()).isEqualTo(ConsumerKillSwitch.State.CLOSED);
        assertThat(consumerStopped("work")).isFalse();
    }

    @Test
    void atTheTripThreshold_stopsTheConsumer_andStartsItAgainAfterTheRestartTimeout() throws Exception {
        send("ok", "ok", "fail");
        await().until(() -> killSwitch.snapshot().attempts() == 3);
        assertThat(killSwitch.snapshot().state()).isEqualTo(ConsumerKillSwitch.State.CLOSED);
        send("fail"); // 2 of 4 = 50 %

        await().until(() -> killSwitch.snapshot().state() == ConsumerKillSwitch.State.TRIPPED);
        assertThat(killSwitch.snapshot().restartAt()).isEqualTo(clock.instant().plusSeconds(1));
        await().until(() -> consumerStopped("work"));
        send("ok");
        Thread.sleep(200);
        assertThat(done.getReceivedCounter()).as("nothing consumed while tripped").isEqualTo(2);

        await().atMost(Duration.ofSeconds(5)).until(() -> killSwitch.snapshot().state() == ConsumerKillSwitch.State.CLOSED);
        await().until(() -> done.getReceivedCounter() == 3);
        assertThat(killSwitch.snapshot().attempts()).as("the window starts empty after a restart").isEqualTo(1);
    }

    @Test
    void aFailureRateBelowTheThreshold_keepsConsuming() {
        for (int i = 0; i < 20; i++) {
            send(i % 3 == 2 ? "fail" : "ok"); // 6 of 20, never above 40 % on the way
        }
        await().until(() -> killSwitch.snapshot().attempts() == 20);
        assertThat(killSwitch.snapshot().state()).isEqualTo(ConsumerKillSwitch.State.CLOSED);
    }

    @Test
    void failuresOlderThanTheTrackingPeriod_doNotCount() {
        send("fail", "fail", "fail");
        await().until(() -> killSwitch.snapshot().failures() == 3);
        clock.advance(Duration.ofSeconds(11));
        send("fail");
        await().until(() -> killSwitch.snapshot().attempts() == 1);
        assertThat(killSwitch.snapshot().state()).isEqualTo(ConsumerKillSwitch.State.CLOSED);
    }

    @Test
    void ignoredExceptions_areNeitherFailureNorSuccess() {
        for (int i = 0; i < 10; i++) {
            send("busy");
        }
        send("ok");
        await().until(() -> done.getReceivedCounter() == 1);
        assertThat(killSwitch.snapshot().attempts()).isEqualTo(1);
        assertThat(killSwitch.snapshot().state()).isEqualTo(ConsumerKillSwitch.State.CLOSED);
    }

    @Test
    void aHandledFailure_deadLetteredByTheRoute_counts() {
        for (int i = 0; i < 4; i++) {
            producer.sendBody("seda:handled", "x");
        }
        await().until(() -> handledSwitch.snapshot().state() == ConsumerKillSwitch.State.TRIPPED);
        assertThat(handledSwitch.snapshot().failures()).isEqualTo(4);
        await().until(() -> consumerStopped("handled"));
    }

    @Test
    void disabled_countsNothingAndNeverTrips() {
        killSwitch.setEnabled(false);
        for (int i = 0; i < 10; i++) {
            send("fail");
        }
        send("ok");
        await().until(() -> done.getReceivedCounter() == 1);
        assertThat(killSwitch.snapshot().state()).isEqualTo(ConsumerKillSwitch.State.DISABLED);
        assertThat(killSwitch.snapshot().attempts()).isZero();
    }

    @Test
    void anOperatorTrip_stopsTheConsumer_andRestartStartsItNow() {
        killSwitch.setRestartTimeout("1h");
        killSwitch.trip();
        assertThat(killSwitch.getSwitchState()).isEqualTo("TRIPPED");
        await().until(() -> consumerStopped("work"));
        killSwitch.restart();
        await().until(() -> "CLOSED".equals(killSwitch.getSwitchState()));
        await().until(() -> !consumerStopped("work"));
        send("ok");
        await().until(() -> done.getReceivedCounter() == 1);
    }

    @Test
    void hawtioSeesTheSwitch_asACamelServiceWithStateAndOperations() throws Exception {
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        java.util.Set<javax.management.ObjectName> names = jmx.queryNames(new javax.management.ObjectName(
                "org.apache.camel:context=" + camel.getManagementName() + ",type=services,*"), null);
        javax.management.ObjectName mbean = names.stream()
                .filter(name -> name.getKeyProperty("name")
                        .equals("ConsumerKillSwitch(0x" + Integer.toHexString(System.identityHashCode(killSwitch)) + ")"))
                .findFirst().orElseThrow(() -> new AssertionError("no ConsumerKillSwitch MBean among " + names));
        assertThat(jmx.getAttribute(mbean, "SwitchState")).isEqualTo("CLOSED");
        assertThat(jmx.getAttribute(mbean, "GuardedRoute")).isEqualTo("work");
        killSwitch.setRestartTimeout("1h");
        jmx.invoke(mbean, "trip", new Object[0], new String[0]);
        assertThat(jmx.getAttribute(mbean, "SwitchState")).isEqualTo("TRIPPED");
        await().until(() -> consumerStopped("work"));
        jmx.invoke(mbean, "restart", new Object[0], new String[0]);
        await().until(() -> "CLOSED".equals(jmx.getAttribute(mbean, "SwitchState")));
    }

    @Test
    void oneSwitchGuardsOneRoute() {
        ConsumerKillSwitch shared = new ConsumerKillSwitch(clock);
        CamelContext other = new DefaultCamelContext();
        other.getRegistry().bind("shared", shared);
        assertThatThrownBy(() -> {
            other.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("seda:a").routeId("a").routePolicyRef("shared").log("a");
                    from("seda:b").routeId("b").routePolicyRef("shared").log("b");
                }
            });
            other.start();
        }).hasStackTraceContaining("one ConsumerKillSwitch bean per route");
        other.stop();
    }

    @Test
    void durations_acceptShortFormsAndIso() {
        assertThat(ConsumerKillSwitch.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConsumerKillSwitch.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConsumerKillSwitch.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ConsumerKillSwitch.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> ConsumerKillSwitch.parse("3 days")).isInstanceOf(IllegalArgumentException.class);
    }

    private void send(String... bodies) {
        for (String body : bodies) {
            producer.sendBody("seda:work", body);
        }
    }

    private boolean consumerStopped(String routeId) {
        return ((StatefulService) camel.getRoute(routeId).getConsumer()).isStopped();
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-03T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
