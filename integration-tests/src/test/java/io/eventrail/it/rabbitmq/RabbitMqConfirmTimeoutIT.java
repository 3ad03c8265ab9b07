package io.eventrail.it.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.Eventrail;
import io.eventrail.PublishException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A broker under a memory alarm blocks publishers and confirms nothing: the publish must fail after
 * {@code confirm-timeout}, and events flow again once the alarm clears. Throw-away node on 127.0.0.1:5675.
 */
class RabbitMqConfirmTimeoutIT {
    private static final String TYPE = "it.rabbit.alarm";

    @Test
    @DisplayName("a publish the broker does not confirm within confirm-timeout fails; after the alarm events flow again")
    void unconfirmedPublishTimesOut() throws Exception {
        String dest = RabbitSupport.unique("alarm");
        List<String> received = new CopyOnWriteArrayList<>();
        try (ThrowawayRabbitNode node = new ThrowawayRabbitNode(5675, 25675)) {
            node.start();
            try (CamelContext ctx = RabbitSupport.started("alarm", node.port(), Map.of("confirm-timeout", "1500ms"),
                    TYPE, dest, "g", e -> received.add(e.id()))) {
                var publisher = Eventrail.of(ctx).publisher();
                String first = publisher.publish(TYPE, "{}");
                assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> received.contains(first))).isTrue();

                node.ctl("set_vm_memory_high_watermark", "0");
                long start = System.nanoTime();
                assertThatThrownBy(() -> publisher.publish(TYPE, "{\"blocked\":true}"))
                        .isInstanceOf(PublishException.class).hasMessageContaining("confirm");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1400),
                        Duration.ofSeconds(10));

                node.ctl("set_vm_memory_high_watermark", "0.4");
                AtomicReference<String> after = new AtomicReference<>();
                RabbitSupport.await(Duration.ofSeconds(30), () -> {
                    try {
                        after.set(publisher.publish(TYPE, "{}"));
                        return true;
                    } catch (PublishException e) {
                        return false;
                    }
                });
                assertThat(after.get()).as("a publish is confirmed again after the alarm cleared").isNotNull();
                assertThat(RabbitSupport.await(Duration.ofSeconds(20), () -> received.contains(after.get()))).isTrue();
            }
        }
    }
}
