package io.eventrail.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.eventrail.idempotency.CamelIdempotentRepository;
import io.eventrail.idempotency.IdempotencyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CamelIdempotentRepositoryTest {

    @Test
    @DisplayName("Camel's idempotentConsumer over the H2 store: one effect per key, a failure releases the key")
    void idempotentConsumerEip() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:camel-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        config.setUsername("sa");
        config.setMaximumPoolSize(4);
        HikariDataSource pool = new HikariDataSource(config);
        AtomicInteger effects = new AtomicInteger();
        try (JdbcIdempotencyStore store = new JdbcIdempotencyStore(pool, "eventrail_idempotency", Duration.ofHours(1),
                Clock.systemUTC(), pool); DefaultCamelContext ctx = new DefaultCamelContext()) {
            CamelIdempotentRepository repo = new CamelIdempotentRepository(store, "camel-route", Duration.ofMinutes(1));
            ctx.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:in").idempotentConsumer(header("id"), repo).process(e -> {
                        if ("fail".equals(e.getMessage().getBody(String.class))) {
                            throw new IllegalStateException("boom");
                        }
                        effects.incrementAndGet();
                    });
                }
            });
            ctx.start();
            var template = ctx.createProducerTemplate();
            template.sendBodyAndHeader("direct:in", "ok", "id", "a");
            template.sendBodyAndHeader("direct:in", "ok", "id", "a");
            assertThat(effects.get()).isEqualTo(1);
            assertThatThrownBy(() -> template.sendBodyAndHeader("direct:in", "fail", "id", "b"))
                    .isInstanceOf(CamelExecutionException.class);
            template.sendBodyAndHeader("direct:in", "ok", "id", "b");
            assertThat(effects.get()).as("the failed key was released and processed on redelivery").isEqualTo(2);
            IdempotencyStore.Claim foreign = store.claim("camel-route", "c", Duration.ofMinutes(1));
            assertThat(foreign.acquired()).isTrue();
            assertThatThrownBy(() -> template.sendBodyAndHeader("direct:in", "ok", "id", "c"))
                    .as("a key another instance is processing is not dropped as a duplicate")
                    .hasRootCauseInstanceOf(IllegalStateException.class);
            assertThat(effects.get()).isEqualTo(2);
        }
    }
}
