package routes.shared;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.Exchange;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;

/**
 * camel-sql's named parameters ({@code :#name}) read from a {@code Map} body, in the order the statement names
 * them: the same values Camel's default strategy finds, without converting the body to a {@code Map} twice per
 * parameter (Camel 4.17 asks its type converter registry each time, ~6% of a transcript's CPU under load).
 * Statements with any other kind of parameter ({@code :#${...}}, {@code :#in:...}), a name the map
 * lacks, or a body that is not a map go the default way. Endpoint option:
 * {@code prepareStatementStrategy: "#sqlMapParameters"}.
 */
public final class MapParameters extends DefaultSqlPrepareStatementStrategy {

    // camel-sql hands the strategy the statement with its placeholder character replaced: a route's :#name
    // arrives as :?name
    /** Any camel-sql parameter and what follows it, up to a character no name has. */
    private static final Pattern PARAMETER = Pattern.compile(":\\?[^\\s,)]*");
    private static final Pattern PLAIN = Pattern.compile(":\\?(\\w+)");

    /** Per statement: its parameter names in order, or empty when it has any other kind of parameter. */
    private final Map<String, Optional<List<String>>> namesByStatement = new ConcurrentHashMap<>();

    @Override
    public Iterator<?> createPopulateIterator(String query, String preparedQuery, int expectedParams, Exchange exchange,
                                              Object value) throws SQLException {
        if (value instanceof Map<?, ?> parameters) {
            List<String> names = namesByStatement.computeIfAbsent(query, MapParameters::plainNames).orElse(null);
            if (names != null && names.size() == expectedParams && names.stream().allMatch(parameters::containsKey)) {
                List<Object> values = new ArrayList<>(names.size());
                for (String name : names) {
                    values.add(parameters.get(name));
                }
                return values.iterator();
            }
        }
        return super.createPopulateIterator(query, preparedQuery, expectedParams, exchange, value);
    }

    private static Optional<List<String>> plainNames(String query) {
        List<String> names = new ArrayList<>();
        Matcher parameter = PARAMETER.matcher(query);
        while (parameter.find()) {
            Matcher name = PLAIN.matcher(parameter.group());
            if (!name.matches()) {
                return Optional.empty();
            }
            names.add(name.group(1));
        }
        return Optional.of(List.copyOf(names));
    }
}
