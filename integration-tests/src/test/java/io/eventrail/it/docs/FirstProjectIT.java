package io.eventrail.it.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.it.kafka.KafkaTestCluster;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Your first project", as a new user follows it: the snippets marked {@code <!-- first-project: ... -->}
 * are written into an empty folder, built with Maven against the installed Eventrail artifacts (scripts/test.sh runs
 * {@code mvn install}, so they are this build's), and run on the memory broker and on Kafka. A README change that
 * breaks the snippets, or a code change that breaks the README, fails here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FirstProjectIT {
    private static final Pattern SNIPPET = Pattern.compile("<!-- first-project: (\\S+) -->\\s*```\\w*\\n(.*?)```",
            Pattern.DOTALL);

    @TempDir
    static Path project;

    private static Map<String, String> snippets;

    @BeforeAll
    static void buildFromTheReadme() throws Exception {
        snippets = readmeSnippets();
        assertThat(snippets).containsKeys("pom.xml", "src/main/java/com/example/SignupRoutes.java",
                "src/main/java/com/example/App.java", "src/main/resources/application.properties", "run", "run-kafka");
        for (Map.Entry<String, String> s : snippets.entrySet()) {
            if (s.getKey().contains(".")) {
                Path file = project.resolve(s.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, s.getValue());
            }
        }
        List<String> build = commands("run").get(0);
        assertThat(build).startsWith("mvn");
        List<String> mvn = new ArrayList<>(build);
        String repo = System.getProperty("maven.repo.local");
        if (repo != null && !repo.isBlank()) {
            mvn.add("-Dmaven.repo.local=" + repo);
        }
        Result built = run(mvn, project, 300, null);
        assertThat(built.exit).as("the README's build command failed:\n%s", built.output).isZero();
        assertThat(project.resolve("target/classes/com/example/App.class")).exists();
        // only the adapter the pom names, and what it needs: no other broker, no H2, no Redis client
        List<String> jars = List.of(project.resolve("target/dependency").toFile().list());
        assertThat(jars).anyMatch(j -> j.startsWith("eventrail-broker-kafka-"))
                .noneMatch(j -> j.startsWith("eventrail-broker-rabbitmq") || j.startsWith("eventrail-broker-aws")
                        || j.startsWith("h2-") || j.startsWith("HikariCP-")
                        || j.startsWith("jedis-") || j.startsWith("amqp-client")
                        || j.startsWith("sqs-") || j.startsWith("sns-"));
    }

    @Test
    @Order(1)
    void runsOnTheMemoryBroker() throws Exception {
        Result r = run(commands("run").get(1), project, 60, "Welcome, user 42");
        assertThat(r.output).contains("Welcome, user 42");
    }

    @Test
    @Order(2)
    void runsOnKafkaWithTheReadmesArguments() throws Exception {
        List<String> java = new ArrayList<>(commands("run-kafka").get(0));
        String bootstrap = KafkaTestCluster.bootstrapServers();
        java.replaceAll(a -> a.replace("127.0.0.1:9092", bootstrap));
        assertThat(java).contains("--eventrail.broker=kafka");
        Result r = run(java, project, 90, "Welcome, user 42");
        assertThat(r.output).contains("Welcome, user 42");
    }

    @Test
    @Order(3)
    void aMisspeltSettingInApplicationPropertiesStopsStartUpNamingIt() throws Exception {
        Path props = project.resolve("target/classes/application.properties");
        String original = Files.readString(props);
        try {
            Files.writeString(props, original + "\neventrail.retry.max-atempts = 5\n");
            Result r = run(commands("run").get(1), project, 60, null);
            assertThat(r.exit).isEqualTo(2);
            assertThat(r.output).contains("eventrail.retry.max-atempts")
                    .contains("did you mean 'eventrail.retry.max-attempts'?");
        } finally {
            Files.writeString(props, original);
        }
    }

    /** The README's snippets by name, in order. */
    private static Map<String, String> readmeSnippets() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Map<String, String> found = new LinkedHashMap<>();
        Matcher m = SNIPPET.matcher(readme);
        while (m.find()) {
            found.put(m.group(1), m.group(2));
        }
        return found;
    }

    /** The commands of a shell snippet: one per line (continued lines joined), comments and the Kafka script dropped. */
    private static List<List<String>> commands(String name) {
        List<List<String>> result = new ArrayList<>();
        String joined = snippets.get(name).replace("\\\n", " ");
        for (String line : joined.split("\n")) {
            String cmd = line.replaceAll("#.*$", "").trim();
            if (cmd.isEmpty() || cmd.startsWith("scripts/")) {
                continue;
            }
            List<String> words = new ArrayList<>();
            Matcher w = Pattern.compile("'([^']*)'|(\\S+)").matcher(cmd);
            while (w.find()) {
                words.add(w.group(1) != null ? w.group(1) : w.group(2));
            }
            result.add(words);
        }
        return result;
    }

    private record Result(int exit, String output) {
    }

    /** Runs {@code command} in {@code dir}; with {@code until}, stops the process once its output shows that text. */
    private static Result run(List<String> command, Path dir, int seconds, String until) throws Exception {
        List<String> cmd = new ArrayList<>(command);
        if ("java".equals(cmd.get(0))) {
            cmd.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // the classpath wildcard is expanded by the JVM, as in the README's shell command
            int cp = cmd.indexOf("-cp");
            cmd.set(cp + 1, cmd.get(cp + 1).replace(":", File.pathSeparator));
        }
        File log = Files.createTempFile("first-project", ".log").toFile();
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            while (p.isAlive() && System.nanoTime() < deadline) {
                if (until != null && Files.readString(log.toPath(), StandardCharsets.UTF_8).contains(until)) {
                    break;
                }
                Thread.sleep(100);
            }
            if (until == null && p.isAlive()) {
                throw new AssertionError("'" + String.join(" ", command) + "' did not end within " + seconds + " s:\n"
                        + Files.readString(log.toPath()));
            }
        } finally {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
        String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        if (until != null && !output.contains(until)) {
            throw new AssertionError("'" + String.join(" ", command) + "' did not show '" + until + "' within "
                    + seconds + " s:\n" + output);
        }
        return new Result(p.exitValue(), output);
    }
}
