package routes.shared.deadletters;

import java.util.List;

/** The answer to a peek: the place, how many messages it holds, and the first ones. */
public record Peek(String place, long count, List<DeadLetter> messages) {
}
