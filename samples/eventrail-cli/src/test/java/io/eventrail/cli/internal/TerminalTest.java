package io.eventrail.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class TerminalTest {
    @Test
    void controlCharactersSeparatorsAndBidiOverridesAreEscaped() {
        assertThat(Terminal.safe("a\r\nreplayed  forged")).isEqualTo("a\\u000d\\u000areplayed  forged");
        assertThat(Terminal.safe("\u001b[31mred\u001b[0m\u0000")).isEqualTo("\\u001b[31mred\\u001b[0m\\u0000");
        assertThat(Terminal.safe("x\u202ey\u2066z\u2028")).isEqualTo("x\\u202ey\\u2066z\\u2028");
        String plain = "order-1 café 日本 ✓";
        assertThat(Terminal.safe(plain)).isSameAs(plain);
        assertThat(Terminal.safe(null)).isEqualTo("null");
    }

    @Test
    void aTableCellCannotAddALineOrColourTheScreen() {
        StringWriter w = new StringWriter();
        ControlCommands.table(new PrintWriter(w, true), List.of(new String[] {"ID", "ERROR"},
                new String[] {"q/1\nforged  line", "boom\u001b[2J"}));
        String[] lines = w.toString().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).isEqualTo("q/1\\u000aforged  line  boom\\u001b[2J");
        assertThat(ControlCommands.cut("a\u001bb\nc", 60)).isEqualTo("a\\u001bb c");
    }
}
