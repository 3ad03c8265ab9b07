package io.eventrail.samples.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The deployment package {@code template.yaml} names ({@code target/lambda-function.jar}, built by the package phase
 * before this test runs): it holds the handler, the routes, the settings and every service a cold start looks up, once.
 */
class LambdaPackageIT {
    private static final Path JAR = Path.of(System.getProperty("basedir", "."), "target", "lambda-function.jar");

    @Test
    @DisplayName("the package exists and holds the SQS handler, the routes, the schema and application.properties")
    void holdsTheFunction() throws IOException {
        assertThat(JAR).exists();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (String entry : List.of("io/eventrail/lambda/SqsEventHandler.class", "io/eventrail/lambda/SnsEventHandler.class",
                    "io/eventrail/samples/lambda/OrderRoutes.class", "schemas/order-placed.json",
                    "com/amazonaws/services/lambda/runtime/RequestHandler.class",
                    "com/amazonaws/services/lambda/runtime/events/SQSBatchResponse.class",
                    "org/postgresql/Driver.class", "org/apache/camel/main/Main.class")) {
                assertThat(jar.getEntry(entry)).as(entry).isNotNull();
            }
            assertThat(read(jar, "application.properties"))
                    .contains("camel.main.routes-builder-classes = io.eventrail.samples.lambda.OrderRoutes");
        }
    }

    @Test
    @DisplayName("no entry twice, no signature file of a signed dependency, and the service files merged from every jar")
    void noConflictingEntries() throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(JAR))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                names.add(e.getName());
            }
        }
        Set<String> seen = new HashSet<>();
        assertThat(names.stream().filter(n -> !seen.add(n)).toList()).as("entries present twice").isEmpty();
        assertThat(names).noneMatch(n -> n.matches("META-INF/[^/]+\\.(SF|DSA|RSA)"));
        try (JarFile jar = new JarFile(JAR.toFile())) {
            // ServiceLoader finds only what the merged files list: each module's own entries must all be there
            assertThat(read(jar, "META-INF/services/io.eventrail.spi.BrokerAdapter"))
                    .contains("io.eventrail.broker.aws.SqsBrokerAdapter", "io.eventrail.broker.aws.SnsBrokerAdapter");
            assertThat(read(jar, "META-INF/services/io.eventrail.extension.EventrailExtension"))
                    .contains("io.eventrail.lambda.internal.LambdaExtension");
            assertThat(read(jar, "META-INF/services/io.eventrail.store.spi.IdempotencyStoreProvider"))
                    .contains("io.eventrail.store.jdbc.internal.JdbcIdempotencyStoreProvider");
            assertThat(read(jar, "META-INF/services/java.sql.Driver")).contains("org.postgresql.Driver");
            // Camel finds its components, type converters and configurers through these files
            assertThat(jar.getEntry("META-INF/services/org/apache/camel/component/aws2-sqs")).isNotNull();
            assertThat(jar.getEntry("META-INF/services/org/apache/camel/TypeConverterLoader")).isNotNull();
        }
    }

    private static String read(JarFile jar, String name) throws IOException {
        ZipEntry e = jar.getEntry(name);
        assertThat(e).as(name).isNotNull();
        try (InputStream in = jar.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
