package ripple.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import ripple.avro.BehaviorType;
import ripple.events.Delimited;
import ripple.events.EventFileReader;
import ripple.events.ItemFileReader;

/**
 * How behaviour and item files are laid out (a picocli mixin): {@code import} and {@code backtest} read files with
 * the same options and the same readers, so both accept and reject the same rows.
 */
public final class EventFileOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Layout of --input: taobao (UserBehavior.csv), csv (with --columns) or jsonl (BehaviorEvent fields).")
    String format;

    @Option(names = "--input", paramLabel = "FILE", description = "Behaviour events.")
    Path input;

    @Option(names = "--items", paramLabel = "FILE",
            description = "Catalogue items: JSON Lines with Item fields, or CSV with --item-columns.")
    Path items;

    @Option(names = "--scenario", paramLabel = "NAME",
            description = "Scenario of the events (default: ecommerce for taobao, else what the event says or events.default-scenario).")
    String scenario;

    @Option(names = "--columns", paramLabel = "MAPPING",
            description = "csv: 0-based columns, user=0,item=1,type=3,ts=4[,category=2,dwell=5,event=6] (dwell in ms, event = event id),"
                    + " or with --header the header's names, user=user_id,item=item_id,...")
    String columns;

    @Option(names = "--types", paramLabel = "CODE=TYPE,...",
            description = "csv: behaviour codes, e.g. pv=BROWSE,buy=PURCHASE (default: BehaviorType names, any case).")
    String types;

    @Option(names = "--ts-unit", paramLabel = "s|ms", defaultValue = "ms",
            description = "csv: unit of the timestamp column (default: ${DEFAULT-VALUE}).")
    String timestampUnit;

    @Option(names = "--header", description = "csv: the first line is a header.")
    boolean header;

    @Option(names = "--delimiter", paramLabel = "TEXT", defaultValue = ",",
            description = "csv: field delimiter; \\t or tab for a tab (default: '${DEFAULT-VALUE}').")
    String delimiter;

    @Option(names = "--item-columns", paramLabel = "MAPPING",
            description = "Items as CSV: id=0,title=1[,category=2,description=3,tags=4,language=5] (tags separated by '|'),"
                    + " or with --item-header the header's names, id=movieId,title=title,...")
    String itemColumns;

    @Option(names = "--item-header", description = "Items CSV: the first line is a header.")
    boolean itemHeader;

    @Option(names = "--item-delimiter", paramLabel = "TEXT", defaultValue = ",",
            description = "Items CSV: field delimiter (default: '${DEFAULT-VALUE}').")
    String itemDelimiter;

    /** The reader of --input as --format and the mapping options describe it. */
    EventFileReader eventReader() {
        if (format == null) {
            throw usage("--format is required with --input (taobao, csv or jsonl)");
        }
        boolean csv = format.equalsIgnoreCase("csv");
        if (!csv && (columns != null || types != null || header)) {
            throw usage("--columns, --types and --header apply to --format csv only");
        }
        EventFileReader reader;
        try {
            reader = switch (format.toLowerCase(Locale.ROOT)) {
                case "taobao" -> EventFileReader.taobao();
                case "jsonl" -> EventFileReader.jsonl();
                case "csv" -> {
                    if (columns == null) {
                        throw usage("--format csv needs --columns, e.g. user=0,item=1,type=3,ts=4");
                    }
                    yield EventFileReader.csv(
                            Delimited.columns(columns, "--columns", EventFileReader.REQUIRED_COLUMNS, EventFileReader.OPTIONAL_COLUMNS),
                            types == null ? Map.of() : behaviourCodes(types), timestampUnit(), header, Delimited.delimiter(delimiter));
                }
                default -> throw usage("unknown --format '" + format + "': expected taobao, csv or jsonl");
            };
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        return scenario == null ? reader : reader.withScenario(scenario);
    }

    /** The reader of --items: JSON Lines, or CSV when --item-columns is given. */
    ItemFileReader itemReader() {
        Instant now = Instant.now();
        if (itemColumns == null) {
            return ItemFileReader.jsonl(now);
        }
        try {
            return ItemFileReader.csv(
                    Delimited.columns(itemColumns, "--item-columns", ItemFileReader.REQUIRED_COLUMNS, ItemFileReader.OPTIONAL_COLUMNS),
                    itemHeader, Delimited.delimiter(itemDelimiter), now);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private static Map<String, BehaviorType> behaviourCodes(String spec) {
        Map<String, BehaviorType> codes = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", -1);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw new IllegalArgumentException("--types: expected CODE=TYPE pairs separated by commas, got '" + part + "'");
            }
            try {
                codes.put(kv[0].trim(), BehaviorType.valueOf(kv[1].trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--types: '" + kv[1].trim() + "' is not a behaviour type; types: "
                        + java.util.Arrays.toString(BehaviorType.values()));
            }
        }
        return codes;
    }

    private EventFileReader.TimestampUnit timestampUnit() {
        return switch (timestampUnit.toLowerCase(Locale.ROOT)) {
            case "s" -> EventFileReader.TimestampUnit.SECONDS;
            case "ms" -> EventFileReader.TimestampUnit.MILLISECONDS;
            default -> throw new IllegalArgumentException("--ts-unit must be s or ms, got '" + timestampUnit + "'");
        };
    }

    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
