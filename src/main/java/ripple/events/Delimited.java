package ripple.events;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Delimited text (CSV, TSV, {@code ::}-separated): the delimiter a user typed, and column mappings by index or by
 * header name. Files themselves are read by {@link FileRows#delimited}, with Apache Commons CSV.
 */
public final class Delimited {

    private Delimited() {
    }

    /**
     * Which column holds each field: by 0-based index, or by the name in the file's header line.
     *
     * @param indexes fields by column index
     * @param names   fields by header name (matched exactly, else ignoring case and surrounding spaces)
     */
    public record Columns(Map<String, Integer> indexes, Map<String, String> names) {
        public Columns {
            indexes = Map.copyOf(indexes);
            names = Map.copyOf(names);
        }

        public static Columns of(Map<String, Integer> indexes) {
            return new Columns(indexes, Map.of());
        }

        public boolean has(String field) {
            return indexes.containsKey(field) || names.containsKey(field);
        }

        /**
         * Every field's index in a file with this header (null: none).
         *
         * @throws IllegalArgumentException naming a column the header lacks, or names without a header
         */
        public Map<String, Integer> resolve(List<String> header, String option) {
            if (names.isEmpty()) {
                return indexes;
            }
            if (header == null) {
                throw new IllegalArgumentException(option + ": columns named by header (" + String.join(", ", names.values())
                        + ") need a header line (--header)");
            }
            Map<String, Integer> out = new LinkedHashMap<>(indexes);
            names.forEach((field, label) -> {
                int at = header.indexOf(label);
                for (int i = 0; at < 0 && i < header.size(); i++) {
                    if (header.get(i).trim().equalsIgnoreCase(label.trim())) {
                        at = i;
                    }
                }
                if (at < 0) {
                    throw new IllegalArgumentException(option + ": no column '" + label + "' in the header ("
                            + String.join(", ", header) + ")");
                }
                out.put(field, at);
            });
            return Collections.unmodifiableMap(out);
        }
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

    /** The fields of one line (a test's or a single record's), unquoted and not trimmed. */
    public static List<String> split(String line, String delimiter) throws BadRowException {
        try (CSVParser parser = FileRows.format(delimiter).parse(new StringReader(line))) {
            List<CSVRecord> records = parser.getRecords();
            if (records.size() != 1) {
                throw new BadRowException("expected one record, found " + records.size());
            }
            return records.get(0).toList();
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new BadRowException(FileRows.csvProblem(e));
        } catch (IOException e) {
            throw new BadRowException(e.getMessage());
        }
    }

    /**
     * Parses a column mapping such as {@code user=0,item=1,type=3,ts=4}, or by header name
     * {@code user=user_id,item=item_id,type=behavior,ts=time} (a value that is not a whole number is a name).
     *
     * @param option   the option the mapping came from, named in error messages
     * @param required names that must be mapped
     * @param optional names that may be mapped
     * @throws IllegalArgumentException naming the problem and the names allowed
     */
    public static Columns columns(String spec, String option, List<String> required, List<String> optional) {
        Map<String, Integer> columns = new LinkedHashMap<>();
        Map<String, String> names = new LinkedHashMap<>();
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
            String value = kv[1].trim();
            if (value.isEmpty() || value.startsWith("-") && value.substring(1).chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException(option + ": column of '" + name
                        + "' must be a 0-based index or a header name, got '" + kv[1] + "'");
            }
            boolean byIndex = value.chars().allMatch(Character::isDigit);
            if (columns.containsKey(name) || names.containsKey(name)) {
                throw new IllegalArgumentException(option + ": '" + name + "' is mapped twice");
            }
            if (byIndex) {
                columns.put(name, Integer.parseInt(value));
            } else {
                names.put(name, value);
            }
        }
        List<String> missing = required.stream().filter(r -> !columns.containsKey(r) && !names.containsKey(r)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(option + ": missing required column(s) " + String.join(", ", missing));
        }
        return new Columns(columns, names);
    }

    /** The number of fields a row needs to hold every mapped column. */
    static int width(Map<String, Integer> columns) {
        return columns.values().stream().mapToInt(i -> i + 1).max().orElse(0);
    }
}
