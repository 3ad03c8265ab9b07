package io.eventrail.asyncapi;

import java.util.Objects;

/**
 * What the generated AsyncAPI document says about the application itself ({@code info}). Immutable.
 *
 * @param title       {@code info.title}: the application's name (default: the Camel context's name)
 * @param version     {@code info.version}: the version of the application's API (default {@code 0.1.0})
 * @param description {@code info.description}, or null for the default sentence
 */
public record AsyncApiOptions(String title, String version, String description) {
    /** The version used when none is given. */
    public static final String DEFAULT_VERSION = "0.1.0";

    public AsyncApiOptions {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("AsyncAPI title must not be blank");
        }
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("AsyncAPI version must not be blank");
        }
    }

    /** Title {@code title}, version {@value #DEFAULT_VERSION}, the default description. */
    public static AsyncApiOptions titled(String title) {
        return new AsyncApiOptions(title, DEFAULT_VERSION, null);
    }

    /** These options with version {@code version}. */
    public AsyncApiOptions withVersion(String version) {
        return new AsyncApiOptions(title, Objects.requireNonNull(version, "version"), description);
    }

    /** These options with description {@code description}. */
    public AsyncApiOptions withDescription(String description) {
        return new AsyncApiOptions(title, version, Objects.requireNonNull(description, "description"));
    }
}
