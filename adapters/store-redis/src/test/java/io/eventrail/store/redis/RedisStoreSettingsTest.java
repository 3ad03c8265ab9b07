package io.eventrail.store.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.Eventrail;
import io.eventrail.EventrailConfigurationException;
import io.eventrail.store.SettingsContexts;
import java.util.Map;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("eventrail.idempotency.redis.*: validated with the core's settings, never showing a password")
class RedisStoreSettingsTest {

    private static DefaultCamelContext context(Map<String, String> settings) {
        return SettingsContexts.with(settings);
    }

    @Test
    @DisplayName("a password in the URL, a misspelt key and a bad core value come in one report")
    void oneReport() throws Exception {
        try (DefaultCamelContext context = context(Map.of("eventrail.idempotency.store", "redis",
                "eventrail.idempotency.redis.url", "redis://user:hunter2@h:6379",
                "eventrail.idempotency.redis.key-prefx", "x:", "eventrail.idempotency.lease", "soon"))) {
            assertThatThrownBy(() -> Eventrail.of(context)).isInstanceOf(EventrailConfigurationException.class)
                    .hasMessageContaining("eventrail.idempotency.redis.url: put the user and password in "
                            + "eventrail.idempotency.redis.user and .password, not in the URL")
                    .hasMessageContaining("did you mean 'eventrail.idempotency.redis.key-prefix'?")
                    .hasMessageContaining("eventrail.idempotency.lease")
                    .hasMessageNotContaining("hunter2");
        }
    }

    @Test
    @DisplayName("a URL that is not redis://host:port[/database] is refused")
    void badUrl() throws Exception {
        try (DefaultCamelContext context = context(Map.of("eventrail.idempotency.store", "redis",
                "eventrail.idempotency.redis.url", "http://h:6379/x"))) {
            assertThatThrownBy(() -> Eventrail.of(context))
                    .hasMessageContaining("eventrail.idempotency.redis.url: expected redis://host:port[/database]");
        }
    }

    @Test
    @DisplayName("TLS problems come in one report with the others, naming each key and never a password")
    void tlsProblemsInOneReport() throws Exception {
        try (DefaultCamelContext context = context(Map.of("eventrail.idempotency.store", "redis",
                "eventrail.idempotency.redis.url", "rediss://h:6380",
                "eventrail.idempotency.redis.user", "app",
                "eventrail.idempotency.redis.tls-trust-store", "/nonexistent/trust.p12",
                "eventrail.idempotency.redis.tls-key-store", "/nonexistent/key.p12",
                "eventrail.idempotency.redis.tls-trust-store-password", "hunter2"))) {
            assertThatThrownBy(() -> Eventrail.of(context)).isInstanceOf(EventrailConfigurationException.class)
                    .hasMessageContaining("eventrail.idempotency.redis.password: required with eventrail.idempotency.redis.user")
                    .hasMessageContaining("eventrail.idempotency.redis.tls-trust-store: file '/nonexistent/trust.p12' is not readable")
                    .hasMessageContaining("eventrail.idempotency.redis.tls-key-store-password is required with tls-key-store")
                    .hasMessageNotContaining("hunter2");
        }
    }

    @Test
    @DisplayName("a TLS server that is unreachable fails start-up naming the rediss:// server and the user, never the password")
    void unreachableTls() throws Exception {
        try (DefaultCamelContext context = context(Map.of("eventrail.idempotency.store", "redis",
                "eventrail.idempotency.redis.url", "rediss://127.0.0.1:1/2", "eventrail.idempotency.redis.timeout", "500ms",
                "eventrail.idempotency.redis.user", "app", "eventrail.idempotency.redis.password", "hunter2"))) {
            assertThatThrownBy(() -> Eventrail.of(context)).isInstanceOf(EventrailConfigurationException.class)
                    .hasMessageContaining("eventrail.idempotency.store=redis: the store cannot be opened: "
                            + "Redis at rediss://127.0.0.1:1/2 as user 'app':")
                    .hasMessageNotContaining("hunter2");
        }
    }

    @Test
    @DisplayName("redis options set while eventrail.idempotency.store is not fail naming the fix")
    void optionsWithoutStore() throws Exception {
        try (DefaultCamelContext context = context(Map.of("eventrail.idempotency.redis.url", "redis://h:6379"))) {
            assertThatThrownBy(() -> Eventrail.of(context))
                    .hasMessageContaining("add eventrail.idempotency.store=redis to use it");
        }
    }

    @Test
    @DisplayName("an unreachable server fails start-up naming the setting")
    void unreachable() throws Exception {
        try (DefaultCamelContext context = context(Map.of("eventrail.idempotency.store", "redis",
                "eventrail.idempotency.redis.url", "redis://127.0.0.1:1", "eventrail.idempotency.redis.timeout", "500ms",
                "eventrail.idempotency.redis.password", "hunter2"))) {
            assertThatThrownBy(() -> Eventrail.of(context)).isInstanceOf(EventrailConfigurationException.class)
                    .hasMessageContaining("eventrail.idempotency.store=redis: the store cannot be opened")
                    .hasMessageNotContaining("hunter2");
        }
    }
}
