package io.eventrail.spi.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.junit.jupiter.api.Test;

class Rfc3339Test {
    @Test
    void sameResultAsOffsetDateTimeParse() {
        List<String> inputs = List.of("2026-01-02T03:04:05Z", "2026-01-02T03:04:05.1Z", "2026-01-02T03:04:05.123456789Z",
                "2026-12-31T23:59:59.999+01:00", "2026-06-30T12:00:00-05:30", "2026-06-30T12:00:00-00:00",
                "2026-06-30T12:00:00+18:00", "2024-02-29T00:00:00Z", "2026-01-02t03:04:05z", "2026-01-02T03:04Z",
                "2026-01-02T03:04:05+01:00:30", "+12026-01-02T03:04:05Z");
        for (String s : inputs) {
            assertThat(Rfc3339.parse(s)).as(s).isEqualTo(OffsetDateTime.parse(s));
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String written = now.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        assertThat(Rfc3339.canonical(written)).as("what the codec writes takes the fast path").isEqualTo(now);
    }

    @Test
    void rejectsExactlyWhatOffsetDateTimeParseRejects() {
        for (String s : List.of("2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z",
                "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00+19:00", "2026-01-01T00:00:00", "2026-01-01 00:00:00Z",
                "2026-01-01T00:00:00.1234567890Z", "2026-01-02T03:04:05+0100", "not a time", "2026-01-01T00:00:60Z")) {
            OffsetDateTime expected;
            try {
                expected = OffsetDateTime.parse(s);
            } catch (DateTimeParseException e) {
                assertThatThrownBy(() -> Rfc3339.parse(s)).as(s).isInstanceOf(DateTimeParseException.class);
                continue;
            }
            assertThat(Rfc3339.parse(s)).as(s).isEqualTo(expected);
        }
    }
}
