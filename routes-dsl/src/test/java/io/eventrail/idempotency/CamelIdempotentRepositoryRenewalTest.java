package io.eventrail.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.idempotency.IdempotencyStore.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** A plain Camel route's idempotentConsumer over an Eventrail store keeps its claim while a slow step runs. */
class CamelIdempotentRepositoryRenewalTest {

    @Test
    void claimOfASlowRouteIsRenewedUntilConfirmed() throws Exception {
        MemoryIdempotencyStore store = new MemoryIdempotencyStore(Duration.ofHours(1));
        CamelIdempotentRepository repository = new CamelIdempotentRepository(store, "g", Duration.ofSeconds(1));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:in").idempotentConsumer(header("key"), repository).process(x -> {
                        started.countDown();
                        assertThat(finish.await(30, TimeUnit.SECONDS)).isTrue();
                    });
                }
            });
            context.start();
            CompletableFuture<Object> sent = context.createProducerTemplate().asyncRequestBodyAndHeader("direct:in",
                    "body", "key", "k1");
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(2500); // two and a half leases: the claim would have run out without renewal
            assertThat(store.claim("g", "k1", Duration.ofSeconds(1)).status()).as("claim while the route runs")
                    .isEqualTo(Status.IN_PROGRESS);
            finish.countDown();
            sent.get(30, TimeUnit.SECONDS);
            assertThat(store.claim("g", "k1", Duration.ofSeconds(1)).status()).as("after confirm")
                    .isEqualTo(Status.DUPLICATE);
        }
    }
}
