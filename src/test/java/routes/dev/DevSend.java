package routes.dev;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import routes.shared.RabbitMqUrl;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Drives the message-driven flows of a running dev hub by hand (README scenarios), as their real producers would:
 * <ul>
 * <li>{@code transcript-request [videoUrl]}: publishes a MassTransit {@code TranscriptRequestedIntegrationEvent}
 * envelope to the exchange the .NET app publishes to;</li>
 * <li>{@code video-transcribed [videoId]}: puts a transcript in the bucket and the {@code video.transcribed} record on
 * Kafka, as nest-be does.</li>
 * </ul>
 * Run: {@code ./mvnw -q test-compile exec:java@send -Dexec.args="transcript-request"}.
 */
public final class DevSend {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DevSend() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length > 0 ? args[0] : "";
        switch (command) {
            case "transcript-request" -> transcriptRequest(args.length > 1 ? args[1] : "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
            case "video-transcribed" -> videoTranscribed(args.length > 1 ? Long.parseLong(args[1]) : 123L);
            default -> {
                System.err.println("usage: DevSend transcript-request [videoUrl] | video-transcribed [videoId]");
                System.exit(2);
            }
        }
    }

    private static void transcriptRequest(String videoUrl) throws Exception {
        String namespace = env("TRANSCRIPTS_MESSAGE_NAMESPACE", "M3.Net.Modules.Transcripts.IntegrationEvents");
        String exchange = env("TRANSCRIPTS_REQUESTED_EXCHANGE",
                "m3-net-modules-transcripts-integration-events:transcript-requested-integration-event");
        String messageId = UUID.randomUUID().toString();
        String transcriptRequestId = UUID.randomUUID().toString();
        Map<String, Object> message = Map.of("id", UUID.randomUUID().toString(), "occurredOnUtc", Instant.now().toString(),
                "transcriptRequestId", transcriptRequestId, "userId", UUID.randomUUID().toString(),
                "videoUrl", videoUrl, "language", "en");
        Map<String, Object> envelope = new HashMap<>();
        envelope.put("messageId", messageId);
        envelope.put("conversationId", UUID.randomUUID().toString());
        envelope.put("sourceAddress", "rabbitmq://localhost/dev-send");
        envelope.put("destinationAddress", "rabbitmq://localhost/" + exchange);
        envelope.put("messageType", List.of("urn:message:" + namespace + ":TranscriptRequestedIntegrationEvent"));
        envelope.put("message", message);
        envelope.put("sentTime", Instant.now().toString());
        envelope.put("headers", Map.of());

        RabbitMqUrl url = RabbitMqUrl.parse(env("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/"));
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(url.host());
        factory.setPort(url.port());
        factory.setUsername(url.username());
        factory.setPassword(url.password());
        factory.setVirtualHost(url.virtualHost());
        try (Connection connection = factory.newConnection("dev-send"); Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                    .contentType("application/vnd.masstransit+json").deliveryMode(2).messageId(messageId).build();
            channel.basicPublish(exchange, "", props, JSON.writeValueAsBytes(envelope));
            channel.waitForConfirmsOrDie(5000);
        }
        System.out.println("published TranscriptRequestedIntegrationEvent transcriptRequestId=" + transcriptRequestId
                + " messageId=" + messageId + " to " + exchange);
    }

    private static void videoTranscribed(long videoId) throws Exception {
        String bucket = env("AWS_YOUTUBE_BUCKET", "youtube-ai");
        String key = "transcripts/" + videoId + "/transcript.json";
        List<Map<String, Object>> snippets = List.of(
                Map.of("text", "Welcome to the channel, today we talk about integration patterns.", "start", 0.0, "duration", 4.2),
                Map.of("text", "A dead letter channel keeps every message that could not be processed.", "start", 4.2, "duration", 5.1),
                Map.of("text", "An idempotent consumer makes a redelivered message harmless.", "start", 9.3, "duration", 4.0));
        try (S3Client s3 = S3Client.builder().region(Region.of(env("AWS_REGION", "us-east-1")))
                .endpointOverride(java.net.URI.create(env("AWS_ENDPOINT", "http://127.0.0.1:9000"))).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        env("AWS_ACCESS_KEY_ID", "local"), env("AWS_SECRET_ACCESS_KEY", "local-secret"))))
                .build()) {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"),
                    RequestBody.fromBytes(JSON.writeValueAsBytes(snippets)));
        }
        Map<String, Object> event = Map.of("id", UUID.randomUUID().toString(), "videoId", videoId,
                "transcriptFileKey", key, "snippetCount", snippets.size(), "ts", Instant.now().toString());
        Properties props = new Properties();
        props.put("bootstrap.servers", env("KAFKA_BROKERS", "127.0.0.1:9092"));
        props.put("key.serializer", StringSerializer.class.getName());
        props.put("value.serializer", StringSerializer.class.getName());
        props.put("acks", "all");
        String topic = env("SUMMARIES_INPUT_TOPIC", "video.transcribed");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, String.valueOf(videoId), JSON.writeValueAsString(event))).get();
        }
        System.out.println("uploaded s3://" + bucket + "/" + key + " and sent " + topic + " videoId=" + videoId);
        System.out.println(new String(JSON.writeValueAsBytes(event), StandardCharsets.UTF_8));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
