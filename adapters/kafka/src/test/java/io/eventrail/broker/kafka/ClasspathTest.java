package io.eventrail.broker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A user's project with only {@code eventrail-broker-kafka} gets no store, pool or other broker's client: this module's
 * test class path is its compile and runtime dependencies plus JUnit, AssertJ and slf4j-simple.
 */
@DisplayName("eventrail-broker-kafka alone brings no H2, Jedis, HikariCP, RabbitMQ or AWS code")
class ClasspathTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "org.h2.Driver",                                  // H2
        "redis.clients.jedis.UnifiedJedis",               // Jedis
        "com.zaxxer.hikari.HikariDataSource",             // HikariCP
        "io.eventrail.store.jdbc.JdbcEventStore",         // eventrail-store-jdbc
        "io.eventrail.store.redis.RedisIdempotencyStore", // eventrail-store-redis
        "com.rabbitmq.client.Channel",                    // RabbitMQ client
        "org.springframework.amqp.core.Message",          // spring-rabbit
        "software.amazon.awssdk.core.SdkClient"           // AWS SDK
    })
    void absent(String className) {
        assertThat(isPresent(className)).as(className + " on the class path of eventrail-broker-kafka").isFalse();
    }

    @Test
    @DisplayName("the check sees what is there: the core, the memory stores and the Kafka client")
    void present() {
        assertThat(List.of("io.eventrail.store.MemoryEventStore", "io.eventrail.store.spi.EventStoreProvider",
                "org.apache.kafka.clients.producer.KafkaProducer")).allMatch(ClasspathTest::isPresent);
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, ClasspathTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
