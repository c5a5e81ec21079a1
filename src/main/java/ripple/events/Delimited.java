package ripple.events;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Delimited text (CSV, TSV, {@code ::}-separated): splitting a line into fields and naming columns by index.
 *
 * <p>Fields may be quoted RFC 4180 style ({@code "American President, The (1995)"}, with {@code ""} for a quote)
 * because real catalogue exports quote any title holding the delimiter. A quoted field cannot span lines: the
 * reader works line by line, so such a row is reported as bad rather than silently merged with the next one.
 */
public final class Delimited {

    private Delimited() {
    }

    /**
     * The delimiter a user typed: {@code \t} or {@code tab} for a tab (hard to type on a command line),
     * anything else literally, several characters allowed.
     */
    public static String delimiter(String typed) {
        if (typed == null || typed.isEmpty()) {
            throw new IllegalArgumentException("the delimiter must not be empty");
        }
        return typed.equals("\\t") || typed.equalsIgnoreCase("tab") ? "\t" : typed;
    }

    /** The fields of one line, unquoted and not trimmed (spaces may matter in titles). */
    public static List<String> split(String line, String delimiter) throws BadRowException {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            if (i < n && line.charAt(i) == '"') {
                // Quoted field: runs to the closing quote; "" inside stands for one quote.
                i++;
                while (true) {
                    if (i >= n) {
                        throw new BadRowException("unterminated quoted field (quoted line breaks are not supported)");
                    }
                    char c = line.charAt(i++);
                    if (c != '"') {
                        field.append(c);
                    } else if (i < n && line.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        break;
                    }
                }
                if (i < n && !line.startsWith(delimiter, i)) {
                    throw new BadRowException("unexpected text after the closing quote of field " + (fields.size() + 1));
                }
            } else {
                int end = line.indexOf(delimiter, i);
                field.append(line, i, end < 0 ? n : end);
                i = end < 0 ? n : end;
            }
            fields.add(field.toString());
            field.setLength(0);
            if (i >= n) {
                return fields;
            }
            i += delimiter.length();
        }
    }

    /**
     * Parses a column mapping such as {@code user=0,item=1,type=3,ts=4}: names to 0-based column indexes.
     *
     * @param option   the option the mapping came from, named in error messages
     * @param required names that must be mapped
     * @param optional names that may be mapped
     * @throws IllegalArgumentException naming the problem and the names allowed
     */
    public static Map<String, Integer> columns(String spec, String option, List<String> required, List<String> optional) {
        Map<String, Integer> columns = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", -1);
            String name = kv[0].trim();
            if (kv.length != 2 || name.isEmpty()) {
                throw new IllegalArgumentException(option + ": expected name=index pairs separated by commas, got '" + part + "'");
            }
            if (!required.contains(name) && !optional.contains(name)) {
                throw new IllegalArgumentException(option + ": unknown column name '" + name + "'; names: "
                        + String.join(", ", required) + " (required), " + String.join(", ", optional) + " (optional)");
            }
            int index;
            try {
                index = Integer.parseInt(kv[1].trim());
            } catch (NumberFormatException e) {
                index = -1;
            }
            if (index < 0) {
                throw new IllegalArgumentException(option + ": column of '" + name + "' must be a 0-based index, got '" + kv[1] + "'");
            }
            if (columns.put(name, index) != null) {
                throw new IllegalArgumentException(option + ": '" + name + "' is mapped twice");
            }
        }
        List<String> missing = required.stream().filter(r -> !columns.containsKey(r)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(option + ": missing required column(s) " + String.join(", ", missing));
        }
        return Collections.unmodifiableMap(columns);
    }

    /** The number of fields a row needs to hold every mapped column. */
    static int width(Map<String, Integer> columns) {
        return columns.values().stream().mapToInt(i -> i + 1).max().orElse(0);
    }
}
