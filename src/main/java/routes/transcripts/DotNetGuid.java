package routes.transcripts;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * GUIDs as .NET (and so MassTransit) reads them: the D ({@code 8-4-4-4-12}), N (32 hex digits), B ({@code {D}}) and
 * P ({@code (D)}) formats, any case. The hub writes the lowercase D format, as MassTransit does.
 */
public final class DotNetGuid {

    private static final Pattern D = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern N = Pattern.compile("[0-9a-fA-F]{32}");

    private DotNetGuid() {
    }

    /** The lowercase D form of {@code value}, or null when it is not a GUID in one of the .NET formats. */
    public static String normalize(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        if (v.length() == 38 && ((v.startsWith("{") && v.endsWith("}")) || (v.startsWith("(") && v.endsWith(")")))) {
            v = v.substring(1, 37);
        }
        if (D.matcher(v).matches()) {
            return v.toLowerCase(Locale.ROOT);
        }
        if (N.matcher(v).matches()) {
            String h = v.toLowerCase(Locale.ROOT);
            return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-"
                    + h.substring(20);
        }
        return null;
    }
}
