package io.eventrail.spi.codec;

import java.util.Set;
import java.util.regex.Pattern;

/** CloudEvents 1.0 context attribute names. */
final class Attributes {
    static final Set<String> CONTEXT = Set.of("specversion", "id", "source", "type", "time", "subject",
            "dataschema", "datacontenttype", "data", "data_base64");
    static final Pattern VALID_NAME = Pattern.compile("[a-z0-9]{1,20}");

    private Attributes() {
    }
}
