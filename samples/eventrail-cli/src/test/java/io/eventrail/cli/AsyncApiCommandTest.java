package io.eventrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.asyncapi.AsyncApi;
import io.eventrail.asyncapi.AsyncApiOptions;
import io.eventrail.asyncapi.AsyncApiParser;
import io.eventrail.asyncapi.KitRoutes;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code eventrail asyncapi}: the document of a routes class, written without starting it or any broker. */
class AsyncApiCommandTest {
    private static Path dir;
    private static Path properties;

    @BeforeAll
    static void kitProperties() throws Exception {
        dir = Files.createDirectories(Paths.get("target/asyncapi-cli"));
        properties = dir.resolve("kit.properties");
        try (InputStream in = KitRoutes.class.getResourceAsStream("/kit.properties")) {
            Files.copy(in, properties, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = EventrailCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("--out writes the YAML document the generator gives for the routes and properties; the parser accepts it")
    void writesDocument() throws Exception {
        Path out = dir.resolve("kit.yaml");
        Files.deleteIfExists(out);
        Run r = run("asyncapi", "--routes", KitRoutes.class.getName(), "--properties", properties.toString(), "--out",
                out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(properties)) {
            p.load(in);
        }
        // the title comes from camel.main.name
        String expected = AsyncApi.describe(new KitRoutes(), p, AsyncApiOptions.titled("asyncapi-kit")).toYaml();
        assertThat(Files.readString(out)).isEqualTo(expected);
        assertThat(AsyncApiParser.errors(out)).isEmpty();
    }

    @Test
    @DisplayName("--format json writes JSON to standard output, with the given title and version")
    void jsonToStandardOutput() {
        Run r = run("asyncapi", "--routes", KitRoutes.class.getName(), "--properties", properties.toString(),
                "--format", "json", "--title", "Kit", "--api-version", "2.1.0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("{").contains("\"asyncapi\" : \"3.0.0\"", "\"title\" : \"Kit\"",
                "\"version\" : \"2.1.0\"");
    }

    @Test
    @DisplayName("a class that is missing, not EventRoutes, or without a no-argument constructor is refused (exit 2)")
    void badClasses() {
        Run missing = run("asyncapi", "--routes", "com.example.Missing");
        assertThat(missing.code()).isEqualTo(EventrailCli.USAGE);
        assertThat(missing.err()).contains("'com.example.Missing' is not on the class path");
        Run notRoutes = run("asyncapi", "--routes", String.class.getName());
        assertThat(notRoutes.code()).isEqualTo(EventrailCli.USAGE);
        assertThat(notRoutes.err()).contains("is not an io.eventrail.EventRoutes");
        Run badFormat = run("asyncapi", "--routes", KitRoutes.class.getName(), "--format", "xml");
        assertThat(badFormat.code()).isEqualTo(EventrailCli.USAGE);
        assertThat(badFormat.err()).contains("--format must be json or yaml");
    }

    @Test
    @DisplayName("routes naming a broker instance the properties do not configure are refused naming it (exit 2)")
    void unconfiguredBroker() {
        Run r = run("asyncapi", "--routes", KitRoutes.class.getName());
        assertThat(r.code()).isEqualTo(EventrailCli.USAGE);
        assertThat(r.err()).contains("broker instance", "is not configured");
    }
}
