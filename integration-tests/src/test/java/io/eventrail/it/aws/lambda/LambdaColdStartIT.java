package io.eventrail.it.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.it.aws.Fauxqs;
import io.eventrail.it.stores.Services;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cold start of the sample function's deployment package ({@code samples/lambda-function/target/lambda-function.jar},
 * built by that module's package phase) in a fresh JVM, against fauxqs and PostgreSQL: {@link ColdStartMain} prints
 * the figures, which this test prints again; it asserts only that the function answered without failures.
 */
class LambdaColdStartIT {
    private final String table = "lambda_cold_" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);

    @BeforeAll
    static void services() {
        Services.requirePostgres();
    }

    @AfterEach
    void drop() {
        Services.dropTable(table);
    }

    @Test
    @DisplayName("Cold start and per-message cost of the packaged sample function in a fresh JVM (printed, not asserted)")
    void coldStart() throws Exception {
        Path module = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
        Path jar = module.resolveSibling("samples").resolve("lambda-function/target/lambda-function.jar");
        assertThat(jar).as("the sample's deployment package: build it first with "
                + "mvn -pl samples/lambda-function -am package -DskipTests").exists();
        Path classes = module.resolve("target/test-classes");
        String prefix = "cold" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36) + "-";
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                // as JAVA_TOOL_OPTIONS in template.yaml, and about the heap of a 1024 MB function
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xmx768m",
                "-Deventrail.brokers.aws.endpoint-override=" + Fauxqs.endpoint(),
                "-Deventrail.brokers.aws.region=us-east-1", "-Deventrail.brokers.aws.access-key=test",
                "-Deventrail.brokers.aws.secret-key=test", "-Deventrail.brokers.aws.name-prefix=" + prefix,
                "-Deventrail.idempotency.jdbc.url=" + Services.POSTGRES_URL,
                "-Deventrail.idempotency.jdbc.table=" + table,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", jar + File.pathSeparator + classes, ColdStartMain.class.getName(), "50"));
        Path log = Files.createTempFile("lambda-cold-start", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertThat(done).as("the harness ended within 5 minutes: " + output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        String figures = output.lines().filter(l -> l.startsWith("COLD START:")).findFirst().orElse(null);
        assertThat(figures).as(output).isNotNull();
        System.out.println(figures);
    }
}
