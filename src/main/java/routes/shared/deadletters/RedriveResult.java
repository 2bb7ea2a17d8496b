package routes.shared.deadletters;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a re-drive did. {@code requested} is the limit asked for ({@code all} = the count when the re-drive began),
 * {@code moved} how many reached their destination (confirmed) and left the place, {@code remaining} what the place
 * holds afterwards. {@code error} is null when every requested message moved; otherwise it says why the re-drive
 * stopped, and the message it was moving is still in the place.
 */
public record RedriveResult(String place, String redrivesTo, long requested, long moved, long remaining, String error) {

    @JsonProperty("complete")
    public boolean complete() {
        return error == null;
    }
}
