package io.eventrail.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Keeps the Kafka volume rounds from piling up in the broker's log: a round of 200,000 events of 4 KiB writes 800 MB,
 * and after a few rounds the kernel's writeback of that data ran in the middle of later rounds (the first round of a
 * pair was up to 1.5 times as fast as the next). After every round, with both sides drained, the records of the
 * pair's topics are deleted ({@code deleteRecords} up to their end) and the harness waits until the broker removed
 * the segments (smaller segments, no file-delete delay: the files go before their dirty pages are written), so every
 * round starts from the same nearly empty log. The broker removes them at its retention check
 * ({@code log.retention.check.interval.ms}, 5 s in {@code scripts/kafka.sh}).
 */
final class KafkaLogs implements AutoCloseable {
    /** The segment size of the benchmark's topics: what may stay behind per partition is the active segment. */
    private static final long SEGMENT_BYTES = 32L * 1024 * 1024;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Admin admin;
    private final List<String> topics;

    private KafkaLogs(Admin admin, List<String> topics) {
        this.admin = admin;
        this.topics = topics;
    }

    /** The topics whose name contains {@code run} (both sides' of one pair), their segments made small. */
    static KafkaLogs of(String bootstrap, String run) throws Exception {
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        try {
            List<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.contains(run)).sorted().toList();
            Map<ConfigResource, java.util.Collection<AlterConfigOp>> configs = new HashMap<>();
            for (String t : topics) {
                configs.put(new ConfigResource(ConfigResource.Type.TOPIC, t), List.of(
                        new AlterConfigOp(new ConfigEntry(TopicConfig.SEGMENT_BYTES_CONFIG, Long.toString(SEGMENT_BYTES)),
                                AlterConfigOp.OpType.SET),
                        new AlterConfigOp(new ConfigEntry(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, "0"),
                                AlterConfigOp.OpType.SET)));
            }
            admin.incrementalAlterConfigs(configs).all().get(30, TimeUnit.SECONDS);
            System.out.println("   Kafka topics trimmed after every round: " + topics);
            return new KafkaLogs(admin, topics);
        } catch (Exception | Error e) {
            admin.close();
            throw e;
        }
    }

    /** Deletes every record of the topics and waits (at most 30 s) until the broker removed what it can. */
    void discard() throws Exception {
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        described.values().forEach(d -> d.partitions().forEach(p ->
                latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) ->
                delete.put(tp, RecordsToDelete.beforeOffset(info.offset())));
        admin.deleteRecords(delete).all().get(30, TimeUnit.SECONDS);
        long bound = delete.size() * SEGMENT_BYTES; // the active segments stay
        long end = System.nanoTime() + WAIT.toNanos();
        long bytes = size(delete.keySet());
        while (bytes > bound && System.nanoTime() < end) {
            Thread.sleep(250);
            bytes = size(delete.keySet());
        }
        if (bytes > bound) {
            System.out.printf("   warning: %,d bytes of Kafka log left after deleting the round's records%n", bytes);
        }
    }

    /** The bytes the broker's log directories hold for {@code partitions}. */
    private long size(java.util.Set<TopicPartition> partitions) throws Exception {
        List<Integer> brokers = new ArrayList<>();
        admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).forEach(n -> brokers.add(n.id()));
        long[] total = {0};
        admin.describeLogDirs(brokers).allDescriptions().get(30, TimeUnit.SECONDS).values().forEach(dirs ->
                dirs.values().forEach(dir -> dir.replicaInfos().forEach((tp, info) -> {
                    if (partitions.contains(tp)) {
                        total[0] += info.size();
                    }
                })));
        return total[0];
    }

    @Override
    public void close() {
        admin.close();
    }
}
