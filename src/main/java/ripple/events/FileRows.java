package ripple.events;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The rows of a text file (UTF-8), each either parsed or bad, with its 1-based line number in the file. Bad rows are
 * rows like any other, so a caller cannot drop them without noticing. Blank lines are not rows (files often end
 * with one), a UTF-8 byte order mark (spreadsheet exports) is ignored, and a header line can be skipped; line
 * numbers still count them, so they match what an editor shows.
 *
 * <p>Two kinds of file: one record per line (JSON Lines), or delimited records (CSV, TSV, any delimiter) read by
 * Apache Commons CSV: RFC 4180 quoting, so a quoted field may hold the delimiter, quotes ({@code ""}) and line
 * breaks; such a record is numbered by its first line. A quote that never closes leaves the parser nowhere to go
 * on from: that is one bad row which says the rest of the file was not read.
 *
 * <p>Reads lazily, one line at a time, so files larger than memory stream through. Not thread-safe.
 */
public final class FileRows<T> implements Iterator<FileRows.Row<T>>, Closeable {

    /** One row of the file. */
    public sealed interface Row<T> permits Parsed, Bad {
        long line();
    }

    public record Parsed<T>(long line, T value) implements Row<T> {
    }

    /** @param text the line itself, shortened to {@value #MAX_TEXT} characters, to show next to the reason */
    public record Bad<T>(long line, String reason, String text) implements Row<T> {
    }

    /** Longest line text kept with a bad row: enough to recognise it, bounded for huge lines. */
    static final int MAX_TEXT = 120;
    private static final char BYTE_ORDER_MARK = '\uFEFF';

    /** Parses one delimited record's fields. */
    @FunctionalInterface
    public interface RecordParser<T> {
        /** @throws BadRowException if the fields cannot become a record; the message says why */
        T parse(List<String> fields) throws BadRowException;
    }

    /**
     * Makes the record parser for one file from its header (null when the file has none), e.g. resolving column
     * names to indexes.
     *
     * @throws IllegalArgumentException when the header does not fit (a named column missing), naming it
     */
    @FunctionalInterface
    public interface HeaderBinder<T> {
        RecordParser<T> bind(List<String> header);
    }

    private final BufferedReader reader;
    private final CountingInputStream counter;
    private final LineParser<T> parser;
    /** Set for delimited files, instead of {@link #parser}. */
    private CSVParser csv;
    private Iterator<CSVRecord> records;
    private RecordParser<T> recordParser;
    private String delimiter;
    private boolean headerPending;
    private long lineNumber;
    private Row<T> next;
    private boolean done;

    private FileRows(Reader reader, CountingInputStream counter, LineParser<T> parser, boolean skipHeader) {
        this.reader = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        this.counter = counter;
        this.parser = Objects.requireNonNull(parser, "parser");
        this.headerPending = skipHeader;
    }

    /** Opens a UTF-8 file; the caller closes the rows. */
    public static <T> FileRows<T> open(Path file, LineParser<T> parser, boolean skipHeader) throws IOException {
        CountingInputStream counter = new CountingInputStream(Files.newInputStream(file));
        Reader reader = new InputStreamReader(counter, StandardCharsets.UTF_8);
        return new FileRows<>(reader, counter, parser, skipHeader);
    }

    /** Rows of text that is not a file (a test's string, a network stream). */
    public static <T> FileRows<T> of(Reader reader, LineParser<T> parser, boolean skipHeader) {
        return new FileRows<>(reader, null, parser, skipHeader);
    }

    /**
     * The records of a delimited UTF-8 file; the caller closes them. With {@code header}, the first record names
     * the columns and is handed to {@code binder}.
     *
     * @throws IllegalArgumentException when the binder refuses the header
     */
    public static <T> FileRows<T> delimited(Path file, String delimiter, boolean header, HeaderBinder<T> binder)
            throws IOException {
        CountingInputStream counter = new CountingInputStream(Files.newInputStream(file));
        return delimited(new InputStreamReader(counter, StandardCharsets.UTF_8), counter, delimiter, header, binder);
    }

    /** Delimited records of text that is not a file. */
    public static <T> FileRows<T> delimited(Reader reader, String delimiter, boolean header, HeaderBinder<T> binder)
            throws IOException {
        return delimited(reader, null, delimiter, header, binder);
    }

    private static <T> FileRows<T> delimited(Reader text, CountingInputStream counter, String delimiter, boolean header,
                                             HeaderBinder<T> binder) throws IOException {
        BufferedReader reader = new BufferedReader(text);
        reader.mark(1);
        if (reader.read() != BYTE_ORDER_MARK) {
            reader.reset();
        }
        FileRows<T> rows = new FileRows<>(reader, counter, line -> null, false);
        rows.delimiter = delimiter;
        rows.csv = format(delimiter).parse(reader);
        rows.records = rows.csv.iterator();
        List<String> names = null;
        if (header) {
            try {
                names = rows.records.hasNext() ? rows.records.next().toList() : List.of();
            } catch (UncheckedIOException | IllegalStateException e) {
                rows.close();
                throw new IllegalArgumentException("cannot read the header line: " + csvProblem(e));
            }
            rows.lineNumber = rows.csv.getCurrentLineNumber();
        }
        try {
            rows.recordParser = binder.bind(names);
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
        return rows;
    }

    /** RFC 4180 with any delimiter, blank lines skipped, fields kept as written (spaces may matter in titles). */
    static CSVFormat format(String delimiter) {
        return CSVFormat.RFC4180.builder().setDelimiter(delimiter).setIgnoreEmptyLines(true).get();
    }

    /** What the parser found wrong, without its exception wrapping. */
    static String csvProblem(RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String message = String.valueOf(cause.getMessage());
        return message.contains("EOF reached before encapsulated token finished")
                ? "unterminated quoted field (" + message + ")"
                : message;
    }

    /**
     * Reads rows while {@code more} says so and the file has any: each parsed row goes to {@code parsed}, each bad
     * one is counted in {@code bad}, and {@code afterRow} runs after every row (for progress). The one row loop of
     * every reader of these files (import, backtest).
     */
    public static <T> void forEach(FileRows<T> rows, BadRows bad, BooleanSupplier more, Consumer<Parsed<T>> parsed,
                                   Runnable afterRow) {
        while (more.getAsBoolean() && rows.hasNext()) {
            Row<T> row = rows.next();
            if (row instanceof Bad<T> b) {
                bad.add(b);
            } else if (row instanceof Parsed<T> p) {
                parsed.accept(p);
            }
            afterRow.run();
        }
    }

    /**
     * Bytes consumed from the file so far, for progress reports. Runs ahead of the rows returned by up to the
     * reader's buffer (8 KiB); 0 for rows not read from a file.
     */
    public long bytesRead() {
        return counter == null ? 0 : counter.count;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            next = readRow();
            done = next == null;
        }
        return next != null;
    }

    /** @throws UncheckedIOException if reading the file fails */
    @Override
    public Row<T> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Row<T> row = next;
        next = null;
        return row;
    }

    private Row<T> readRow() {
        if (csv != null) {
            return readRecord();
        }
        String line;
        while ((line = readLine()) != null) {
            lineNumber++;
            if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == BYTE_ORDER_MARK) {
                line = line.substring(1);
            }
            if (headerPending) {
                headerPending = false;
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            try {
                return new Parsed<>(lineNumber, parser.parse(line));
            } catch (BadRowException e) {
                return new Bad<>(lineNumber, e.getMessage(), clip(line));
            }
        }
        return null;
    }

    private Row<T> readRecord() {
        long before = csv.getCurrentLineNumber();
        CSVRecord record;
        try {
            do {
                if (!records.hasNext()) {
                    return null;
                }
                record = records.next();
                // a line of spaces is blank, as in a line-per-record file
            } while (record.size() == 1 && record.get(0).isBlank());
        } catch (UncheckedIOException | IllegalStateException e) {
            if (e.getCause() instanceof CSVException || e instanceof IllegalStateException) {
                // the parser cannot go on past malformed quoting: say so rather than end the file quietly
                records = java.util.Collections.emptyIterator();
                return new Bad<>(before + 1, csvProblem(e) + "; the rest of the file was not read", "");
            }
            throw new UncheckedIOException("cannot read line " + (before + 1) + ": " + e.getMessage(),
                    e instanceof UncheckedIOException u ? u.getCause() : new IOException(e));
        }
        List<String> fields = record.toList();
        // a record is numbered by its first line: its last line less the line breaks inside its quoted fields
        long breaks = fields.stream().mapToLong(f -> f.chars().filter(c -> c == '\n').count()).sum();
        lineNumber = csv.getCurrentLineNumber() - breaks;
        try {
            return new Parsed<>(lineNumber, recordParser.parse(fields));
        } catch (BadRowException e) {
            return new Bad<>(lineNumber, e.getMessage(), clip(String.join(delimiter, fields)));
        }
    }

    private String readLine() {
        try {
            return reader.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read line " + (lineNumber + 1) + ": " + e.getMessage(), e);
        }
    }

    private static String clip(String line) {
        return line.length() <= MAX_TEXT ? line : line.substring(0, MAX_TEXT) + "...";
    }

    @Override
    public void close() throws IOException {
        if (csv != null) {
            csv.close();
        }
        reader.close();
    }

    /** Counts the bytes read through it; only the reading thread touches the count. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
