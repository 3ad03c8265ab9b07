package io.eventrail.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.eventrail.ValidationLimits;

/** The project's Jackson set-up: one mapper, bounded readers. Thread-safe. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();
    private static final ObjectReader LENIENT = strictReader(ValidationLimits.DEFAULT);

    private Json() {
    }

    /** The shared mapper for writing data objects. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** A reader within the default limits, for data that was already validated. */
    public static ObjectReader lenientReader() {
        return LENIENT;
    }

    /**
     * A reader that enforces {@code limits} while parsing (nesting depth, string and number length,
     * document length), refuses duplicate keys and trailing tokens.
     */
    public static ObjectReader strictReader(ValidationLimits limits) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxDepth())
                        .maxStringLength(limits.maxStringLength())
                        .maxNumberLength(limits.maxNumberLength())
                        .maxDocumentLength(limits.maxBytes())
                        .maxNameLength(Math.min(limits.maxStringLength(), 50_000))
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .reader();
    }
}
