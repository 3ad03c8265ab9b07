package io.eventrail.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.spi.OptionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The module README and the project README's configuration reference name every management option. */
class ReadmeTest {
    @Test
    void everyOptionIsDocumented() throws Exception {
        String module = Files.readString(Path.of("README.md"));
        String project = Files.readString(Path.of("..", "..", "README.md"));
        for (OptionSpec spec : ManagementSettings.OPTIONS) {
            assertThat(module).as("module README options table").contains("| `" + spec.name() + "` |");
            assertThat(project).as("README configuration reference").contains("eventrail.management." + spec.name());
        }
    }
}
