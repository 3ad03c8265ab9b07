package io.eventrail.spi.codec;

import io.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one rule set for CloudEvents context attributes, applied alike by the publisher (refused with every
 * violation), by every consumer (dead letter, {@code reason=invalid}) and by the codecs that read attributes from
 * broker headers, so that what the publisher accepts every consumer accepts, and every store can hold. The limits
 * are those of the stores: the JDBC store for later keeps {@code id} and {@code type} in {@code VARCHAR(255)} and
 * {@code source} in {@code VARCHAR(1024)}; every other attribute value is bounded by the broker header limit
 * {@link #MAX_VALUE}. Text attributes follow the CloudEvents type system: no control characters (U+0000 to U+001F,
 * U+007F to U+009F; PostgreSQL cannot store NUL) and no unpaired surrogates. Extension names are lower-case ASCII
 * letters and digits, 1 to {@value #MAX_EXTENSION_NAME} characters. Lengths are counted in UTF-16 chars, never fewer
 * than the characters a database counts. Stateless.
 */
public final class AttributeLimits {
    /** The longest {@code id}: the store for later's {@code event_id VARCHAR(255)}. */
    public static final int MAX_ID = 255;
    /** The longest {@code type}: the store for later's {@code event_type VARCHAR(255)}. */
    public static final int MAX_TYPE = 255;
    /** The longest {@code source}: the store for later's {@code event_source VARCHAR(1024)}. */
    public static final int MAX_SOURCE = 1024;
    /** The longest value of every other attribute ({@code subject}, {@code dataschema}, extensions, ...). */
    public static final int MAX_VALUE = 4096;
    /** The longest extension attribute name (CloudEvents recommends at most 20). */
    public static final int MAX_EXTENSION_NAME = 20;

    /** CloudEvents 1.0 context attribute names (and the structured format's data members). */
    static final Set<String> CONTEXT = Set.of("specversion", "id", "source", "type", "time", "subject",
            "dataschema", "datacontenttype", "data", "data_base64");
    private static final Pattern VALID_NAME = Pattern.compile("[a-z0-9]{1," + MAX_EXTENSION_NAME + "}");

    private AttributeLimits() {
    }

    /** Every violation of these rules by {@code event}'s attributes, each naming the attribute and the limit; empty when none. */
    public static List<String> violations(CloudEvent event) {
        List<String> v = new ArrayList<>();
        String id = event.getId();
        if (id == null || id.isBlank()) {
            v.add("attribute 'id' is missing or empty");
        } else {
            text(v, "id", id, MAX_ID);
        }
        String type = event.getType();
        if (type == null || type.isBlank()) {
            v.add("attribute 'type' is missing or empty");
        } else {
            text(v, "type", type, MAX_TYPE);
        }
        String source = event.getSource() == null ? null : event.getSource().toString();
        if (source == null || source.isEmpty()) {
            v.add("attribute 'source' is missing or empty");
        } else {
            text(v, "source", source, MAX_SOURCE);
        }
        if (event.getSubject() != null) {
            text(v, "subject", event.getSubject(), MAX_VALUE);
        }
        if (event.getDataSchema() != null) {
            text(v, "dataschema", event.getDataSchema().toString(), MAX_VALUE);
        }
        if (event.getDataContentType() != null) {
            text(v, "datacontenttype", event.getDataContentType(), MAX_VALUE);
        }
        for (String name : event.getExtensionNames()) {
            String problem = extensionNameProblem(name);
            if (problem != null) {
                v.add(problem);
                continue;
            }
            Object value = event.getExtension(name);
            if (value != null) {
                text(v, name, value.toString(), MAX_VALUE);
            }
        }
        return v;
    }

    /** Whether {@code name} is a CloudEvents context attribute rather than an extension. */
    public static boolean isContextAttribute(String name) {
        return CONTEXT.contains(name);
    }

    /** Why {@code name} is not a valid extension attribute name, or null when it is one. */
    public static String extensionNameProblem(String name) {
        if (name != null && VALID_NAME.matcher(name).matches() && !CONTEXT.contains(name)) {
            return null;
        }
        return "extension attribute name '" + Sanitize.forMessage(String.valueOf(name)) + "' is invalid (lower-case "
                + "letters and digits, 1 to " + MAX_EXTENSION_NAME + ", not a context attribute name)";
    }

    private static void text(List<String> violations, String attribute, String value, int max) {
        if (value.length() > max) {
            violations.add("attribute '" + attribute + "' is " + value.length() + " characters, more than the limit of "
                    + max);
        }
        String bad = forbiddenCharacter(value);
        if (bad != null) {
            violations.add("attribute '" + attribute + "' contains " + bad
                    + " (CloudEvents text attributes allow no control characters or unpaired surrogates)");
        }
    }

    /** The first character CloudEvents text may not hold, described ({@code U+0000 at index 3}), or null. */
    static String forbiddenCharacter(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad;
            if (Character.isHighSurrogate(c)) {
                bad = i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
                if (!bad) {
                    i++;
                    continue;
                }
            } else {
                bad = Character.isISOControl(c) || Character.isLowSurrogate(c);
            }
            if (bad) {
                return String.format("U+%04X at index %d", (int) c, i);
            }
        }
        return null;
    }
}
