package io.eventrail.broker.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.Eventrail;
import io.eventrail.EventRoutes;
import io.eventrail.InvalidEventException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assertions;

class SmokeTest {
    @Test
    void publishesAndConsumes() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (var ctx = new DefaultCamelContext()) {
            ctx.addRoutes(new EventRoutes() {
                @Override
                protected void configureEvents() {
                    eventType("USER_SIGNUP").destination("smoke-users").validator(e ->
                            e.field("userId") == null ? List.of("userId is required") : List.of());
                    consume("smoke-users").group("g1").on("USER_SIGNUP", e -> seen.add(e.field("userId")));
                }
            });
            ctx.start();
            var pub = Eventrail.of(ctx).publisher();
            pub.publish("USER_SIGNUP", "{\"eventType\":\"USER_SIGNUP\",\"userId\":\"12345\"}");
            Assertions.assertThrows(InvalidEventException.class, () -> pub.publish("USER_SIGNUP", "{}"));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (seen.isEmpty() && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            assertThat(seen).containsExactly("12345");
            System.out.println(ctx.getRoutes());
        }
    }
}
