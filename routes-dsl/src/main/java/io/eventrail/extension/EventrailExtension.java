package io.eventrail.extension;

import io.eventrail.Eventrail;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import java.util.List;
import org.apache.camel.CamelContext;

/**
 * A module that adds one concern to Eventrail (the management plane, HTTP ingest, ...), found with
 * {@link java.util.ServiceLoader} when Eventrail is created in a Camel context. Implementations are stateless
 * factories with a public no-argument constructor; {@link #attach} is called once per context, on the thread that
 * creates Eventrail, and a failure there refuses start-up; {@link #prepare} comes before it, while Eventrail is being
 * created.
 */
public interface EventrailExtension {
    /**
     * The settings section the module owns, relative to {@code eventrail.} and ending with a dot
     * (e.g. {@code "management."}); its keys are validated against {@link #options()} together with the core's, so
     * every problem is reported at once.
     */
    String section();

    /** Its options, relative to {@link #section()}, with defaults and one-line meanings (documentation and validation). */
    List<OptionSpec> options();

    /**
     * Validates what {@link BrokerOptions#parse} cannot (ranges, combinations), adding each problem, prefixed by its
     * full key, to {@code errors}. Called even when some options did not parse (so that every problem is reported
     * at once); reading such an option may throw, which is then ignored. The default accepts everything.
     */
    default void validate(BrokerOptions settings, List<String> errors) {
    }

    /**
     * Prepares {@code context} before Eventrail reads its registry, for what the core picks up from there (for
     * example bind the {@code MeterRegistry} Eventrail then records in). Called once per context, with the section's
     * validated options, before {@link #attach}. Must do no network I/O. The default does nothing.
     *
     * @throws Exception when the context cannot be prepared; start-up is refused with it
     */
    default void prepare(CamelContext context, BrokerOptions settings) throws Exception {
    }

    /**
     * Adds the concern to {@code eventrail} (register Camel services, routes or health checks on
     * {@link Eventrail#camelContext()}). Must do no network I/O: start servers in a Camel service's
     * {@code doStart}, which Camel calls when the context starts. Runs while {@link Eventrail#of} holds the
     * context's lock, before the stores are opened: ask for them later (in {@code doStart} or per request).
     *
     * @param settings the section's validated options
     * @throws Exception when the concern cannot be added; start-up is refused with it
     */
    void attach(Eventrail eventrail, BrokerOptions settings) throws Exception;
}
