package routes.summaries;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

class ReducePlanTest {

    /** One "token" per character keeps the arithmetic visible. */
    private final ReducePlan plan = new ReducePlan(String::length, 1000);

    @Test
    void summariesThatFitMakeOneGroup() {
        List<String> summaries = List.of("a".repeat(300), "b".repeat(300), "c".repeat(400));
        assertThat(plan.groups(summaries)).containsExactly(summaries);
    }

    @Test
    void groupsKeepTheOrderAndStayWithinTheBudget() {
        List<String> summaries = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            summaries.add(String.valueOf((char) ('a' + i)).repeat(150 + i * 7));
        }
        List<List<String>> groups = plan.groups(summaries);

        assertThat(groups).hasSizeGreaterThan(1);
        List<String> flattened = new ArrayList<>();
        for (List<String> group : groups) {
            assertThat(group.stream().mapToInt(String::length).sum()).isLessThanOrEqualTo(1000);
            assertThat(group).hasSizeGreaterThanOrEqualTo(2);
            flattened.addAll(group);
        }
        assertThat(flattened).isEqualTo(summaries);
    }

    @Test
    void recursionDepthGrowsWithTheLogarithmOfTheChunkCount() {
        // answers of 200 "tokens": 5 per reduce call
        assertThat(levels(1)).isEqualTo(1);
        assertThat(levels(5)).isEqualTo(1);
        assertThat(levels(6)).isEqualTo(2);
        assertThat(levels(25)).isEqualTo(2);
        assertThat(levels(26)).isEqualTo(3);
        assertThat(levels(125)).isEqualTo(3);
        assertThat(levels(126)).isEqualTo(4);
    }

    /** Runs the plan as the route does: reduce level by level, each answer 200 tokens, until one remains. */
    private int levels(int chunks) {
        List<String> pending = Collections.nCopies(chunks, "x".repeat(200));
        int levels = 0;
        do {
            List<List<String>> groups = plan.groups(pending);
            pending = Collections.nCopies(groups.size(), "y".repeat(200));
            levels++;
        } while (pending.size() > 1);
        return levels;
    }
}
