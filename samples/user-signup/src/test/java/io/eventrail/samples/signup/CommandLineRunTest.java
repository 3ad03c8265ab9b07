package io.eventrail.samples.signup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample's {@code main} as an operator runs it: its own JVM, its exit code, what it prints on standard
 * output (the log) and standard error.
 */
@DisplayName("The sample run from the command line")
class CommandLineRunTest {
    private static final long TIMEOUT_SECONDS = 120;

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopWhatIsStillRunning() {
        started.forEach(Process::destroyForcibly);
    }

    @Test
    @DisplayName("bad settings: exit code 2, every bad key named in one message on stderr, no stack trace anywhere")
    void badSettingsEndWithOneMessageAndExitCode2() throws Exception {
        Run run = start("--signup.demo.enabled=false", "--eventrail.retry.max-attempts=abc",
                "--eventrail.retry.jitter=1.5", "--eventrail.pipelines.users-signup-logger.retry.multiplier=0.5");
        assertThat(run.process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("exits").isTrue();
        assertThat(run.process.exitValue()).isEqualTo(2);
        assertThat(run.stderr()).isEqualTo("""
                user-signup did not start: Eventrail settings are invalid (3 problems):
                  - eventrail.retry.max-attempts: expected a whole number, got 'abc'
                  - eventrail.pipelines.users-signup-logger.retry.multiplier: 0.5 is below 1.0
                  - eventrail.retry.jitter: 1.5 is not between 0.0 and 1.0
                """);
        assertThat(run.stdout()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    @Test
    @DisplayName("a problem found when Camel starts (a pipeline id no route has): exit 2, the message last, no stack trace")
    void problemFoundWhileCamelStartsEndsWithoutAStackTrace() throws Exception {
        Run run = start("--signup.demo.enabled=false", "--eventrail.pipelines.users-signup-loger.group=x");
        assertThat(run.process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("exits").isTrue();
        assertThat(run.process.exitValue()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("user-signup did not start: Eventrail settings are invalid (1 problem):\n")
                .contains("  - eventrail.pipelines.users-signup-loger: no pipeline has id 'users-signup-loger'; "
                        + "did you mean 'users-signup-logger'?")
                .doesNotContain("\tat ");
        assertThat(run.stdout()).as("Camel's refusal is one warning, not an error with a stack trace")
                .doesNotContain("\tat ").doesNotContain("ERROR");
    }

    @Test
    @DisplayName("on SIGTERM the lines logged while Camel stops are written: the log ends with Camel's shutdown")
    void sigtermKeepsTheLastLogLines() throws Exception {
        Run run = start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!run.stdout().contains("No handler for event") && run.process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(run.stdout()).as("the demo's last event handled").contains("No handler for event");
        run.process.destroy(); // SIGTERM
        assertThat(run.process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("stops").isTrue();
        String log = run.stdout();
        assertThat(log).contains("JVM shutdown hook triggered by SIGTERM")
                .contains("Stopped eventrail-consume-users-signup-logger")
                .contains("Apache Camel 4.17.0 (user-signup) shutdown in")
                .as("the main thread's last line, logged after Camel stopped")
                .contains("[main] MainSupport - Apache Camel (Main) 4.17.0 shutdown");
        assertThat(run.stderr()).isEmpty();
    }

    private Run start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), UserSignupApplication.class.getName(),
                "--camel.server.host=127.0.0.1", "--camel.server.port=" + freePort()));
        command.addAll(List.of(args));
        Path out = dir.resolve("stdout.log");
        Path err = dir.resolve("stderr.log");
        // the working directory is the temporary folder: the default store for later writes its H2 file there
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        started.add(process);
        return new Run(process, out, err);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private record Run(Process process, Path out, Path err) {
        String stdout() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        String stderr() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }
    }
}
