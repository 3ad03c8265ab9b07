package io.eventrail.cli.internal;

/** A failure the tool reports with a message (no stack trace) and an exit code. */
public final class CliException extends RuntimeException {
    private final int code;

    public CliException(int code, String message) {
        super(message);
        this.code = code;
    }

    /** The process exit code. */
    public int code() {
        return code;
    }
}
