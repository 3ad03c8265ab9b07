package io.eventrail.broker.kafka.internal;

import io.eventrail.spi.codec.Sanitize;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates missing topics with the Kafka AdminClient: idempotent, an existing topic (created by an operator
 * or another instance) is left exactly as it is. The client is opened on first use. Thread-safe.
 */
final class TopicProvisioner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private final KafkaSettings settings;
    private final Set<String> ensured = ConcurrentHashMap.newKeySet();
    private Admin admin;
    private boolean closed;

    TopicProvisioner(KafkaSettings settings) {
        this.settings = settings;
    }

    /** Creates each of {@code topics} that does not exist yet; fails naming the topic when the cluster refuses. */
    void ensure(String... topics) {
        List<NewTopic> missing = new ArrayList<>();
        for (String t : topics) {
            if (!ensured.contains(t)) {
                missing.add(new NewTopic(t, Optional.of(settings.partitions()),
                        settings.replicationFactor() < 0 ? Optional.empty() : Optional.of(settings.replicationFactor())));
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        CreateTopicsResult result = admin().createTopics(missing);
        long timeoutMs = settings.publishTimeout().toMillis();
        for (Map.Entry<String, KafkaFuture<Void>> e : result.values().entrySet()) {
            try {
                e.getValue().get(timeoutMs, TimeUnit.MILLISECONDS);
                LOG.info("Kafka broker '{}': created topic {} ({} partitions)", settings.name(), e.getKey(),
                        settings.partitions());
            } catch (ExecutionException failure) {
                if (!(failure.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Kafka broker '" + settings.name() + "': cannot create topic '"
                            + e.getKey() + "' at " + settings.configuration().getBrokers() + ": "
                            + Sanitize.redactSecrets(String.valueOf(failure.getCause())), failure.getCause());
                }
            } catch (TimeoutException failure) {
                throw new IllegalStateException("Kafka broker '" + settings.name() + "': creating topic '" + e.getKey()
                        + "' at " + settings.configuration().getBrokers() + " took longer than " + timeoutMs
                        + " ms; is Kafka running there (scripts/kafka.sh start)?", failure);
            } catch (InterruptedException failure) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic '" + e.getKey() + "'", failure);
            }
            ensured.add(e.getKey());
        }
    }

    private synchronized Admin admin() {
        if (closed) {
            throw new IllegalStateException("Kafka broker '" + settings.name() + "' is closed");
        }
        if (admin == null) {
            Properties props = new Properties();
            settings.commonClientProperties().forEach((k, v) -> {
                if (AdminClientConfig.configNames().contains(String.valueOf(k))) {
                    props.put(k, v);
                }
            });
            int timeout = (int) Math.min(Integer.MAX_VALUE, settings.publishTimeout().toMillis());
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeout, 30_000));
            if (settings.configuration().getClientId() != null && !settings.configuration().getClientId().isBlank()) {
                props.put(AdminClientConfig.CLIENT_ID_CONFIG, settings.configuration().getClientId() + "-admin");
            }
            admin = Admin.create(props);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }
}
