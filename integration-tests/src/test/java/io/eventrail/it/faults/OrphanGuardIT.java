package io.eventrail.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A consumer JVM of the fault suite must not outlive the JVM that started it, even when that JVM is killed with
 * SIGKILL and runs no shutdown hook: a parent JVM starts a child JVM with {@link OrphanGuard} on, the test kills the
 * parent and the child must be gone within seconds.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OrphanGuardIT {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    void aChildJvmHaltsWhenItsParentIsKilled() throws Exception {
        Process parent = new ProcessBuilder(JAVA, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                Parent.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ProcessHandle child = null;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }).get(60, TimeUnit.SECONDS);
            assertThat(line).as("the parent JVM reports its child").startsWith("CHILD ");
            child = ProcessHandle.of(Long.parseLong(line.substring(6).trim())).orElseThrow();
            // the guard does not end a child whose parent lives
            TimeUnit.SECONDS.sleep(3);
            assertThat(child.isAlive()).as("child alive while its parent lives").isTrue();

            parent.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            child.onExit().get(15, TimeUnit.SECONDS);
            assertThat(child.isAlive()).as("child gone after its parent was killed").isFalse();
        } finally {
            parent.destroyForcibly();
            if (child != null) {
                child.destroyForcibly();
            }
        }
    }

    /** The parent JVM: starts a {@link Child}, prints {@code CHILD <pid>}, then waits to be killed. */
    static final class Parent {
        public static void main(String[] args) throws Exception {
            Process child = new ProcessBuilder(List.of(JAVA, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    Child.class.getName())).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            System.out.println("CHILD " + child.pid());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** The child JVM: the guard on, then waits forever. */
    static final class Child {
        public static void main(String[] args) throws Exception {
            OrphanGuard.haltWhenParentGone();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
