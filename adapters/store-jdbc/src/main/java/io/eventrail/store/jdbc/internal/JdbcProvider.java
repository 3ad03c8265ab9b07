package io.eventrail.store.jdbc.internal;

import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import java.util.List;

/** What both JDBC store providers share: the type {@code jdbc} and the options of {@link JdbcSection}. Stateless. */
abstract class JdbcProvider {
    private final List<OptionSpec> options;

    JdbcProvider(String table, String poolSize, String what) {
        this.options = JdbcSection.options(table, poolSize, what);
    }

    public String type() {
        return "jdbc";
    }

    public List<OptionSpec> options() {
        return options;
    }

    public void validate(BrokerOptions settings, String prefix, List<String> errors) {
        JdbcSection.validate(settings, prefix, errors);
    }
}
