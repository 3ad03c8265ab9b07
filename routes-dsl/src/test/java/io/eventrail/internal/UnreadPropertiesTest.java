package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnreadPropertiesTest {
    @TempDir
    Path dir;

    private ClassLoader withApplicationProperties() throws Exception {
        Files.writeString(dir.resolve("application.properties"), "eventrail.brokr = kafka\n");
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }

    @Test
    void aPlainContextWithTheFileOnTheClasspathIsWarnedAbout() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            assertThat(UnreadProperties.check(context, withApplicationProperties())).isTrue();
        }
    }

    @Test
    void aContextThatReadsAPropertiesFileIsNot() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setLocation("classpath:application.properties;optional=true");
            assertThat(UnreadProperties.check(context, withApplicationProperties())).isFalse();
        }
    }

    @Test
    void noFileNoWarning() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            assertThat(UnreadProperties.check(context, new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)))
                    .isFalse();
        }
    }
}
