package routes.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MapParametersTest {

    /** What {@link MapParameters} returns when it reads the map itself. */
    private static final Class<?> FAST_PATH = new ArrayList<>().iterator().getClass();

    private final CamelContext camel = new DefaultCamelContext();
    private final DefaultSqlPrepareStatementStrategy camelDefault = new DefaultSqlPrepareStatementStrategy();
    private final MapParameters mapParameters = new MapParameters();

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    // the statements as camel-sql hands them to the strategy: a route's :#name arrives as :?name

    @Test
    void givesTheValuesCamelsDefaultGivesInStatementOrderRepeatsAndNullsIncluded() throws Exception {
        String sql = "UPDATE t SET status = :?status, note = :?note WHERE id = :?id AND (:?status <> 'X')";
        Map<String, Object> body = new HashMap<>();
        body.put("id", 7L);
        body.put("status", "DONE");
        body.put("note", null);
        body.put("unused", "ignored");

        List<Object> ours = values(mapParameters, sql, 4, body);

        assertThat(ours).containsExactly("DONE", null, 7L, "DONE");
        assertThat(ours).isEqualTo(values(camelDefault, sql, 4, body));
        // read from the map, not by Camel's iterator
        assertThat(mapParameters.createPopulateIterator(sql, prepared(sql), 4, exchange(body), body)).isInstanceOf(FAST_PATH);
    }

    @Test
    void anyOtherKindOfParameterOrAMissingNameGoesCamelsWay() throws Exception {
        Map<String, Object> body = Map.of("id", 7L);
        Exchange exchange = exchange(body);
        exchange.getMessage().setHeader("fromHeader", "h");
        // a name only the headers have: Camel's iterator, which looks there too
        Iterator<?> header = mapParameters.createPopulateIterator("SELECT :?id, :?fromHeader", "SELECT ?, ?", 2, exchange, body);
        assertThat(header).isNotInstanceOf(FAST_PATH);
        assertThat(drain(header)).containsExactly(7L, "h");
        // a simple expression
        assertThat(mapParameters.createPopulateIterator("SELECT :?${body[id]}", "SELECT ?", 1, exchange, body))
                .isNotInstanceOf(FAST_PATH);
        // not a map body
        assertThat(mapParameters.createPopulateIterator("SELECT :?id", "SELECT ?", 1, exchange, "text"))
                .isNotInstanceOf(FAST_PATH);
    }

    private List<Object> values(DefaultSqlPrepareStatementStrategy strategy, String sql, int count, Map<String, Object> body)
            throws Exception {
        return drain(strategy.createPopulateIterator(sql, prepared(sql), count, exchange(body), body));
    }

    private static List<Object> drain(Iterator<?> iterator) {
        List<Object> values = new ArrayList<>();
        iterator.forEachRemaining(values::add);
        return values;
    }

    private static String prepared(String sql) {
        return sql.replaceAll(":\\?\\$\\{[^}]*}|:\\?\\w+", "?");
    }

    private Exchange exchange(Object body) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(body);
        return exchange;
    }
}
