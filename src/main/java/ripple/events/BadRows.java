package ripple.events;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Bad rows of one input file: all counted, the first few kept with their line numbers and reasons, so a file with a
 * million bad rows still gets a short report that says where to look.
 */
public final class BadRows {

    public static final int SHOWN = 10;

    private final List<FileRows.Bad<?>> first = new ArrayList<>();
    private long count;

    public void add(FileRows.Bad<?> bad) {
        count++;
        if (first.size() < SHOWN) {
            first.add(bad);
        }
    }

    public long count() {
        return count;
    }

    public void print(PrintWriter out, String file) {
        if (count == 0) {
            return;
        }
        out.println(file + ": " + count + (count == 1 ? " bad row" : " bad rows") + ", not imported:");
        for (FileRows.Bad<?> bad : first) {
            out.println("  line " + bad.line() + ": " + bad.reason() + "  [" + bad.text() + "]");
        }
        if (count > first.size()) {
            out.println("  ... and " + (count - first.size()) + " more");
        }
    }
}
