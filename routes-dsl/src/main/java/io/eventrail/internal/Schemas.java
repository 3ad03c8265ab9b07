package io.eventrail.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import java.io.IOException;
import java.io.InputStream;

/** Loads JSON Schemas from the classpath with the networknt validator. */
public final class Schemas {
    private Schemas() {
    }

    /**
     * The schema at classpath {@code path}; its {@code $schema} picks the draft (2020-12 when absent).
     *
     * @throws IllegalArgumentException naming the path when it is missing or not a schema
     */
    public static JsonSchema load(String path, ClassLoader loader) {
        JsonNode node = read(path, loader);
        try {
            SpecVersion.VersionFlag flag = SpecVersionDetector.detectOptionalVersion(node, false)
                    .orElse(SpecVersion.VersionFlag.V202012);
            return JsonSchemaFactory.getInstance(flag).getSchema(node);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("JSON Schema '" + path + "' cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The JSON document at classpath {@code path} ({@code classpath:} prefix and leading {@code /} allowed), as
     * written (for the event catalogue).
     *
     * @throws IllegalArgumentException naming the path when it is missing or not JSON
     */
    public static JsonNode read(String path, ClassLoader loader) {
        String p = path.startsWith("classpath:") ? path.substring("classpath:".length()) : path;
        p = p.startsWith("/") ? p.substring(1) : p;
        try (InputStream in = loader.getResourceAsStream(p)) {
            if (in == null) {
                throw new IllegalArgumentException("JSON Schema '" + path + "' is not on the classpath");
            }
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("JSON Schema '" + path + "' cannot be read: " + e.getMessage(), e);
        }
    }
}
