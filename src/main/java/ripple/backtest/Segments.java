package ripple.backtest;

import java.util.List;

/**
 * Slices of the evaluated events, as bits of one byte per event. seenItem: the item was in the catalogue before
 * the event (the only events any model can hit); repeat: this user touched the item before, else newToUser;
 * coldUser: the user's first event, else warmUser. Each pair partitions the events.
 */
final class Segments {
    static final int SEEN_ITEM = 1;
    static final int REPEAT = 2;
    static final int COLD_USER = 4;

    static final List<String> NAMES = List.of("all", "seenItem", "repeat", "newToUser", "coldUser", "warmUser");

    static final String DEFINITIONS = "all: every evaluated event; seenItem: the item was in the catalogue before "
            + "the event (no model can hit another); repeat: the user touched the item before; newToUser: the rest; "
            + "coldUser: the user's first event; warmUser: the rest";

    private Segments() {
    }

    static byte mask(boolean seenItem, boolean repeat, boolean coldUser) {
        return (byte) ((seenItem ? SEEN_ITEM : 0) | (repeat ? REPEAT : 0) | (coldUser ? COLD_USER : 0));
    }

    static boolean contains(String segment, byte mask) {
        return switch (segment) {
            case "all" -> true;
            case "seenItem" -> (mask & SEEN_ITEM) != 0;
            case "repeat" -> (mask & REPEAT) != 0;
            case "newToUser" -> (mask & REPEAT) == 0;
            case "coldUser" -> (mask & COLD_USER) != 0;
            case "warmUser" -> (mask & COLD_USER) == 0;
            default -> throw new IllegalArgumentException(segment);
        };
    }
}
