package routes.transcripts;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

import com.rabbitmq.client.ConnectionFactory;

/** Deletes the queues a benchmark run left behind (bench/transcripts/run.sh). Arguments: AMQP URI, queue names. */
public final class BenchQueues {

    private BenchQueues() {
    }

    public static void main(String[] args) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(args[0]);
        CachingConnectionFactory connections = new CachingConnectionFactory(factory);
        try {
            RabbitAdmin admin = new RabbitAdmin(connections);
            for (int i = 1; i < args.length; i++) {
                admin.deleteQueue(args[i]);
            }
        } finally {
            connections.destroy();
        }
    }
}
