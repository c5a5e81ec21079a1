package ripple.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import ripple.avro.Item;

/**
 * Reads catalogue items from JSON Lines (Item's field names, e.g.
 * {@code {"itemId": "1", "title": "Toy Story (1995)", "category": "Animation Comedy"}}) or from a delimited file
 * with a column mapping ({@code id=0,title=1,category=2}), for the compacted items topic. Bad rows are reported as
 * by {@link EventFileReader}. Items get {@code updatedAt} = the time given here unless the JSON names one.
 */
public final class ItemFileReader {

    public static final List<String> REQUIRED_COLUMNS = List.of("id", "title");
    public static final List<String> OPTIONAL_COLUMNS = List.of("category", "description", "tags", "language");
    /** Tags in one delimited column are separated by '|', as in MovieLens genres ({@code Animation|Comedy}). */
    public static final String TAG_SEPARATOR = "|";

    private static final List<String> JSON_FIELDS = Item.getClassSchema().getFields().stream().map(Schema.Field::name).toList();

    /** Columns by index or header name; null for JSON Lines. */
    private final Delimited.Columns columns;
    private final boolean header;
    private final String delimiter;
    private final Instant updatedAt;

    private ItemFileReader(Delimited.Columns columns, boolean header, String delimiter, Instant updatedAt) {
        this.columns = columns;
        this.header = header;
        this.delimiter = delimiter;
        this.updatedAt = Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public static ItemFileReader jsonl(Instant updatedAt) {
        return new ItemFileReader(null, false, null, updatedAt);
    }

    /** @param columns 0-based indexes of {@link #REQUIRED_COLUMNS} and any of {@link #OPTIONAL_COLUMNS} */
    public static ItemFileReader csv(Map<String, Integer> columns, boolean header, String delimiter, Instant updatedAt) {
        return csv(Delimited.Columns.of(columns), header, delimiter, updatedAt);
    }

    /** Columns by index or, with a header line, by name (see {@link Delimited#columns}). */
    public static ItemFileReader csv(Delimited.Columns columns, boolean header, String delimiter, Instant updatedAt) {
        if (!header && !columns.names().isEmpty()) {
            throw new IllegalArgumentException("--item-columns: columns named by header (" + String.join(", ",
                    columns.names().values()) + ") need --item-header");
        }
        for (String required : REQUIRED_COLUMNS) {
            if (!columns.has(required)) {
                throw new IllegalArgumentException("the item column mapping does not name the '" + required + "' column");
            }
        }
        if (delimiter.isEmpty()) {
            throw new IllegalArgumentException("the delimiter must not be empty");
        }
        return new ItemFileReader(columns, header, delimiter, updatedAt);
    }

    /** @throws IllegalArgumentException when a column named in the mapping is not in the file's header */
    public FileRows<Item> open(Path file) throws IOException {
        if (columns == null) {
            return FileRows.open(file, this::parseJson, header);
        }
        return FileRows.delimited(file, delimiter, header, headerLine -> {
            Map<String, Integer> resolved = columns.resolve(headerLine, "--item-columns");
            return fields -> parseDelimited(fields, resolved);
        });
    }

    /** One line as an item (columns by index). */
    public Item parse(String line) throws BadRowException {
        return columns == null ? parseJson(line) : parseDelimited(Delimited.split(line, delimiter), columns.indexes());
    }

    private Item parseDelimited(List<String> fields, Map<String, Integer> columns) throws BadRowException {
        int width = Delimited.width(columns);
        if (fields.size() < width) {
            throw new BadRowException("found " + fields.size() + " columns, the item column mapping needs at least " + width);
        }
        String id = column(fields, columns, "id");
        if (id == null || id.isEmpty()) {
            throw new BadRowException("empty item id in column " + columns.get("id"));
        }
        String tags = column(fields, columns, "tags");
        return Item.newBuilder()
                .setItemId(id)
                .setTitle(column(fields, columns, "title"))
                .setDescription(emptyToNull(column(fields, columns, "description")))
                .setCategory(emptyToNull(column(fields, columns, "category")))
                .setTags(tags == null || tags.isEmpty() ? new ArrayList<>() : splitTags(tags))
                .setLanguage(emptyToNull(column(fields, columns, "language")))
                .setUpdatedAt(updatedAt)
                .build();
    }

    private Item parseJson(String line) throws BadRowException {
        JsonLine json = JsonLine.parse(line, "Item", JSON_FIELDS);
        String title = json.optionalText("title");
        Instant at = json.optionalInstant("updatedAt");
        return Item.newBuilder()
                .setItemId(json.requiredId("itemId"))
                .setTitle(title == null ? "" : title)
                .setDescription(json.optionalText("description"))
                .setCategory(json.optionalText("category"))
                .setTags(tags(json.node("tags")))
                .setLanguage(json.optionalText("language"))
                .setUpdatedAt(at == null ? updatedAt : at)
                .build();
    }

    private static List<String> tags(JsonNode node) throws BadRowException {
        List<String> tags = new ArrayList<>();
        if (node == null) {
            return tags;
        }
        if (!node.isArray()) {
            throw new BadRowException("tags must be an array of strings");
        }
        for (JsonNode tag : node) {
            if (!tag.isTextual()) {
                throw new BadRowException("tags must be an array of strings, found " + tag);
            }
            tags.add(tag.asText());
        }
        return tags;
    }

    private static List<String> splitTags(String tags) {
        return new ArrayList<>(Arrays.stream(tags.split(Pattern.quote(TAG_SEPARATOR))).map(String::trim).filter(t -> !t.isEmpty()).toList());
    }

    private static String column(List<String> fields, Map<String, Integer> columns, String name) {
        Integer index = columns.get(name);
        return index == null ? null : fields.get(index).trim();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
