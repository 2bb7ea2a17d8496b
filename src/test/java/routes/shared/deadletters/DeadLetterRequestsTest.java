package routes.shared.deadletters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import routes.shared.HttpProblem;

/** The request parsing, limits and targets of the dead-letter operations, without a broker. */
class DeadLetterRequestsTest {

    private final DeadLetterRequests requests = new DeadLetterRequests(new DeadLetterService(List.of(), 100));

    private Exchange request(String method, String path, String query) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, method);
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, path);
        exchange.getMessage().setHeader(Exchange.HTTP_RAW_QUERY, query);
        return exchange;
    }

    @Test
    void methodsAndPathsBecomeOperations() {
        Exchange list = request("GET", "", null);
        requests.read(list);
        assertThat(list.getProperty(DeadLetterRequests.OPERATION)).isEqualTo("list");

        Exchange peek = request("GET", "/transcript-consumer_error", "limit=5");
        requests.read(peek);
        assertThat(peek.getProperty(DeadLetterRequests.OPERATION)).isEqualTo("peek");
        assertThat(peek.getProperty(DeadLetterRequests.PLACE)).isEqualTo("transcript-consumer_error");
        assertThat(peek.getProperty(DeadLetterRequests.LIMIT)).isEqualTo("5");

        // the whole path works too, and names are URL-decoded
        Exchange redrive = request("POST", "/internal/dead-letters/video.transcribed.DLT/redrive", "limit=all");
        requests.read(redrive);
        assertThat(redrive.getProperty(DeadLetterRequests.OPERATION)).isEqualTo("redrive");
        assertThat(redrive.getProperty(DeadLetterRequests.PLACE)).isEqualTo("video.transcribed.DLT");

        Exchange purge = request("DELETE", "/a%20b", "confirm=a%20b");
        requests.read(purge);
        assertThat(purge.getProperty(DeadLetterRequests.OPERATION)).isEqualTo("purge");
        assertThat(purge.getProperty(DeadLetterRequests.PLACE)).isEqualTo("a b");
        assertThat(purge.getProperty(DeadLetterRequests.CONFIRM)).isEqualTo("a b");
    }

    @Test
    void otherMethodsAndPathsAreRefused() {
        assertThatThrownBy(() -> requests.read(request("POST", "", null)))
                .isInstanceOfSatisfying(HttpProblem.class, p -> assertThat(p.getStatus()).isEqualTo(405));
        assertThatThrownBy(() -> requests.read(request("GET", "/x/redrive", null)))
                .isInstanceOfSatisfying(HttpProblem.class, p -> assertThat(p.getAllow()).isEqualTo("POST"));
        assertThatThrownBy(() -> requests.read(request("GET", "/x/y/z", null)))
                .isInstanceOfSatisfying(HttpProblem.class, p -> assertThat(p.getStatus()).isEqualTo(404));
        Exchange unknown = request("GET", "/nowhere", null);
        requests.read(unknown);
        assertThatThrownBy(() -> requests.peek(unknown))
                .isInstanceOfSatisfying(HttpProblem.class, p -> {
                    assertThat(p.getStatus()).isEqualTo(404);
                    assertThat(p.getCode()).isEqualTo("unknown_place");
                });
    }

    @Test
    void limits() {
        assertThat(RedriveLimit.parse("all").all()).isTrue();
        assertThat(RedriveLimit.parse(" 7 ").count()).isEqualTo(7);
        assertThat(RedriveLimit.parse("ALL").against(12)).isEqualTo(12);
        assertThat(RedriveLimit.of(3).against(12)).isEqualTo(3);
        for (String bad : new String[] {null, "", "0", "-2", "x", "1.5", "99999999999"}) {
            assertThatThrownBy(() -> RedriveLimit.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void extractionMessagesGoBackWhereTheyCameFrom() {
        RabbitRedriveTarget target = RabbitRedriveTarget.origin("extraction.events", "extraction.completed");
        assertThat(target.resolve(null)).isEqualTo(new RabbitRedriveTarget.Destination("extraction.events", "extraction.completed"));
        assertThat(target.resolve(Map.of("x-original-exchange", "", "x-original-routing-key", "extraction.completed")))
                .isEqualTo(new RabbitRedriveTarget.Destination("", "extraction.completed"));
        assertThat(target.resolve(Map.of("x-death", List.of(Map.of("exchange", "other", "routing-keys", List.of("k")),
                Map.of("exchange", "older", "routing-keys", List.of("o"))))))
                .isEqualTo(new RabbitRedriveTarget.Destination("other", "k"));
        assertThat(RabbitRedriveTarget.fixed("transcript-consumer", "").resolve(Map.of("x-original-exchange", "elsewhere")))
                .isEqualTo(new RabbitRedriveTarget.Destination("transcript-consumer", ""));
    }
}
