package io.eventrail.store.spi;

import io.eventrail.idempotency.IdempotencyStore;
import io.eventrail.spi.BrokerOptions;
import io.eventrail.spi.OptionSpec;
import java.util.List;

/**
 * Opens the {@link IdempotencyStore} of one type ({@code eventrail.idempotency.store=<type>}). Implementations are
 * stateless, thread-safe factories with a public no-argument constructor, found with {@link java.util.ServiceLoader};
 * a failure in {@link #open} refuses start-up with its message (which must hold no secret).
 */
public interface IdempotencyStoreProvider {
    /** The type named in {@code eventrail.idempotency.store}, e.g. {@code jdbc}; lower case, never null. */
    String type();

    /** Its options, relative to {@code eventrail.idempotency.<type>.}, with defaults and one-line meanings. */
    List<OptionSpec> options();

    /**
     * Checks what {@link BrokerOptions#parse} cannot (ranges, formats, combinations), adding each problem, prefixed by
     * its full key ({@code prefix} + option), to {@code errors}. Called for every configured section of this type,
     * selected or not, also when another option failed to parse: check only the options that are set
     * ({@link BrokerOptions#isSet}). The default accepts everything.
     */
    default void validate(BrokerOptions options, String prefix, List<String> errors) {
    }

    /**
     * Opens the store; called once per Camel context, on the thread that creates Eventrail, only when this type is
     * selected and no {@code IdempotencyStore} bean is bound. The store is closed with the context.
     *
     * @throws Exception when the store cannot be opened (database unreachable, missing driver)
     */
    IdempotencyStore open(StoreContext context) throws Exception;
}
