package io.eventrail.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.networknt.schema.JsonSchema;
import io.cloudevents.CloudEvent;
import io.eventrail.Event;
import io.eventrail.EventValidator;
import io.eventrail.ValidationLimits;
import io.eventrail.spi.codec.AttributeLimits;
import io.eventrail.spi.codec.Sanitize;
import java.io.CharConversionException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Validates an event: envelope attributes ({@link AttributeLimits}, the rule set shared with the consumers and
 * codecs), data parsed within limits, then the type's JSON Schema and
 * Java validators. Returns every violation; never throws for bad input. Thread-safe.
 */
public final class DataValidation {
    private final ValidationLimits limits;
    private final ObjectReader reader;

    public DataValidation(ValidationLimits limits) {
        this.limits = limits;
        this.reader = Json.strictReader(limits);
    }

    public ValidationLimits limits() {
        return limits;
    }

    /** Every violation of {@code event} against {@code schema} (may be null) and {@code validators}. */
    public List<String> validate(CloudEvent event, JsonSchema schema, List<EventValidator> validators) {
        return check(event, schema, validators).violations();
    }

    /**
     * What {@link #check} found: every violation, and the data's JSON tree as validation read it (null when the data
     * is not JSON, missing or unreadable), for the handler to use instead of parsing the data again.
     */
    public record Checked(List<String> violations, JsonNode tree) {
    }

    /** As {@link #validate}, with the data's JSON tree. */
    public Checked check(CloudEvent event, JsonSchema schema, List<EventValidator> validators) {
        // the attribute rules every consumer and codec apply too: what is published here can be consumed and stored
        List<String> violations = new ArrayList<>(AttributeLimits.violations(event));
        byte[] data = event.getData() == null ? null : event.getData().toBytes();
        JsonNode tree = null;
        if (data != null && data.length > limits.maxBytes()) {
            violations.add("data is " + data.length + " bytes, more than the limit of " + limits.maxBytes());
            return new Checked(violations, null);
        }
        if (isJson(event.getDataContentType())) {
            if (data == null || data.length == 0) {
                if (schema != null) {
                    violations.add("data is missing: a JSON document is required");
                }
            } else {
                try {
                    tree = reader.readTree(data);
                } catch (StreamConstraintsException e) {
                    violations.add("data exceeds a parsing limit: " + Sanitize.forMessage(e.getOriginalMessage()));
                } catch (CharConversionException e) {
                    violations.add("data is not valid UTF-8");
                } catch (JsonProcessingException e) {
                    violations.add("data is not well-formed JSON: " + Sanitize.forMessage(e.getOriginalMessage())
                            + location(e));
                } catch (IOException e) {
                    violations.add("data could not be read: " + Sanitize.forMessage(e.getMessage()));
                }
                if (tree == null && violations.isEmpty()) {
                    violations.add("data is empty");
                }
            }
        } else if (schema != null) {
            violations.add("datacontenttype '" + Sanitize.forMessage(event.getDataContentType())
                    + "' is not JSON, but the type has a JSON Schema");
        }
        if (!violations.isEmpty()) {
            return new Checked(violations, null);
        }
        if (schema != null && tree != null) {
            schema.validate(tree).forEach(m -> violations.add(Sanitize.forMessage(m.getMessage(), 500)));
        }
        if (violations.isEmpty() && !validators.isEmpty()) {
            Event e = new Event(event, tree);
            for (EventValidator v : validators) {
                try {
                    List<String> found = v.validate(e);
                    if (found != null) {
                        found.forEach(s -> violations.add(Sanitize.forMessage(s, 500)));
                    }
                } catch (RuntimeException ex) {
                    violations.add("validator " + v.getClass().getSimpleName() + " failed: "
                            + Sanitize.forMessage(String.valueOf(ex.getMessage())));
                }
            }
        }
        return new Checked(violations, tree);
    }

    /** Whether a data content type is JSON (null counts as JSON, the Eventrail default). */
    public static boolean isJson(String contentType) {
        if (contentType == null) {
            return true;
        }
        String ct = contentType.toLowerCase(Locale.ROOT);
        int semi = ct.indexOf(';');
        if (semi >= 0) {
            ct = ct.substring(0, semi);
        }
        ct = ct.trim();
        return ct.equals("application/json") || ct.endsWith("+json") || ct.equals("text/json");
    }

    private static String location(JsonProcessingException e) {
        if (e.getLocation() == null) {
            return "";
        }
        return " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }
}
