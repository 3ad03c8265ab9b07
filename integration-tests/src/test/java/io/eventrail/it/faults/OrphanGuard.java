package io.eventrail.it.faults;

/**
 * Ends a child JVM of the fault suite when the JVM that started it is gone, even when that JVM died by SIGKILL or
 * {@code Runtime.halt} and ran no shutdown hook: without it a consumer JVM would outlive an aborted test run and keep
 * consuming. The parent's liveness (pid and start time, so a reused pid does not count) is polled once a second.
 */
final class OrphanGuard {
    /** Exit status of a child JVM that ended because its parent was gone. */
    static final int ORPHANED = 3;

    private OrphanGuard() {
    }

    /** Starts a daemon thread that halts this JVM within about a second of its parent process being gone. */
    static void haltWhenParentGone() {
        ProcessHandle parent = ProcessHandle.current().parent()
                .orElseThrow(() -> new IllegalStateException("this JVM has no parent process to watch"));
        Thread t = new Thread(() -> {
            try {
                while (parent.isAlive()) {
                    Thread.sleep(1000);
                }
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("parent JVM " + parent.pid() + " gone: halting this consumer JVM");
            System.err.flush();
            Runtime.getRuntime().halt(ORPHANED);
        }, "orphan-guard");
        t.setDaemon(true);
        t.start();
    }
}
