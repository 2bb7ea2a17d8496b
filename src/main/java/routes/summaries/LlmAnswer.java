package routes.summaries;

/** What one chat completion returned: the text and why it stopped ({@code stop}, {@code length}, ...). */
public record LlmAnswer(String text, String finishReason, String model) {
}
