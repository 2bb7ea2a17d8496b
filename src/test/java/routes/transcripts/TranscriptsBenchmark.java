package routes.transcripts;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;

import org.apache.camel.CamelContext;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import com.sun.net.httpserver.HttpServer;

import routes.HubApplication;

/**
 * Throughput of the transcripts flow on this machine (bench/transcripts/run.sh): N envelopes are queued on
 * {@code transcript-consumer} while the consuming route is stopped, then the route starts and the clock runs until
 * every completed event has been published (counted on a quorum queue bound to the completed exchange, as the .NET
 * app's would be). transcript-api is an in-JVM stub that answers 200 at once. Prints {@code name: value unit} lines.
 * Before the timed run, a warm-up batch goes through the same way (untimed for the main figures, printed as
 * {@code hub_warmup_*}): a fresh JVM spends much of its first seconds compiling (C1/C2 took ~40 % of the hub's CPU in a
 * 3000-envelope cold run on the 2-core machine), and the hub is a long-running service. Warm-up 0 measures cold.
 * Arguments: messages (default 3000), concurrency (default 8), prefetch (default 16), warm-up envelopes (default 1000).
 */
public final class TranscriptsBenchmark {

    private static final String COMPLETED_COUNT_Q = "bench.transcripts.completed";
    private static final String PROGRESS_COUNT_Q = "bench.transcripts.progress";

    private TranscriptsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int prefetch = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 1000;

        // the JDK server writes headers and body separately: without TCP_NODELAY, Nagle + delayed ACK add ~40 ms a call
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        byte[] answer = "{\"success\": true, \"transcript\": \"benchmark transcript\"}".getBytes(StandardCharsets.UTF_8);
        api.createContext("/process-video-from-consumer", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            } catch (IOException ignored) {
                // client gone
            }
        });
        api.setExecutor(Executors.newFixedThreadPool(Math.max(4, concurrency)));
        api.start();

        SpringApplication application = new SpringApplication(HubApplication.class);
        String[] properties = {
                "--hub.peers.transcript-api=http://127.0.0.1:" + api.getAddress().getPort(),
                "--hub.transcripts.consumer.concurrency=" + concurrency,
                "--hub.transcripts.consumer.prefetch=" + prefetch,
                "--camel.main.routes-include-pattern=classpath:camel/shared.camel.yaml,classpath:camel/live-events.camel.yaml,classpath:camel/transcripts.camel.yaml",
                "--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=hub_bench_transcripts",
                "--spring.flyway.schemas=hub_bench_transcripts",
                "--spring.flyway.default-schema=hub_bench_transcripts",
                "--server.port=0",
                "--logging.level.root=WARN",
                "--logging.structured.format.console=",
                "--hub.console.password=bench",
                // transcript-api's callbacks must not be throttled by the public callbacks' rate limit
                "--hub.access.public-callback-rate-limit.per-second=1000000",
                "--hub.access.public-callback-rate-limit.burst=1000000"};
        long rssBefore = rssKb();
        try (ConfigurableApplicationContext context = application.run(properties)) {
            CamelContext camel = context.getBean(CamelContext.class);
            RabbitTemplate rabbit = context.getBean(RabbitTemplate.class);
            AmqpAdmin admin = context.getBean(AmqpAdmin.class);
            TranscriptsSettings settings = context.getBean(TranscriptsSettings.class);
            context.getBean(JdbcTemplate.class).execute("TRUNCATE transcript_inbox");

            camel.getRouteController().stopRoute("transcriptsConsume");
            Queue completed = countingQueue(admin, COMPLETED_COUNT_Q, settings.exchanges().completed());
            Queue progress = countingQueue(admin, PROGRESS_COUNT_Q, settings.exchanges().progress());
            admin.purgeQueue(settings.endpoint(), false);
            admin.purgeQueue(completed.getName(), false);
            admin.purgeQueue(progress.getName(), false);

            if (warmup > 0) {
                double warmupSeconds = run(camel, rabbit, admin, settings, warmup);
                System.out.printf("hub_warmup_messages: %d envelopes%n", warmup);
                System.out.printf("hub_warmup_in_rate: %.0f msg/s%n", warmup / warmupSeconds);
                System.out.printf("hub_warmup_rate: %.0f msg/s%n", warmup * 4 / warmupSeconds);
                camel.getRouteController().stopRoute("transcriptsConsume");
                admin.purgeQueue(completed.getName(), false);
                admin.purgeQueue(progress.getName(), false);
            }

            double seconds = run(camel, rabbit, admin, settings, messages);
            int progressEvents = depth(admin, PROGRESS_COUNT_Q);
            double in = messages / seconds;
            double out = (messages + progressEvents) / seconds;
            System.out.printf("hub_messages: %d envelopes%n", messages);
            System.out.printf("hub_concurrency: %d consumers%n", concurrency);
            System.out.printf("hub_prefetch: %d messages%n", prefetch);
            System.out.printf("hub_elapsed: %.2f s%n", seconds);
            System.out.printf("hub_in_rate: %.0f msg/s%n", in);
            System.out.printf("hub_out_rate: %.0f msg/s%n", out);
            System.out.printf("hub_rate: %.0f msg/s%n", in + out);
            System.out.printf("hub_rss: %d KB%n", rssKb());
            System.out.printf("hub_rss_before_start: %d KB%n", rssBefore);
            admin.purgeQueue(COMPLETED_COUNT_Q, false);
            admin.purgeQueue(PROGRESS_COUNT_Q, false);
            admin.deleteQueue(COMPLETED_COUNT_Q);
            admin.deleteQueue(PROGRESS_COUNT_Q);
        } finally {
            api.stop(0);
            ((java.util.concurrent.ExecutorService) api.getExecutor()).shutdownNow();
        }
        System.exit(0);
    }

    /** Queues {@code messages} envelopes while the route is stopped, starts it, and times it until all completed. */
    private static double run(CamelContext camel, RabbitTemplate rabbit, AmqpAdmin admin, TranscriptsSettings settings,
                              int messages) throws Exception {
        for (int i = 0; i < messages; i++) {
            rabbit.send(settings.exchanges().requested(), "", envelope(settings));
        }
        awaitDepth(admin, settings.endpoint(), messages, Duration.ofSeconds(60));
        long start = System.nanoTime();
        camel.getRouteController().startRoute("transcriptsConsume");
        awaitDepth(admin, COMPLETED_COUNT_Q, messages, Duration.ofSeconds(600));
        return (System.nanoTime() - start) / 1e9;
    }

    private static Message envelope(TranscriptsSettings settings) {
        String messageId = UUID.randomUUID().toString();
        String body = """
                {"messageId":"%s","requestId":null,"correlationId":null,"conversationId":"%s","initiatorId":null,
                 "sourceAddress":"rabbitmq://localhost/M3Net_Api_bus","destinationAddress":"rabbitmq://localhost/%s",
                 "responseAddress":null,"faultAddress":null,"messageType":["%s"],
                 "message":{"id":"%s","occurredOnUtc":"2025-03-14T09:26:53.5897932Z","transcriptRequestId":"%s",
                 "userId":"%s","videoUrl":"https://www.youtube.com/watch?v=bench","language":"en"},
                 "expirationTime":null,"sentTime":"2025-03-14T09:26:53.6012345Z","headers":{},
                 "host":{"machineName":"bench","processName":"bench","processId":1,"assembly":"bench","assemblyVersion":"1.0.0.0",
                 "frameworkVersion":"9.0.2","massTransitVersion":"8.3.6.0","operatingSystemVersion":"Unix"}}
                """.formatted(messageId, UUID.randomUUID(), settings.exchanges().requested(),
                settings.urn(TranscriptsSettings.REQUESTED_TYPE), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        MessageProperties props = new MessageProperties();
        props.setContentType("application/vnd.masstransit+json");
        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        props.setMessageId(messageId);
        return new Message(body.getBytes(StandardCharsets.UTF_8), props);
    }

    private static Queue countingQueue(AmqpAdmin admin, String name, String exchange) {
        Queue queue = new Queue(name, true, false, false, TranscriptsTopology.QUEUE_ARGUMENTS);
        admin.declareQueue(queue);
        admin.declareBinding(BindingBuilder.bind(queue).to(new FanoutExchange(exchange, true, false)));
        return queue;
    }

    private static int depth(AmqpAdmin admin, String queue) {
        QueueInformation info = admin.getQueueInfo(queue);
        return info == null ? 0 : info.getMessageCount();
    }

    private static void awaitDepth(AmqpAdmin admin, String queue, int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (depth(admin, queue) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(queue + " holds " + depth(admin, queue) + " of " + expected + " messages after " + timeout);
            }
            Thread.sleep(20);
        }
    }

    private static long rssKb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
