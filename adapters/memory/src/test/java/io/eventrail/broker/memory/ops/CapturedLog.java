package io.eventrail.broker.memory.ops;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** Test-only: the log lines (message and MDC) written while it is attached to the root logger. Thread-safe. */
final class CapturedLog extends AbstractAppender implements AutoCloseable {
    /** One captured line. */
    record Line(String logger, String message, Map<String, String> mdc) {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private CapturedLog() {
        super("captured", null, null, true, Property.EMPTY_ARRAY);
    }

    /** Starts capturing every log line of this JVM. */
    static CapturedLog attach() {
        CapturedLog log = new CapturedLog();
        log.start();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().addAppender(log, null, null);
        ctx.updateLoggers();
        return log;
    }

    @Override
    public void append(LogEvent event) {
        lines.add(new Line(event.getLoggerName(), event.getMessage().getFormattedMessage(),
                Map.copyOf(event.getContextData().toMap())));
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().removeAppender(getName());
        ctx.updateLoggers();
        stop();
    }
}
