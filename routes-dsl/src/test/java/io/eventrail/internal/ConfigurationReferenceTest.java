package io.eventrail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.spi.OptionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration reference names every top-level key the loader accepts. */
class ConfigurationReferenceTest {
    @Test
    void readmeListsEveryTopLevelKey() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (OptionSpec spec : SettingsLoader.GLOBAL) {
            assertThat(readme).as("README configuration reference").contains("`eventrail." + spec.name() + "`");
        }
        for (OptionSpec spec : Stores.MEMORY_STORE_OPTIONS) {
            assertThat(readme).as("README configuration reference").contains("`eventrail.store.memory." + spec.name() + "`");
        }
    }
}
