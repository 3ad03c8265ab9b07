package io.eventrail.broker.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The header value conversion of {@link ConfirmingProducer}: the same as when spring-rabbit mapped the
 * headers (the types AMQP writes as they are pass, everything else goes as its text), so that no value the
 * amqp-client cannot write reaches it. No broker needed.
 */
class ConfirmingProducerHeaderTest {
    @Test
    void amqpTypesPassAsTheyAre() {
        Date now = new Date();
        byte[] bytes = {1, 2};
        for (Object v : new Object[] {"s", 1, 2L, (short) 3, (byte) 4, 1.5d, 2.5f, new BigDecimal("1.25"), true, now,
                bytes}) {
            assertThat(ConfirmingProducer.headerValue(v)).isSameAs(v);
        }
    }

    @Test
    void everythingElseGoesAsText() {
        UUID id = UUID.randomUUID();
        assertThat(ConfirmingProducer.headerValue(id)).isEqualTo(id.toString());
        assertThat(ConfirmingProducer.headerValue(new BigInteger("123456789012345678901234567890")))
                .isEqualTo("123456789012345678901234567890");
        assertThat(ConfirmingProducer.headerValue(new AtomicLong(7))).isEqualTo("7");
        assertThat(ConfirmingProducer.headerValue(List.of("a", 1))).isEqualTo("[a, 1]");
        assertThat(ConfirmingProducer.headerValue(Map.of("k", "v"))).isEqualTo("{k=v}");
        assertThat(ConfirmingProducer.headerValue('c')).isEqualTo("c");
    }
}
