package ripple.ops;

import org.apache.kafka.streams.state.HostInfo;

/** Answers {@code /users/{id}/recommendations} from this instance's state. */
@FunctionalInterface
public interface UserLookup {
    Answer recommendations(String userId);

    /** What this instance can say about a user. */
    sealed interface Answer {
    }

    /** The user's recommendations: {@code body} is written as JSON. */
    record Found(Object body) implements Answer {
    }

    /** No state for this user on the instance that owns it. */
    record NotFound() implements Answer {
    }

    /** Another instance owns the user's partition: ask it. */
    record Elsewhere(HostInfo host) implements Answer {
    }

    /** Nobody can answer now (starting, rebalancing, restoring): try again. */
    record Unavailable(String reason) implements Answer {
    }
}
