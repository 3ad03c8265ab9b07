package io.eventrail.it.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.PublishException;
import io.eventrail.it.support.EventrailApp;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import kafka.server.BrokerServer;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eventrail on a replicated cluster as users run it: three brokers, topics created by the adapter with the cluster's
 * default replication factor 3 and {@code min.insync.replicas=2}. The leader of a partition is stopped while events
 * are published and consumed: every publish that returned (confirmed with acks=all) is handled, each by exactly one
 * handler execution; a publish that failed said so to its caller; the consumers go on without a restart.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaReplicatedClusterIT {
    private static final int EVENTS = 1500;
    private static final int STOP_LEADER_AFTER = 400;

    @Test
    void stoppingAPartitionLeaderLosesNoConfirmedEventAndHandlesEachOnce() throws Exception {
        try (KafkaClusterTestKit cluster = startCluster(); Admin admin = admin(cluster)) {
            Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
            Map<String, String> settings = Map.of(
                    "eventrail.broker", "kafka",
                    "eventrail.brokers.kafka.bootstrap-servers", cluster.bootstrapServers(),
                    "eventrail.brokers.kafka.partitions", "3");
            try (EventrailApp app = EventrailApp.start(settings, r -> {
                r.type("ORDER_PLACED").destination("replicated-orders");
                r.consumer("replicated-orders").group("replicated").concurrency(3).on("ORDER_PLACED",
                        e -> executions.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet());
            })) {
                TopicDescription topic = admin.describeTopics(List.of("replicated-orders")).allTopicNames()
                        .get(30, TimeUnit.SECONDS).get("replicated-orders");
                assertThat(topic.partitions()).hasSize(3)
                        .allSatisfy(p -> assertThat(p.replicas()).as("replicas of %s", p).hasSize(3));
                String minIsr = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
                        "replicated-orders"))).all().get(30, TimeUnit.SECONDS).values().iterator().next()
                        .get("min.insync.replicas").value();
                assertThat(minIsr).isEqualTo("2");
                int leader = topic.partitions().get(0).leader().id();

                Set<String> confirmed = ConcurrentHashMap.newKeySet();
                Set<String> refused = ConcurrentHashMap.newKeySet();
                for (int i = 0; i < EVENTS; i++) {
                    if (i == STOP_LEADER_AFTER) {
                        BrokerServer stopped = cluster.brokers().get(leader);
                        stopped.shutdown();
                        stopped.awaitShutdown();
                    }
                    try {
                        confirmed.add(app.publisher().publish("ORDER_PLACED", Map.of("n", i), "order-" + i));
                    } catch (PublishException e) {
                        refused.add(e.getMessage());
                    }
                }
                System.out.printf("KafkaReplicatedClusterIT: leader %d of partition 0 stopped after %d publishes; %d confirmed,"
                        + " %d refused: %s%n", leader, STOP_LEADER_AFTER, confirmed.size(), refused.size(), refused);
                assertThat(confirmed.size() + refused.size()).isEqualTo(EVENTS);
                assertThat(confirmed).as("with two replicas in sync left, publishing goes on")
                        .hasSizeGreaterThan(EVENTS - 50);

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!executions.keySet().containsAll(confirmed) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(executions.keySet()).as("every confirmed publish is handled, with no restart")
                        .containsAll(confirmed);
                assertThat(executions.entrySet()).as("one handler execution per event")
                        .allSatisfy(e -> assertThat(e.getValue().get()).as(e.getKey()).isEqualTo(1));
                assertThat(app.context().getRouteController().getRouteStatus("eventrail-consume-replicated-orders-replicated")
                        .isStarted()).isTrue();
                TopicDescription after = admin.describeTopics(List.of("replicated-orders")).allTopicNames()
                        .get(30, TimeUnit.SECONDS).get("replicated-orders");
                assertThat(after.partitions().get(0).leader().id()).as("partition 0 has a new leader").isNotEqualTo(leader);
            }
        }
    }

    private static KafkaClusterTestKit startCluster() throws Exception {
        KafkaClusterTestKit c = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(3).setNumControllerNodes(3).build())
                .setConfigProp("default.replication.factor", "3")
                .setConfigProp("min.insync.replicas", "2")
                .setConfigProp("offsets.topic.replication.factor", "3")
                .setConfigProp("offsets.topic.num.partitions", "3")
                .setConfigProp("transaction.state.log.replication.factor", "3")
                .setConfigProp("transaction.state.log.min.isr", "2")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        c.format();
        c.startup();
        c.waitForReadyBrokers();
        return c;
    }

    private static Admin admin(KafkaClusterTestKit cluster) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        return Admin.create(p);
    }
}
