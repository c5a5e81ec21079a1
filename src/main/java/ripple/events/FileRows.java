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
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The rows of a line-oriented text file (UTF-8), each either parsed or bad, with its 1-based line number in the
 * file. Bad rows are rows like any other, so a caller cannot drop them without noticing. Blank lines are not rows
 * (files often end with one), a UTF-8 byte order mark (spreadsheet exports) is ignored, and a header line can be
 * skipped; line numbers still count them, so they match what an editor shows.
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

    private final BufferedReader reader;
    private final CountingInputStream counter;
    private final LineParser<T> parser;
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
