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
}
