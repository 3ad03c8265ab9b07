package io.eventrail.spi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

class OutageReportTest {
    private final AtomicLong now = new AtomicLong();
    private final Lines log = new Lines();
    private final OutageReport report = new OutageReport(log, "broker 'b' (rabbitmq 127.0.0.1:5672)",
            Duration.ofMinutes(1), Duration.ofMinutes(10), now::get);

    @Test
    void firstFailureOnceThenRepeatsAtADoublingIntervalWithTheirCount() {
        ConnectException refused = new ConnectException("Connection refused, password=hunter2");
        // a client retrying every 2 s for 30 minutes: 900 failures
        for (int i = 0; i < 900; i++) {
            report.failed(new IOException("connect failed", refused));
            now.addAndGet(Duration.ofSeconds(2).toNanos());
        }
        // first at 0, then after 1, 2, 4, 8 min (at 1, 3, 7, 15 min) and 10 min later (25 min)
        assertThat(log.lines).hasSize(6);
        assertThat(log.lines.get(0)).isEqualTo("WARN broker 'b' (rabbitmq 127.0.0.1:5672) unreachable: IOException: "
                + "connect failed; cause: java.net.ConnectException: Connection refused, password=****");
        assertThat(log.lines.get(1)).startsWith("WARN broker 'b' (rabbitmq 127.0.0.1:5672) still unreachable after 1 min 0 s: "
                + "30 failed attempt(s) since the last report").contains("next report in 2 min 0 s");
        assertThat(log.lines.get(5)).contains("after 25 min 0 s").contains("next report in 10 min 0 s");
        assertThat(log.lines).noneMatch(l -> l.contains("hunter2"));

        report.succeeded();
        report.succeeded();
        assertThat(log.lines).hasSize(7);
        assertThat(log.lines.get(6)).isEqualTo("INFO broker 'b' (rabbitmq 127.0.0.1:5672) reachable again after "
                + "30 min 0 s (900 failed attempt(s))");
    }

    @Test
    void aNewOutageStartsAgainAtTheFirstInterval() {
        report.failed(new ConnectException("refused"));
        report.succeeded();
        report.failed(new ConnectException("refused"));
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        report.failed(new ConnectException("refused"));
        assertThat(log.lines).hasSize(4);
        assertThat(log.lines.get(2)).startsWith("WARN broker 'b' (rabbitmq 127.0.0.1:5672) unreachable:");
        assertThat(log.lines.get(3)).contains("still unreachable after 1 min 1 s: 1 failed attempt(s)");
    }

    @Test
    void nothingIsLoggedWhileTheDependencyAnswers() {
        report.succeeded();
        assertThat(log.lines).isEmpty();
        assertThat(report.isDown()).isFalse();
    }

    /** A real SLF4J logger writing "LEVEL message" lines into a list. */
    private static final class Lines extends LegacyAbstractLogger {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                                   Throwable t) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, args));
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }
}
