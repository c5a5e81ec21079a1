package ripple.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.config.RippleConfig;

/**
 * Reads behaviour events from files: the Taobao UserBehavior CSV, any delimited file with a column mapping, or
 * JSON Lines with BehaviorEvent's field names. {@code ripple import} produces what it reads to Kafka; a backtest
 * replays files through the same code, so both see the same events and reject the same rows.
 *
 * <p>A row is bad, with the reason, when it has the wrong number of columns, an empty user or item, a behaviour
 * the mapping does not know, a timestamp that is not a number or lies outside the accepted range (by default
 * before 2000-01-01, like the Taobao row with timestamp 15), a negative or non-numeric dwell time, or is not valid
 * JSON. Immutable: configure with the factories and {@code with...} methods, then {@link #open} any number of files.
 */
public final class EventFileReader {

    /** Events before this are bad rows unless configured otherwise: the default of {@code events.min-timestamp}. */
    public static final Instant DEFAULT_MIN_TIMESTAMP = RippleConfig.defaultConfig().instant("events.min-timestamp");

    public enum Format { TAOBAO, CSV, JSONL }

    /** The unit of numeric timestamps in delimited files. */
    public enum TimestampUnit { SECONDS, MILLISECONDS }

    /** Event fields a column mapping must name, and those it may. */
    public static final List<String> REQUIRED_COLUMNS = List.of("user", "item", "type", "ts");
    public static final List<String> OPTIONAL_COLUMNS = List.of("category", "dwell", "event");

    /** Taobao's behaviour codes: page view, add to cart, favourite, purchase. */
    private static final Map<String, BehaviorType> TAOBAO_TYPES = Map.of(
            "pv", BehaviorType.BROWSE, "cart", BehaviorType.CART, "fav", BehaviorType.FAVORITE, "buy", BehaviorType.PURCHASE);
    private static final Map<String, Integer> TAOBAO_COLUMNS = Map.of("user", 0, "item", 1, "category", 2, "type", 3, "ts", 4);
    private static final int TAOBAO_WIDTH = 5;

    private static final List<String> JSON_FIELDS =
            BehaviorEvent.getClassSchema().getFields().stream().map(Schema.Field::name).toList();

    private final Format format;
    /** Columns by index or header name; resolved to indexes per file, once its header is read. */
    private final Delimited.Columns columns;
    /** The behaviour codes as configured, and by lower-cased code for matching, which ignores case. */
    private final Map<String, BehaviorType> codes;
    private final Map<String, BehaviorType> types;
    private final TimestampUnit timestampUnit;
    private final boolean header;
    private final String delimiter;
    private final String scenario;
    private final Instant minTimestamp;
    private final Instant maxTimestamp;

    private EventFileReader(Format format, Delimited.Columns columns, Map<String, BehaviorType> codes,
                            TimestampUnit timestampUnit, boolean header, String delimiter, String scenario,
                            Instant minTimestamp, Instant maxTimestamp) {
        this.format = format;
        this.columns = columns;
        this.codes = codes;
        this.types = lowerCaseKeys(codes);
        this.timestampUnit = timestampUnit;
        this.header = header;
        this.delimiter = delimiter;
        this.scenario = scenario;
        this.minTimestamp = minTimestamp;
        this.maxTimestamp = maxTimestamp;
    }

    /**
     * Taobao UserBehavior: {@code user_id,item_id,category_id,behavior,timestamp_seconds}, no header; pv, cart, fav
     * and buy are BROWSE, CART, FAVORITE and PURCHASE; the category goes into {@code context["category"]}; the
     * scenario is ecommerce. The event id is made from the whole row, so importing the file twice yields the same
     * ids and Ripple drops the second copy as duplicates.
     */
    public static EventFileReader taobao() {
        return new EventFileReader(Format.TAOBAO, Delimited.Columns.of(TAOBAO_COLUMNS), TAOBAO_TYPES, TimestampUnit.SECONDS, false, ",",
                "ecommerce", DEFAULT_MIN_TIMESTAMP, Instant.MAX);
    }

    /**
     * A delimited file.
     *
     * @param columns   0-based column indexes by name: {@link #REQUIRED_COLUMNS} and any of {@link #OPTIONAL_COLUMNS}
     *                  (see {@link Delimited#columns}); {@code dwell} is in milliseconds, {@code event} the event id
     *                  (without one, Ripple derives the id from user, item, type and timestamp)
     * @param types     the file's behaviour codes; empty to accept BehaviorType names ({@code CLICK}, {@code click})
     */
    public static EventFileReader csv(Map<String, Integer> columns, Map<String, BehaviorType> types,
                                      TimestampUnit unit, boolean header, String delimiter) {
        return csv(Delimited.Columns.of(columns), types, unit, header, delimiter);
    }

    /** A delimited file whose columns may be named by its header line (see {@link Delimited#columns}). */
    public static EventFileReader csv(Delimited.Columns columns, Map<String, BehaviorType> types,
                                      TimestampUnit unit, boolean header, String delimiter) {
        if (!header && !columns.names().isEmpty()) {
            throw new IllegalArgumentException("--columns: columns named by header (" + String.join(", ",
                    columns.names().values()) + ") need --header");
        }
        for (String required : REQUIRED_COLUMNS) {
            if (!columns.has(required)) {
                throw new IllegalArgumentException("the column mapping does not name the '" + required + "' column");
            }
        }
        if (delimiter.isEmpty()) {
            throw new IllegalArgumentException("the delimiter must not be empty");
        }
        Map<String, BehaviorType> codes = types.isEmpty() ? typeNames() : types;
        codes.forEach((code, type) -> {
            if (type == BehaviorType.UNKNOWN) {
                // Ripple rejects UNKNOWN events at intake; mapping a code to it would only move the error there.
                throw new IllegalArgumentException("behaviour code '" + code + "' cannot map to UNKNOWN");
            }
        });
        return new EventFileReader(Format.CSV, columns, Map.copyOf(codes), Objects.requireNonNull(unit),
                header, delimiter, null, DEFAULT_MIN_TIMESTAMP, Instant.MAX);
    }

    /**
     * JSON Lines: one object per line with BehaviorEvent's field names, e.g.
     * {@code {"userId":"u1","itemId":"i1","type":"CLICK","timestamp":1700000000000}}. {@code timestamp} is epoch
     * milliseconds or an ISO-8601 instant; {@code eventId}, {@code timestamp}, {@code dwellMs}, {@code scenario} and
     * {@code context} may be left out, and get Ripple's documented defaults at intake.
     */
    public static EventFileReader jsonl() {
        return new EventFileReader(Format.JSONL, Delimited.Columns.of(Map.of()), typeNames(), TimestampUnit.MILLISECONDS,
                false, ",", null, DEFAULT_MIN_TIMESTAMP, Instant.MAX);
    }

    /** Timestamps outside [min, max] make bad rows. */
    public EventFileReader withTimestampRange(Instant min, Instant max) {
        if (min.isAfter(max)) {
            throw new IllegalArgumentException("timestamp range is empty: " + min + " is after " + max);
        }
        return new EventFileReader(format, columns, codes, timestampUnit, header, delimiter, scenario, min, max);
    }

    /** The scenario of events that name none; null leaves it to Ripple's {@code events.default-scenario}. */
    public EventFileReader withScenario(String scenario) {
        return new EventFileReader(format, columns, codes, timestampUnit, header, delimiter, scenario, minTimestamp, maxTimestamp);
    }

    /**
     * The rows of a UTF-8 file; the caller closes them.
     *
     * @throws IllegalArgumentException when a column named in the mapping is not in the file's header
     */
    public FileRows<BehaviorEvent> open(Path file) throws IOException {
        return format == Format.JSONL ? FileRows.open(file, this::parseJson, header)
                : FileRows.delimited(file, delimiter, header, this::bind);
    }

    public FileRows<BehaviorEvent> read(Reader text) {
        try {
            return format == Format.JSONL ? FileRows.of(text, this::parseJson, header)
                    : FileRows.delimited(text, delimiter, header, this::bind);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private FileRows.RecordParser<BehaviorEvent> bind(List<String> headerLine) {
        Map<String, Integer> resolved = columns.resolve(headerLine, "--columns");
        return fields -> parseDelimited(fields, resolved);
    }

    /** One line of the file as an event (columns by index). */
    public BehaviorEvent parse(String line) throws BadRowException {
        return format == Format.JSONL ? parseJson(line) : parseDelimited(Delimited.split(line, delimiter), columns.indexes());
    }

    private BehaviorEvent parseDelimited(List<String> fields, Map<String, Integer> columns) throws BadRowException {
        if (format == Format.TAOBAO && fields.size() != TAOBAO_WIDTH) {
            throw new BadRowException("expected " + TAOBAO_WIDTH + " columns (user_id,item_id,category_id,behavior,timestamp), found " + fields.size());
        }
        int width = Delimited.width(columns);
        if (fields.size() < width) {
            throw new BadRowException("found " + fields.size() + " columns, the column mapping needs at least " + width);
        }
        String user = id(fields, columns, "user");
        String item = id(fields, columns, "item");
        String code = column(fields, columns, "type");
        BehaviorType type = types.get(code.toLowerCase(Locale.ROOT));
        if (type == null) {
            throw new BadRowException("unknown behaviour '" + code + "'; expected one of " + knownCodes());
        }
        String rawTimestamp = column(fields, columns, "ts");
        Instant timestamp = inRange(epoch(rawTimestamp), rawTimestamp);
        Map<String, String> context = new HashMap<>();
        String category = column(fields, columns, "category");
        if (category != null && !category.isEmpty()) {
            context.put("category", category);
        }
        String eventId = format == Format.TAOBAO
                ? "taobao-" + user + "-" + item + "-" + code + "-" + rawTimestamp
                : emptyToNull(column(fields, columns, "event"));
        return BehaviorEvent.newBuilder()
                .setEventId(eventId)
                .setUserId(user)
                .setItemId(item)
                .setType(type)
                .setTimestamp(timestamp)
                .setDwellMs(dwell(column(fields, columns, "dwell")))
                .setScenario(scenario)
                .setContext(context)
                .build();
    }

    private BehaviorEvent parseJson(String line) throws BadRowException {
        JsonLine json = JsonLine.parse(line, "BehaviorEvent", JSON_FIELDS);
        String code = json.optionalText("type");
        if (code == null) {
            throw new BadRowException("missing type; expected one of " + knownCodes());
        }
        BehaviorType type = types.get(code.toLowerCase(Locale.ROOT));
        if (type == null) {
            throw new BadRowException("unknown behaviour type '" + code + "'; expected one of " + knownCodes());
        }
        Instant timestamp = json.optionalInstant("timestamp");
        if (timestamp != null) {
            inRange(timestamp, json.node("timestamp").asText());
        }
        Double dwell = json.optionalNumber("dwellMs");
        checkDwell(dwell, dwell == null ? null : json.node("dwellMs").asText());
        String eventScenario = json.optionalText("scenario");
        return BehaviorEvent.newBuilder()
                .setEventId(emptyToNull(json.optionalText("eventId")))
                .setUserId(json.requiredId("userId"))
                .setItemId(json.requiredId("itemId"))
                .setType(type)
                .setTimestamp(timestamp)
                .setDwellMs(dwell)
                .setScenario(eventScenario != null ? eventScenario : scenario)
                .setContext(context(json.node("context")))
                .build();
    }

    private static Map<String, String> context(JsonNode node) throws BadRowException {
        Map<String, String> context = new HashMap<>();
        if (node == null) {
            return context;
        }
        if (!node.isObject()) {
            throw new BadRowException("context must be an object of strings");
        }
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new BadRowException("context." + e.getKey() + " must be a string");
            }
            context.put(e.getKey(), e.getValue().asText());
        }
        return context;
    }

    /** A column's trimmed text; null for an optional column the mapping does not name. */
    private static String column(List<String> fields, Map<String, Integer> columns, String name) {
        Integer index = columns.get(name);
        return index == null ? null : fields.get(index).trim();
    }

    private static String id(List<String> fields, Map<String, Integer> columns, String name) throws BadRowException {
        String v = column(fields, columns, name);
        if (v.isEmpty()) {
            throw new BadRowException("empty " + name + " id in column " + columns.get(name));
        }
        return v;
    }

    private Instant epoch(String raw) throws BadRowException {
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new BadRowException("timestamp '" + raw + "' is not a whole number of "
                    + (timestampUnit == TimestampUnit.SECONDS ? "seconds" : "milliseconds") + " since the epoch");
        }
        try {
            return timestampUnit == TimestampUnit.SECONDS ? Instant.ofEpochSecond(value) : Instant.ofEpochMilli(value);
        } catch (java.time.DateTimeException e) {
            throw new BadRowException("timestamp " + raw + " is out of range");
        }
    }

    private Instant inRange(Instant t, String raw) throws BadRowException {
        if (t.isBefore(minTimestamp)) {
            throw new BadRowException("timestamp " + raw + " is " + t + ", before " + minTimestamp);
        }
        if (t.isAfter(maxTimestamp)) {
            throw new BadRowException("timestamp " + raw + " is " + t + ", after " + maxTimestamp);
        }
        return t;
    }

    private static Double dwell(String raw) throws BadRowException {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        double v;
        try {
            v = Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw new BadRowException("dwell time '" + raw + "' is not a number of milliseconds");
        }
        checkDwell(v, raw);
        return v;
    }

    private static void checkDwell(Double v, String raw) throws BadRowException {
        if (v != null && !(v >= 0 && Double.isFinite(v))) {
            throw new BadRowException("dwell time " + raw + " must be a finite number of milliseconds, at least 0");
        }
    }

    private String knownCodes() {
        return String.join(", ", codes.keySet().stream().sorted().toList());
    }

    private static Map<String, BehaviorType> typeNames() {
        return Arrays.stream(BehaviorType.values())
                .filter(t -> t != BehaviorType.UNKNOWN)
                .collect(Collectors.toMap(BehaviorType::name, t -> t, (a, b) -> a, LinkedHashMap::new));
    }

    private static Map<String, BehaviorType> lowerCaseKeys(Map<String, BehaviorType> codes) {
        Map<String, BehaviorType> lower = new LinkedHashMap<>();
        codes.forEach((code, type) -> {
            if (lower.put(code.toLowerCase(Locale.ROOT), type) != null) {
                throw new IllegalArgumentException("behaviour code '" + code + "' is mapped twice (codes ignore case)");
            }
        });
        return Map.copyOf(lower);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
