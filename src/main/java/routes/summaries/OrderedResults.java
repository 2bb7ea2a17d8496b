package routes.summaries;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Collects a parallel split's answers in split order (not completion order): the result's body is the list of
 * the parts' bodies, sorted by {@code CamelSplitIndex}. A failed part fails the whole.
 */
public final class OrderedResults implements AggregationStrategy {

    private static final String PARTS = "summariesOrderedParts";

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        if (newExchange.getException() != null) {
            if (oldExchange != null) {
                oldExchange.setException(newExchange.getException());
                return oldExchange;
            }
            return newExchange;
        }
        Exchange result = oldExchange == null ? newExchange : oldExchange;
        @SuppressWarnings("unchecked")
        Map<Integer, Object> parts = result.getProperty(PARTS, Map.class);
        if (parts == null) {
            parts = new TreeMap<>();
            result.setProperty(PARTS, parts);
        }
        Integer index = newExchange.getProperty(Exchange.SPLIT_INDEX, Integer.class);
        parts.put(index == null ? parts.size() : index, newExchange.getMessage().getBody());
        return result;
    }

    @Override
    public void onCompletion(Exchange exchange) {
        if (exchange == null) {
            return;
        }
        @SuppressWarnings("unchecked")
        Map<Integer, Object> parts = exchange.getProperty(PARTS, Map.class);
        exchange.removeProperty(PARTS);
        List<Object> ordered = parts == null ? new ArrayList<>() : new ArrayList<>(parts.values());
        exchange.getMessage().setBody(ordered);
    }
}
