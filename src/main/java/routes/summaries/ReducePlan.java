package routes.summaries;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Groups summaries for the reduce phase: consecutive summaries, in order, as many as fit in
 * {@code inputTokens} tokens per reduce call. One group means one last reduce call; several mean another
 * level of reduce over their answers, until one summary remains. Because every group holds at least two
 * summaries whenever there are two or more (the budget is at least twice the largest answer), each level
 * shrinks the list and the recursion ends.
 */
public final class ReducePlan {

    private final ToIntFunction<String> tokens;
    private final int inputTokens;

    public ReducePlan(ToIntFunction<String> tokens, int inputTokens) {
        this.tokens = tokens;
        this.inputTokens = inputTokens;
    }

    public List<List<String>> groups(List<String> summaries) {
        List<List<String>> groups = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int used = 0;
        for (String summary : summaries) {
            int cost = tokens.applyAsInt(summary);
            if (!current.isEmpty() && used + cost > inputTokens) {
                groups.add(current);
                current = new ArrayList<>();
                used = 0;
            }
            current.add(summary);
            used += cost;
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }
}
