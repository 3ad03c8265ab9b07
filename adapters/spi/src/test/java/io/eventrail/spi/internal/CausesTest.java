package io.eventrail.spi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class CausesTest {
    @Test
    void theRootIsTheInnermostCause() {
        IOException root = new IOException("connection refused");
        RuntimeException top = new IllegalStateException("publish failed", new UncheckedIOException("io", root));
        assertThat(Causes.root(top)).isSameAs(root);
        assertThat(Causes.root(root)).isSameAs(root);
        assertThat(Causes.root(null)).isNull();
    }

    @Test
    void theRootMessageIsTheInnermostMessageThereIs() {
        assertThat(Causes.rootMessage(new IllegalStateException("outer", new IllegalArgumentException("inner"))))
                .isEqualTo("inner");
        assertThat(Causes.rootMessage(new IllegalStateException("outer", new NullPointerException())))
                .as("a root without message: the nearest message above it").isEqualTo("outer");
        assertThat(Causes.rootMessage(new IllegalStateException(new NullPointerException())))
                .as("the wrapper's message is the cause's toString").isEqualTo("java.lang.NullPointerException");
        assertThat(Causes.rootMessage(new NullPointerException())).isEqualTo("NullPointerException");
    }
}
