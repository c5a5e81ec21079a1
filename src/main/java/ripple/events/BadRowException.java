package ripple.events;

/**
 * A line of an input file that cannot become a record. The message says why, in words meant for the person who
 * made the file ("timestamp 15 (1970-01-01T00:00:15Z) is before 2000-01-01T00:00:00Z"). Checked, so that a parser
 * cannot forget that rows go bad.
 */
public final class BadRowException extends Exception {

    public BadRowException(String reason) {
        super(reason, null, false, false);
    }
}
