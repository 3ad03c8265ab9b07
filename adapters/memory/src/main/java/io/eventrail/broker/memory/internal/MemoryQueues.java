package io.eventrail.broker.memory.internal;

import io.eventrail.spi.NoConsumerException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The queues of one named memory broker, JVM-wide: destination → consumer group → queue. A group's
 * queue exists from its first subscription for the life of the JVM, like a durable queue. Thread-safe.
 */
public final class MemoryQueues {
    private static final Map<String, MemoryQueues> INSTANCES = new ConcurrentHashMap<>();

    private static final AtomicLong SEQUENCE = new AtomicLong();

    /**
     * A message as the broker holds it: a JVM-unique id, when it was first enqueued, bytes and text
     * headers, plus its delivery count.
     */
    public record StoredMessage(long id, Instant enqueued, byte[] body, Map<String, Object> headers, int deliveries) {
        /** A new message with the next id, enqueued now. */
        public StoredMessage(byte[] body, Map<String, Object> headers, int deliveries) {
            this(SEQUENCE.incrementAndGet(), Instant.now(), body, headers, deliveries);
        }

        StoredMessage redelivered() {
            return new StoredMessage(id, enqueued, body, headers, deliveries + 1);
        }
    }

    private final int maxQueueSize;
    private final Map<String, Map<String, BlockingQueue<StoredMessage>>> destinations = new ConcurrentHashMap<>();

    private MemoryQueues(int maxQueueSize) {
        this.maxQueueSize = maxQueueSize;
    }

    /** The queues of broker instance {@code name}, created on first use. */
    public static MemoryQueues named(String name, int maxQueueSize) {
        return INSTANCES.computeIfAbsent(name, n -> new MemoryQueues(maxQueueSize));
    }

    /** Creates {@code group}'s queue on {@code destination} if missing; idempotent. */
    public BlockingQueue<StoredMessage> subscribe(String destination, String group) {
        return destinations.computeIfAbsent(destination, d -> new ConcurrentHashMap<>())
                .computeIfAbsent(group, g -> new LinkedBlockingQueue<>(maxQueueSize));
    }

    /**
     * Puts {@code message} in every group's queue of {@code destination}.
     *
     * @throws NoConsumerException when no group subscribes to the destination
     * @throws IllegalStateException when a queue stays full for {@code timeoutMillis}
     */
    public void publish(String destination, StoredMessage message, long timeoutMillis) throws InterruptedException {
        publish(destination, null, message, timeoutMillis);
    }

    /**
     * Puts {@code message} in {@code group}'s queue of {@code destination} only ({@code group} null: every group's).
     *
     * @throws NoConsumerException when no group (or not {@code group}) subscribes to the destination
     * @throws IllegalStateException when a queue stays full for {@code timeoutMillis}
     */
    public void publish(String destination, String group, StoredMessage message, long timeoutMillis)
            throws InterruptedException {
        awaitRoom(destination, offer(destination, group, message), message, timeoutMillis);
    }

    /**
     * Puts {@code message} without waiting in the queues of {@code destination} that have room (as
     * {@link #publish(String, String, StoredMessage, long)}, stopping at the first full one); returns the queues it
     * still has to go to, empty when it is in all of them.
     *
     * @throws NoConsumerException when no group (or not {@code group}) subscribes to the destination
     */
    public List<Map.Entry<String, BlockingQueue<StoredMessage>>> offer(String destination, String group,
                                                                       StoredMessage message) {
        Map<String, BlockingQueue<StoredMessage>> all = destinations.get(destination);
        Map<String, BlockingQueue<StoredMessage>> groups = group == null || all == null ? all
                : all.containsKey(group) ? Map.of(group, all.get(group)) : Map.of();
        if (groups == null || groups.isEmpty()) {
            throw new NoConsumerException(destination, group == null
                    ? "no consumer group has subscribed on the memory broker"
                    : "consumer group '" + group + "' has not subscribed on the memory broker");
        }
        List<Map.Entry<String, BlockingQueue<StoredMessage>>> queues = List.copyOf(groups.entrySet());
        for (int i = 0; i < queues.size(); i++) {
            if (!queues.get(i).getValue().offer(message)) {
                return queues.subList(i, queues.size());
            }
        }
        return List.of();
    }

    /**
     * Puts {@code message} in {@code remaining} (what {@link #offer} returned), waiting up to {@code timeoutMillis} for
     * room in each.
     *
     * @throws IllegalStateException when a queue stays full for {@code timeoutMillis}
     */
    public void awaitRoom(String destination, List<Map.Entry<String, BlockingQueue<StoredMessage>>> remaining,
                          StoredMessage message, long timeoutMillis) throws InterruptedException {
        for (Map.Entry<String, BlockingQueue<StoredMessage>> g : remaining) {
            if (!g.getValue().offer(message, timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("memory broker queue of group '" + g.getKey() + "' on '" + destination
                        + "' is full (" + maxQueueSize + " events; eventrail.brokers.<name>.max-queue-size)");
            }
        }
    }

    /** How many events wait in {@code group}'s queue on {@code destination}. */
    public int depth(String destination, String group) {
        Map<String, BlockingQueue<StoredMessage>> groups = destinations.get(destination);
        BlockingQueue<StoredMessage> q = groups == null ? null : groups.get(group);
        return q == null ? 0 : q.size();
    }

    /** The groups subscribed to {@code destination}. */
    public List<String> groups(String destination) {
        Map<String, BlockingQueue<StoredMessage>> groups = destinations.get(destination);
        return groups == null ? List.of() : List.copyOf(groups.keySet());
    }

    /** {@code group}'s queue on {@code destination}, or null when the group never subscribed there. */
    public BlockingQueue<StoredMessage> queue(String destination, String group) {
        Map<String, BlockingQueue<StoredMessage>> groups = destinations.get(destination);
        return groups == null ? null : groups.get(group);
    }

    /** Every destination that has at least one subscribed group. */
    public Set<String> destinations() {
        return Set.copyOf(destinations.keySet());
    }
}
