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
        String p = path.startsWith("classpath:") ? path.substring("classpath:".length()) : path;
        p = p.startsWith("/") ? p.substring(1) : p;
        try (InputStream in = loader.getResourceAsStream(p)) {
            if (in == null) {
                throw new IllegalArgumentException("JSON Schema '" + path + "' is not on the classpath");
            }
            JsonNode node = Json.mapper().readTree(in);
            SpecVersion.VersionFlag flag = SpecVersionDetector.detectOptionalVersion(node, false)
                    .orElse(SpecVersion.VersionFlag.V202012);
            return JsonSchemaFactory.getInstance(flag).getSchema(node);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("JSON Schema")) {
                throw iae;
            }
            throw new IllegalArgumentException("JSON Schema '" + path + "' cannot be read: " + e.getMessage(), e);
        }
    }
}
