package routes.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueInformation;

/**
 * The parking rule with several hub instances: the parking queue (ready messages, replay consumers) is what they
 * share, so an instance that never parked anything itself still keeps its batches behind another instance's backlog.
 */
class PythonBridgeTest {

    private static final String QUEUE = "event-bridge.python.parked";

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final AmqpAdmin amqp = mock(AmqpAdmin.class);
    private final PythonBridge bridge = new PythonBridge(camel, amqp, true, "http://python", QUEUE, "dead");

    @AfterEach
    void stop() throws Exception {
        camel.close();
    }

    private void queue(int ready, int consumers) {
        when(amqp.getQueueInfo(QUEUE)).thenReturn(new QueueInformation(QUEUE, ready, consumers));
    }

    @Test
    void anEmptyQueueWithoutReplayLetsBatchesGoStraightToPython() {
        queue(0, 0);
        assertThat(bridge.shouldPark()).isFalse();
        assertThat(bridge.backlog()).isFalse();
    }

    @Test
    void batchesParkedByAnotherInstanceComeFirst() {
        queue(3, 0);
        assertThat(bridge.shouldPark()).isTrue();
        bridge.parkFinished();
        assertThat(bridge.backlog()).isTrue();
        // the other instance's replay emptied the queue and stopped: the next passing health check here clears the backlog
        queue(0, 0);
        org.apache.camel.Exchange check = new org.apache.camel.support.DefaultExchange(camel);
        check.getMessage().setHeader(org.apache.camel.Exchange.HTTP_RESPONSE_CODE, 200);
        bridge.healthAnswered(check);
        assertThat(bridge.replayDue()).isFalse();
        assertThat(bridge.backlog()).isFalse();
        assertThat(bridge.shouldPark()).isFalse();
    }

    @Test
    void aReplayRunningOnAnotherInstanceKeepsBatchesParkedUntilItStops() {
        // its consumer holds the last parked batch (not ready any more): sending now could overtake it
        queue(0, 1);
        assertThat(bridge.shouldPark()).isTrue();
        bridge.parkFinished();
        assertThat(bridge.replayDrained()).as("another instance's replay is still attached").isFalse();
        assertThat(bridge.backlog()).isTrue();
        queue(0, 0);
        assertThat(bridge.replayDrained()).isTrue();
        assertThat(bridge.backlog()).isFalse();
    }

    @Test
    void aQueueNobodyCanReadParksTheBatchWithoutInventingABacklog() {
        when(amqp.getQueueInfo(QUEUE)).thenThrow(new AmqpConnectException(new java.net.ConnectException("down")));
        assertThat(bridge.shouldPark()).isTrue();
        bridge.parkFinished();
        assertThat(bridge.backlog()).isFalse();
        assertThat(bridge.parkedBatches()).isEqualTo(-1);
    }

    @Test
    void aMissingQueueCountsAsEmpty() {
        when(amqp.getQueueInfo(QUEUE)).thenReturn(null);
        assertThat(bridge.shouldPark()).isFalse();
        assertThat(bridge.parkedBatches()).isZero();
    }

    @Test
    void aReplayStoppingKeepsTheBacklogUntilItHasStopped() throws Exception {
        // a replay that could not deliver its batch stops (controlbus): its consumer is cancelled, and until the
        // listener's nack has put the batch back first, the queue shows it neither ready nor consumed
        java.util.concurrent.CountDownLatch stopping = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        camel.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                from("direct:replay").routeId(PythonBridge.REPLAY_ROUTE_ID)
                        .routePolicy(new org.apache.camel.support.RoutePolicySupport() {
                            @Override
                            public void onStop(org.apache.camel.Route route) {
                                stopping.countDown();
                                try {
                                    release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        })
                        .log("replaying ${body}");
            }
        });
        camel.start();
        org.apache.camel.Exchange check = new org.apache.camel.support.DefaultExchange(camel);
        check.getMessage().setHeader(org.apache.camel.Exchange.HTTP_RESPONSE_CODE, 200);
        bridge.healthAnswered(check);
        // a batch was parked: every later one parks behind it
        queue(1, 0);
        assertThat(bridge.shouldPark()).isTrue();
        bridge.parkFinished();

        java.util.concurrent.CompletableFuture<Void> stop = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                camel.getRouteController().stopRoute(PythonBridge.REPLAY_ROUTE_ID);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(stopping.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(camel.getRouteController().getRouteStatus(PythonBridge.REPLAY_ROUTE_ID).isStopped()).isFalse();
        queue(0, 0);
        assertThat(bridge.replayDue()).as("a passing health check while the replay stops").isFalse();
        assertThat(bridge.backlog()).as("the batch in work must not be overtaken").isTrue();
        assertThat(bridge.shouldPark()).isTrue();
        bridge.parkFinished();

        release.countDown();
        stop.get(10, java.util.concurrent.TimeUnit.SECONDS);
        // the batch went back to the head of the queue, the one parked meanwhile behind it: the replay is due again
        queue(2, 0);
        assertThat(bridge.replayDue()).isTrue();
        assertThat(bridge.backlog()).isTrue();
    }
}
