package ripple.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;

/** Reading one JSON object per line (JSON Lines) into Avro record fields, with row-level error messages. */
final class JsonLine {

    // A second value on the line ({"a":1} {"a":2}) is a mistake in a JSON Lines file, not something to ignore.
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ObjectNode object;

    private JsonLine(ObjectNode object) {
        this.object = object;
    }

    /**
     * Parses a line holding one JSON object whose fields are all in {@code knownFields}: a misspelt field name
     * ({@code userID}) would otherwise lose its value without a word.
     */
    static JsonLine parse(String line, String recordName, List<String> knownFields) throws BadRowException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new BadRowException("not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw new BadRowException("expected a JSON object, found " + node.getNodeType().name().toLowerCase());
        }
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!knownFields.contains(name)) {
                throw new BadRowException("unknown field '" + name + "'; " + recordName + " fields are " + String.join(", ", knownFields));
            }
        }
        return new JsonLine(object);
    }

    /** A string field that must be present and non-empty; numbers are accepted as their text (ids often are). */
    String requiredId(String field) throws BadRowException {
        String v = optionalText(field);
        if (v == null || v.isBlank()) {
            throw new BadRowException("missing " + field);
        }
        return v.trim();
    }

    /** A string field, or null when missing or null. */
    String optionalText(String field) throws BadRowException {
        JsonNode v = object.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual() || v.isIntegralNumber()) {
            return v.asText();
        }
        throw new BadRowException(field + " must be a string, found " + v.getNodeType().name().toLowerCase());
    }

    Double optionalNumber(String field) throws BadRowException {
        JsonNode v = object.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new BadRowException(field + " must be a number, found " + v.getNodeType().name().toLowerCase());
        }
        return v.asDouble();
    }

    /** Epoch milliseconds or an ISO-8601 instant ({@code 2017-11-26T01:00:00Z}); null when missing. */
    Instant optionalInstant(String field) throws BadRowException {
        JsonNode v = object.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return Instant.ofEpochMilli(v.asLong());
        }
        if (v.isTextual()) {
            try {
                return Instant.parse(v.asText());
            } catch (DateTimeParseException e) {
                throw new BadRowException(field + " '" + v.asText() + "' is not an ISO-8601 instant such as 2017-11-26T01:00:00Z");
            }
        }
        throw new BadRowException(field + " must be epoch milliseconds or an ISO-8601 instant, found " + v);
    }

    /** The raw node of a field that needs its own handling (maps, arrays); null when missing or null. */
    JsonNode node(String field) {
        JsonNode v = object.get(field);
        return v == null || v.isNull() ? null : v;
    }
}
