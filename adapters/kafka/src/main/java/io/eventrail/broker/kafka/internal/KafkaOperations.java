package io.eventrail.broker.kafka.internal;

import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.ops.BrokerOperations;
import io.eventrail.spi.ops.DeadLetter;
import io.eventrail.spi.ops.DeadLetterQuery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.camel.util.ObjectHelper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Health, backlog and dead-letter control of one Kafka broker instance, all through short-lived or lazily
 * opened clients whose every call is bounded by {@link #TIMEOUT}.
 *
 * <p>Dead letters are records of the {@code <topic>.dlq} topics of the groups this instance provisioned;
 * a dead letter's id is {@code <dead-letter topic>/<partition>/<offset>}. Reading never joins a consumer
 * group and never commits (one private consumer, opened on first use, assigns the partitions and seeks). Topics are append-only,
 * so removing a dead letter appends its id to the compacted topic {@code <dead-letter topic>.removed};
 * listing, showing and counting skip removed ids, and once every record at the head of a partition is
 * removed the head is deleted for good with {@code deleteRecords}. Thread-safe (removals are serialised
 * in this instance).
 */
final class KafkaOperations implements BrokerOperations, AutoCloseable {
    /** The bound of every call to the cluster. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** The suffix of the compacted topic that records removed dead letters. */
    static final String REMOVED_SUFFIX = ".removed";
    /** The most records one listing reads before it stops (a dead-letter topic should never hold more). */
    static final int MAX_SCAN = 100_000;

    private final KafkaSettings settings;
    /** Dead-letter topic by (destination, group) of every provisioned group. */
    private final Map<String, String> deadLetterTopics = new ConcurrentHashMap<>();
    private final Set<String> removedTopicsEnsured = ConcurrentHashMap.newKeySet();
    private final Object consumerLock = new Object();
    private KafkaConsumer<byte[], byte[]> reader; // guarded by consumerLock
    private Admin admin;
    private KafkaProducer<String, String> producer;
    private volatile boolean closed;

    KafkaOperations(KafkaSettings settings) {
        this.settings = settings;
    }

    /** Remembers the dead-letter topic of {@code subscription} on {@code destination}. */
    void provisioned(Destination destination, Subscription subscription) {
        deadLetterTopics.put(destination.name() + "\u0000" + subscription.group(),
                settings.topics().deadLetterTopic(destination.name(), subscription.group()));
    }

    @Override
    public void check() throws Exception {
        int nodes;
        try {
            nodes = admin().describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + settings.configuration().getBrokers() + " did not answer within "
                    + TIMEOUT.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka at " + settings.configuration().getBrokers() + " is not reachable: "
                    + Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(e.getCause()))));
        }
        if (nodes == 0) {
            throw new IllegalStateException("Kafka at " + settings.configuration().getBrokers() + " reports no live broker");
        }
    }

    @Override
    public OptionalLong depth(Destination destination, Subscription subscription) {
        try {
            String topic = settings.topics().topic(destination.name());
            List<TopicPartition> partitions = partitions(topic);
            Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest());
            Map<TopicPartition, OffsetAndMetadata> committed = admin().listConsumerGroupOffsets(subscription.group())
                    .partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long lag = 0;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                long from = c != null ? c.offset() : "earliest".equals(settings.configuration().getAutoOffsetReset()) ? starts.get(tp)
                        : ends.get(tp);
                lag += Math.max(0, ends.get(tp) - Math.max(from, starts.get(tp)));
            }
            return OptionalLong.of(lag);
        } catch (Exception e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public OptionalLong deadLetterDepth(Destination destination, Subscription subscription) {
        try {
            String topic = settings.topics().deadLetterTopic(destination.name(), subscription.group());
            if (shared(destination, subscription)) {
                return OptionalLong.of(scan(List.of(topic), ofGroup(subscription), MAX_SCAN).size());
            }
            List<TopicPartition> partitions = partitions(topic);
            Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest());
            long depth = 0;
            for (TopicPartition tp : partitions) {
                depth += ends.get(tp) - starts.get(tp);
            }
            for (Id id : removed(topic)) {
                TopicPartition tp = new TopicPartition(id.topic(), id.partition());
                if (starts.containsKey(tp) && id.offset() >= starts.get(tp) && id.offset() < ends.get(tp)) {
                    depth--;
                }
            }
            return OptionalLong.of(Math.max(0, depth));
        } catch (Exception e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public Optional<Duration> oldestDeadLetterAge(Destination destination, Subscription subscription) {
        try {
            String topic = settings.topics().deadLetterTopic(destination.name(), subscription.group());
            List<Found> live = scan(List.of(topic), shared(destination, subscription) ? ofGroup(subscription)
                    : f -> true, 1);
            return live.isEmpty() ? Optional.empty()
                    : Optional.of(Duration.between(Instant.ofEpochMilli(live.get(0).timestamp()), Instant.now()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** Whether the groups of {@code destination} share one dead-letter topic (dead-letter-per-group=false). */
    private boolean shared(Destination destination, Subscription subscription) {
        String other = subscription.group() + "-other";
        return settings.topics().deadLetterTopic(destination.name(), subscription.group())
                .equals(settings.topics().deadLetterTopic(destination.name(), other));
    }

    private static Predicate<Found> ofGroup(Subscription subscription) {
        return f -> subscription.group().equals(f.letter().group());
    }

    @Override
    public List<DeadLetter> deadLetters(DeadLetterQuery query) {
        List<String> topics = new ArrayList<>(new TreeSet<>(deadLetterTopics.values()));
        if (topics.isEmpty()) {
            return List.of();
        }
        return scan(topics, f -> query.matches(f.letter()), query.limit()).stream().map(Found::letter).toList();
    }

    @Override
    public Optional<DeadLetter> deadLetter(String id) {
        Id parsed = Id.parse(id);
        if (parsed == null || !deadLetterTopics.containsValue(parsed.topic())) {
            return Optional.empty();
        }
        return read(parsed).filter(f -> !removed(parsed.topic()).contains(parsed)).map(Found::letter);
    }

    @Override
    public synchronized boolean removeDeadLetter(String id) {
        Id parsed = Id.parse(id);
        if (parsed == null || !deadLetterTopics.containsValue(parsed.topic()) || read(parsed).isEmpty()) {
            return false;
        }
        String removedTopic = ensureRemovedTopic(parsed.topic());
        Set<Id> removed = removed(parsed.topic());
        if (removed.contains(parsed)) {
            return false;
        }
        try {
            producer().send(new ProducerRecord<>(removedTopic, parsed.toString(), Instant.now().toString()))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Kafka broker '" + settings.name() + "': cannot record the removal of "
                    + id + " in " + removedTopic + ": " + Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(
                    e instanceof ExecutionException ? e.getCause() : e))), e);
        }
        removed.add(parsed);
        compact(new TopicPartition(parsed.topic(), parsed.partition()), removed);
        return true;
    }

    /** Deletes the head of {@code tp} up to its first record that is not removed (best effort: listing skips them anyway). */
    private void compact(TopicPartition tp, Set<Id> removed) {
        try {
            long start = offsets(List.of(tp), OffsetSpec.earliest()).get(tp);
            long end = offsets(List.of(tp), OffsetSpec.latest()).get(tp);
            long firstLive = start;
            while (firstLive < end && removed.contains(new Id(tp.topic(), tp.partition(), firstLive))) {
                firstLive++;
            }
            if (firstLive > start) {
                admin().deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(firstLive))).all()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            // the removal is recorded; the head stays until the next removal succeeds in deleting it
        }
    }

    /** One dead-letter record: where it is, its timestamp and the decoded dead letter. */
    private record Found(Id id, long timestamp, DeadLetter letter) {
    }

    /** A dead letter's id: topic, partition, offset. */
    private record Id(String topic, int partition, long offset) {
        static Id parse(String id) {
            int last = id.lastIndexOf('/');
            int middle = last <= 0 ? -1 : id.lastIndexOf('/', last - 1);
            if (middle <= 0) {
                return null;
            }
            try {
                return new Id(id.substring(0, middle), Integer.parseInt(id.substring(middle + 1, last)),
                        Long.parseLong(id.substring(last + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return topic + "/" + partition + "/" + offset;
        }
    }

    /** The live (not removed) records of {@code topics} that match, oldest timestamp first, at most {@code limit}. */
    private List<Found> scan(List<String> topics, Predicate<Found> filter, int limit) {
        Set<Id> removed = new HashSet<>();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String t : topics) {
            try {
                partitions.addAll(partitions(t));
            } catch (Exception e) {
                continue; // a topic deleted by an operator has no dead letters
            }
            removed.addAll(removed(t));
        }
        List<Found> found = new ArrayList<>();
        withConsumer(consumer -> readToEnd(consumer, partitions, TIMEOUT.multipliedBy(2), r -> {
            Id id = new Id(r.topic(), r.partition(), r.offset());
            if (!removed.contains(id)) {
                Found f = found(id, r);
                if (filter.test(f)) {
                    found.add(f);
                }
            }
        }));
        found.sort(Comparator.comparingLong(Found::timestamp).thenComparing(f -> f.id().toString()));
        return found.size() > limit ? List.copyOf(found.subList(0, limit)) : found;
    }

    /** The record at {@code id}, if it is still in the topic. */
    private Optional<Found> read(Id id) {
        TopicPartition tp = new TopicPartition(id.topic(), id.partition());
        try {
            return withConsumer(consumer -> {
                long end = consumer.endOffsets(List.of(tp), TIMEOUT).getOrDefault(tp, 0L);
                long start = consumer.beginningOffsets(List.of(tp), TIMEOUT).getOrDefault(tp, 0L);
                if (id.offset() < start || id.offset() >= end) {
                    return Optional.empty();
                }
                consumer.assign(List.of(tp));
                consumer.seek(tp, id.offset());
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                while (System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.offset() == id.offset()) {
                            return Optional.of(found(id, r));
                        }
                        if (r.offset() > id.offset()) {
                            return Optional.empty();
                        }
                    }
                }
                return Optional.empty();
            });
        } catch (KafkaException e) {
            return Optional.empty();
        }
    }

    /**
     * The dead letter in {@code r}: its destination is the one of the dead-letter topic it was read from (see
     * {@link DeadLetter#withOrigin}), and so is its group when only one group writes that topic. A dead-letter topic
     * shared by the groups of a destination (the default naming, {@code <topic>.dlq}) cannot tell the group: it comes
     * from the record's header, as on SQS.
     */
    private Found found(Id id, ConsumerRecord<byte[], byte[]> r) {
        Map<String, Object> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
        }
        DeadLetter d = DeadLetter.of(id.toString(), r.value(), headers);
        String destination = null;
        Set<String> groups = new TreeSet<>();
        for (Map.Entry<String, String> e : deadLetterTopics.entrySet()) {
            if (e.getValue().equals(id.topic())) {
                int cut = e.getKey().indexOf('\u0000');
                destination = e.getKey().substring(0, cut);
                groups.add(e.getKey().substring(cut + 1));
            }
        }
        if (destination != null) {
            d = d.withOrigin(destination, groups.size() == 1 ? groups.iterator().next() : null);
        }
        return new Found(id, r.timestamp(), d);
    }

    /** The removed ids recorded for {@code deadLetterTopic} (empty when nothing was ever removed). */
    private Set<Id> removed(String deadLetterTopic) {
        String removedTopic = deadLetterTopic + REMOVED_SUFFIX;
        Set<Id> ids = new HashSet<>();
        List<TopicPartition> partitions;
        try {
            partitions = partitions(removedTopic);
        } catch (Exception e) {
            if (ObjectHelper.getException(UnknownTopicOrPartitionException.class, e) != null) {
                return ids;
            }
            throw new IllegalStateException("Kafka broker '" + settings.name() + "': cannot read " + removedTopic + ": "
                    + Sanitize.rootCause(e), e);
        }
        boolean complete = withConsumer(consumer -> readToEnd(consumer, partitions, TIMEOUT, r -> {
            Id id = r.key() == null ? null : Id.parse(new String(r.key(), StandardCharsets.UTF_8));
            if (id != null && r.value() != null) {
                ids.add(id);
            }
        }));
        if (!complete) {
            throw new IllegalStateException("Kafka broker '" + settings.name() + "': reading " + removedTopic
                    + " took longer than " + TIMEOUT.toMillis() + " ms");
        }
        return ids;
    }

    /**
     * Hands {@code sink} every record of {@code partitions} from their start up to the end offsets taken now;
     * false when {@code within} or {@link #MAX_SCAN} records ran out first.
     */
    private static boolean readToEnd(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                     Duration within, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, TIMEOUT));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        long deadline = System.nanoTime() + within.toNanos();
        int scanned = 0;
        while (System.nanoTime() < deadline && scanned < MAX_SCAN) {
            ends.entrySet().removeIf(e -> consumer.position(e.getKey(), TIMEOUT) >= e.getValue());
            if (ends.isEmpty()) {
                return true;
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                scanned++;
                Long end = ends.get(new TopicPartition(r.topic(), r.partition()));
                if (end != null && r.offset() < end) {
                    sink.accept(r);
                }
            }
        }
        return false;
    }

    /** Runs {@code body} with this instance's one reading consumer (no group, never commits), unassigned afterwards. */
    private <T> T withConsumer(Function<KafkaConsumer<byte[], byte[]>, T> body) {
        synchronized (consumerLock) {
            checkOpen();
            if (reader == null) {
                reader = consumer();
            }
            try {
                T result = body.apply(reader);
                reader.assign(List.of());
                return result;
            } catch (RuntimeException e) {
                reader.close(Duration.ZERO);
                reader = null; // a fresh one next time
                throw e;
            }
        }
    }

    private String ensureRemovedTopic(String deadLetterTopic) {
        String topic = deadLetterTopic + REMOVED_SUFFIX;
        if (removedTopicsEnsured.contains(topic)) {
            return topic;
        }
        NewTopic t = new NewTopic(topic, Optional.of(1), settings.replicationFactor() < 0 ? Optional.empty()
                : Optional.of(settings.replicationFactor())).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT));
        try {
            admin().createTopics(List.of(t)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Kafka broker '" + settings.name() + "': cannot create " + topic + ": "
                        + Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(e.getCause()))), e.getCause());
            }
        } catch (Exception e) {
            throw new IllegalStateException("Kafka broker '" + settings.name() + "': cannot create " + topic + ": "
                    + Sanitize.forMessage(String.valueOf(e)), e);
        }
        removedTopicsEnsured.add(topic);
        return topic;
    }

    private List<TopicPartition> partitions(String topic) throws Exception {
        TopicDescription d = admin().describeTopics(List.of(topic)).allTopicNames()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        List<TopicPartition> result = new ArrayList<>();
        d.partitions().forEach(p -> result.add(new TopicPartition(topic, p.partition())));
        return result;
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> result = new HashMap<>();
        admin().listOffsets(request).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((tp, info) -> result.put(tp, info.offset()));
        return result;
    }

    private Properties common() {
        Properties props = settings.commonClientProperties();
        int ms = (int) TIMEOUT.toMillis();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        return props;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = common();
        props.keySet().removeIf(k -> !ConsumerConfig.configNames().contains(String.valueOf(k)));
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        if (props.containsKey(ConsumerConfig.CLIENT_ID_CONFIG)) {
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, props.get(ConsumerConfig.CLIENT_ID_CONFIG) + "-dead-letters");
        }
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private synchronized KafkaProducer<String, String> producer() {
        checkOpen();
        if (producer == null) {
            Properties props = common();
            props.keySet().removeIf(k -> !ProducerConfig.configNames().contains(String.valueOf(k)));
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
            props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            if (props.containsKey(ProducerConfig.CLIENT_ID_CONFIG)) {
                props.put(ProducerConfig.CLIENT_ID_CONFIG, props.get(ProducerConfig.CLIENT_ID_CONFIG) + "-removals");
            }
            producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        }
        return producer;
    }

    private synchronized Admin admin() {
        checkOpen();
        if (admin == null) {
            Properties props = common();
            props.keySet().removeIf(k -> !AdminClientConfig.configNames().contains(String.valueOf(k)));
            if (props.containsKey(AdminClientConfig.CLIENT_ID_CONFIG)) {
                props.put(AdminClientConfig.CLIENT_ID_CONFIG, props.get(AdminClientConfig.CLIENT_ID_CONFIG) + "-ops");
            }
            admin = Admin.create(props);
        }
        return admin;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Kafka broker '" + settings.name() + "' is closed");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        synchronized (consumerLock) {
            if (reader != null) {
                reader.close(TIMEOUT);
                reader = null;
            }
        }
        if (admin != null) {
            admin.close(TIMEOUT);
            admin = null;
        }
        if (producer != null) {
            producer.close(TIMEOUT);
            producer = null;
        }
    }
}
