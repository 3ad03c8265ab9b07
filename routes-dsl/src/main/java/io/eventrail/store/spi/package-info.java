/**
 * How store modules plug into Eventrail: {@link io.eventrail.store.spi.IdempotencyStoreProvider} and
 * {@link io.eventrail.store.spi.EventStoreProvider}, found with {@code ServiceLoader}
 * ({@code META-INF/services/io.eventrail.store.spi.IdempotencyStoreProvider}, {@code ...EventStoreProvider}) and chosen
 * by {@code eventrail.idempotency.store} and {@code eventrail.store.type}. The memory stores are built in.
 */
package io.eventrail.store.spi;
