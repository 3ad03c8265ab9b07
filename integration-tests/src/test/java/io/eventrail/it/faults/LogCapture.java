package io.eventrail.it.faults;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what this JVM writes to {@code System.err} (where slf4j-simple logs) while still passing it through,
 * so a test can assert that no log line echoed an attacker's control characters or a secret. Install once,
 * {@link #mark()} before a case and read {@link #since(int)} after it. Thread-safe; bounded to 64 MiB.
 */
public final class LogCapture {
    private static final int LIMIT = 64 * 1024 * 1024;
    private static final ByteArrayOutputStream BUFFER = new ByteArrayOutputStream();
    private static PrintStream original;

    private LogCapture() {
    }

    /** Tees {@code System.err} into the capture buffer; idempotent. */
    public static synchronized void install() {
        if (original != null) {
            return;
        }
        original = System.err;
        PrintStream through = original;
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                through.write(b);
                synchronized (BUFFER) {
                    if (BUFFER.size() < LIMIT) {
                        BUFFER.write(b);
                    }
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                through.write(b, off, len);
                synchronized (BUFFER) {
                    if (BUFFER.size() + len <= LIMIT) {
                        BUFFER.write(b, off, len);
                    }
                }
            }

            @Override
            public void flush() {
                through.flush();
            }
        }, true, StandardCharsets.UTF_8));
    }

    /** The position to read from later. */
    public static int mark() {
        synchronized (BUFFER) {
            return BUFFER.size();
        }
    }

    /** Everything logged since {@code mark}. */
    public static String since(int mark) {
        System.err.flush();
        synchronized (BUFFER) {
            byte[] all = BUFFER.toByteArray();
            return new String(all, Math.min(mark, all.length), Math.max(0, all.length - mark), StandardCharsets.UTF_8);
        }
    }
}
