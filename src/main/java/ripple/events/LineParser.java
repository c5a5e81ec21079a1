package ripple.events;

/** Parses one line of a text file into a record. */
@FunctionalInterface
public interface LineParser<T> {

    /** @throws BadRowException if the line cannot become a record; the message says why */
    T parse(String line) throws BadRowException;
}
