package io.eventrail.it.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Exit;

/**
 * One real single-node Kafka 3.9.1 cluster (KRaft, combined broker and controller) in this test JVM, started
 * on first use on a random port and stopped when the JVM exits. Tests share it and use fresh topic and group
 * names. Thread-safe.
 *
 * <p>An in-process broker must not end the test JVM: the test kit registers, through Kafka's {@link Exit}, a JVM
 * shutdown hook deleting its data directory, which ran concurrently with the hook stopping the cluster; the still
 * running broker then found its metadata log directory gone and called {@code Exit.halt(1)}, so the test JVM exited
 * with status 1 after every test had passed and Maven failsafe reported "Error occurred in starting fork". Here
 * Kafka's shutdown hooks run in one JVM hook, after the shared cluster has stopped, and Kafka's exit and halt only
 * print what the broker wanted (the tests fail on their own if the broker is gone).
 */
public final class KafkaTestCluster {
    private static KafkaClusterTestKit cluster;
    private static Admin admin;
    /** Kafka's shutdown hooks (the test kit's data directory deletion), run after the cluster stopped. */
    private static final List<Runnable> KAFKA_HOOKS = new ArrayList<>();

    static {
        Exit.setShutdownHookAdder((name, hook) -> {
            synchronized (KAFKA_HOOKS) {
                KAFKA_HOOKS.add(hook);
            }
        });
        Exit.setHaltProcedure((status, message) -> refuse("halt", status, message));
        Exit.setExitProcedure((status, message) -> refuse("exit", status, message));
        Runtime.getRuntime().addShutdownHook(new Thread(KafkaTestCluster::stopThenRunKafkaHooks,
                "kafka-test-cluster-stop"));
    }

    private KafkaTestCluster() {
    }

    /** Makes sure Kafka's exit and halt cannot end this JVM (this class's static set-up has run). */
    static void guardExit() {
        // the static initializer did it
    }

    /** The bootstrap servers of the shared cluster, starting it on first call. */
    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            cluster = startNew();
        }
        return cluster.bootstrapServers();
    }

    /** Starts another, independent single-node cluster; the caller closes it. */
    public static KafkaClusterTestKit startNew() {
        try {
            KafkaClusterTestKit c = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "3")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    // the kill tests evict a killed consumer after a session timeout below the broker's 6 s default
                    .setConfigProp("group.min.session.timeout.ms", "1000")
                    .setConfigProp("auto.create.topics.enable", "true")
                    .build();
            c.format();
            c.startup();
            c.waitForReadyBrokers();
            return c;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start an in-process Kafka test cluster (KafkaClusterTestKit): "
                    + e, e);
        }
    }

    /** An admin client of the shared cluster. */
    public static synchronized Admin admin() {
        if (admin == null) {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            admin = Admin.create(p);
        }
        return admin;
    }

    /** Creates {@code topic} with {@code partitions} partitions. */
    public static void createTopic(String topic, int partitions) throws Exception {
        admin().createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    /**
     * Sends {@code record} with a raw Kafka producer (acks=all), as a foreign client would: every header passes,
     * one name may come twice.
     */
    public static void sendRaw(ProducerRecord<byte[], byte[]> record) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
    }

    /** The end offset of every partition of {@code topic}. */
    public static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        var description = admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
        description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
                admin().listOffsets(request).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> ends = new java.util.TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        result.forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** The committed offset of {@code group} for every partition of {@code topic} it committed. */
    public static Map<TopicPartition, Long> committed(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> all = admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> result = new java.util.TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        all.forEach((tp, om) -> {
            if (tp.topic().equals(topic) && om != null) {
                result.put(tp, om.offset());
            }
        });
        return result;
    }

    /** Waits until {@code group}'s committed offsets of {@code topic} equal its end offsets, or fails after {@code timeout}. */
    public static void awaitFullyCommitted(String group, String topic, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> ends = endOffsets(topic);
        Map<TopicPartition, Long> committed = Map.of();
        while (System.nanoTime() < end) {
            committed = committed(group, topic);
            boolean done = true;
            for (var e : ends.entrySet()) {
                if (e.getValue() > 0 && !e.getValue().equals(committed.get(e.getKey()))) {
                    done = false;
                }
            }
            if (done) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("group " + group + " did not commit the end offsets of " + topic + " within "
                + timeout + ": end " + ends + ", committed " + committed);
    }

    private static void refuse(String what, int status, String message) {
        System.err.println("in-process Kafka asked to " + what + " the test JVM with status " + status
                + (message == null ? "" : " (" + message + ")") + "; refused");
        System.err.flush();
    }

    private static void stopThenRunKafkaHooks() {
        stop();
        List<Runnable> hooks;
        synchronized (KAFKA_HOOKS) {
            hooks = List.copyOf(KAFKA_HOOKS);
        }
        for (Runnable hook : hooks) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                System.err.println("a Kafka shutdown hook failed: " + e);
            }
        }
    }

    private static synchronized void stop() {
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
            if (cluster != null) {
                cluster.close();
            }
        } catch (Exception e) {
            System.err.println("Kafka test cluster did not stop cleanly: " + e);
        }
    }
}
