package io.eventrail.asyncapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.Locale;

/**
 * A generated AsyncAPI 3.0.0 document, written as JSON or YAML (Jackson). The output is deterministic: the same
 * declarations and settings give the same bytes, so a committed document can be diffed. Immutable and thread-safe.
 */
public final class AsyncApiDocument {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build());

    private final ObjectNode tree;

    AsyncApiDocument(ObjectNode tree) {
        this.tree = tree.deepCopy();
    }

    /** The document as a Jackson tree (a copy). */
    public JsonNode tree() {
        return tree.deepCopy();
    }

    /** The document as indented JSON, ending with a new line. */
    public String toJson() {
        return write(JSON);
    }

    /** The document as YAML, ending with a new line. */
    public String toYaml() {
        return write(YAML);
    }

    /**
     * The document in {@code format}: {@code json} or {@code yaml} (also {@code yml}), case-insensitive.
     *
     * @throws IllegalArgumentException naming the format when it is neither
     */
    public String as(String format) {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "json" -> toJson();
            case "yaml", "yml" -> toYaml();
            default -> throw new IllegalArgumentException("AsyncAPI format '" + format + "' is unknown: use json or yaml");
        };
    }

    private String write(ObjectMapper mapper) {
        try {
            String text = mapper.writeValueAsString(tree);
            return text.endsWith("\n") ? text : text + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the AsyncAPI document: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "AsyncAPI document '" + tree.path("info").path("title").asText() + "'";
    }
}
