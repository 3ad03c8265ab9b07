package io.eventrail.broker.rabbitmq.internal;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.Destination;
import io.eventrail.spi.Subscription;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.ops.BrokerOperations;
import io.eventrail.spi.ops.DeadLetter;
import io.eventrail.spi.ops.DeadLetterQuery;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.springframework.amqp.rabbit.connection.ChannelProxy;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

/**
 * Health, backlog and dead-letter control of one RabbitMQ broker instance over AMQP 0-9-1 (no management
 * plugin needed). Every operation runs on a fresh channel and is bounded by {@link #TIMEOUT}.
 *
 * <p>Dead letters are the messages of the dead-letter queues of the groups this instance provisioned; a
 * dead letter's id is {@code <dead-letter queue>/<last failure time>/<message id>}. Reading takes the
 * messages with {@code basic.get} without acknowledging them and then returns every one with
 * {@code basic.nack(requeue)}: they go back to their positions, and RabbitMQ marks them redelivered
 * (the only trace a listing leaves). While a listing holds them, a consumer of that queue does not see
 * them. Removing one reads the same way, acknowledges the one and requeues the rest. Operations on
 * this instance are serialised so two listings never hide messages from each other. A quorum queue counts
 * every such read as a delivery ({@code x-delivery-count}), so dead-letter queues are declared without a
 * delivery limit ({@link QueueArguments}) and the oldest-age gauge reuses the head it read for
 * {@link #HEAD_CACHE}. Thread-safe.
 */
final class RabbitOperations implements BrokerOperations, AutoCloseable {
    /** The bound of every operation. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** The most messages one listing takes from one queue. */
    static final int MAX_SCAN = 20_000;
    /**
     * How long the last-failure time of a dead-letter queue's head is reused by the oldest-age gauge: reading the
     * head is a {@code basic.get} and requeue, which a quorum queue counts as a delivery, so a scrape every few
     * seconds must not read it every time.
     */
    static final Duration HEAD_CACHE = Duration.ofSeconds(30);

    /** One AMQP operation on a fresh channel. */
    @FunctionalInterface
    private interface OnChannel<T> {
        T run(Channel channel) throws Exception;
    }

    /** What a scan does with each message it took. */
    private record Taken(long tag, DeadLetter letter) {
    }

    /** The last-failure time (null if it has none) of a dead-letter queue's head, read at {@code readAt} (nanos). */
    private record Head(Instant lastFailure, long readAt) {
    }

    private final ConnectionFactory connectionFactory;
    private final RabbitMqBroker names;
    private final String broker;
    /** Group queue by dead-letter queue of every provisioned group, in provisioning order. */
    private final Map<String, String> deadLetterQueues = new ConcurrentHashMap<>();
    /** Destination and group by dead-letter queue: a dead letter's origin, never read from its headers. */
    private final Map<String, String[]> origins = new ConcurrentHashMap<>();
    private final Set<String> queues = ConcurrentHashMap.newKeySet();
    private final Map<String, Head> heads = new ConcurrentHashMap<>();
    private final ExecutorService executor;

    RabbitOperations(ConnectionFactory connectionFactory, RabbitMqBroker names) {
        this.connectionFactory = connectionFactory;
        this.names = names;
        this.broker = names.name();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "eventrail-rabbitmq-ops-" + broker);
            t.setDaemon(true);
            return t;
        });
    }

    /** Remembers a provisioned group queue and its dead-letter queue, and whose they are. */
    void provisioned(String queue, String deadLetterQueue, String destination, String group) {
        queues.add(queue);
        deadLetterQueues.put(deadLetterQueue, queue);
        origins.put(deadLetterQueue, new String[] {destination, group});
    }

    @Override
    public void check() throws Exception {
        String queue = queues.stream().findFirst().orElse(null);
        bounded("reach RabbitMQ", ch -> {
            if (queue != null) {
                ch.queueDeclarePassive(queue);
            }
            return null;
        });
    }

    @Override
    public OptionalLong depth(Destination destination, Subscription subscription) {
        return count(names.queue(destination, subscription));
    }

    @Override
    public OptionalLong deadLetterDepth(Destination destination, Subscription subscription) {
        return count(names.deadLetterQueue(destination, subscription));
    }

    @Override
    public Optional<Duration> oldestDeadLetterAge(Destination destination, Subscription subscription) {
        return oldestAge(names.deadLetterQueue(destination, subscription));
    }

    /** Ready messages of {@code queue} (unacknowledged deliveries are not counted). */
    private OptionalLong count(String queue) {
        try {
            return OptionalLong.of(bounded("count queue " + queue, ch -> ch.queueDeclarePassive(queue).getMessageCount()));
        } catch (Exception e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Age of the head of {@code deadLetterQueue}, from its last-failure header: nothing when the queue is empty
     * (a passive declare, which reads no message), else the head's time read at most {@link #HEAD_CACHE} ago.
     */
    private Optional<Duration> oldestAge(String deadLetterQueue) {
        try {
            if (bounded("count queue " + deadLetterQueue, ch -> ch.queueDeclarePassive(deadLetterQueue).getMessageCount()) == 0) {
                // the cached head is kept: a message being read (by a list, a show or the last scan) is briefly not
                // ready, and dropping the cache then would read the queue again at the next scrape
                return Optional.empty();
            }
            Head head = heads.get(deadLetterQueue);
            if (head == null || System.nanoTime() - head.readAt() > HEAD_CACHE.toNanos()) {
                List<DeadLetter> first = scan(deadLetterQueue, d -> true, 1, 1);
                if (first.isEmpty()) {
                    // counted but not taken: the head is still on its way back from a read whose requeue the
                    // broker has not applied yet; nothing is cached, so the next scrape reads it again
                    return head == null ? Optional.empty() : age(head);
                }
                head = new Head(first.get(0).lastFailure(), System.nanoTime());
                heads.put(deadLetterQueue, head);
            }
            return age(head);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> age(Head head) {
        Instant last = head.lastFailure();
        return last == null ? Optional.empty() : Optional.of(Duration.between(last, Instant.now()));
    }

    @Override
    public List<DeadLetter> deadLetters(DeadLetterQuery query) {
        List<DeadLetter> all = new ArrayList<>();
        for (String dlq : List.copyOf(deadLetterQueues.keySet())) {
            try {
                all.addAll(scan(dlq, query::matches, query.limit(), MAX_SCAN));
            } catch (Exception e) {
                throw new IllegalStateException("RabbitMQ broker '" + broker + "': cannot read dead-letter queue '" + dlq
                        + "': " + Sanitize.rootCause(e), e);
            }
        }
        all.sort(Comparator.comparing(DeadLetter::lastFailure, Comparator.nullsLast(Comparator.naturalOrder())));
        return all.size() > query.limit() ? List.copyOf(all.subList(0, query.limit())) : all;
    }

    @Override
    public Optional<DeadLetter> deadLetter(String id) {
        String dlq = queueOf(id);
        if (dlq == null) {
            return Optional.empty();
        }
        try {
            return scan(dlq, d -> d.id().equals(id), 1, MAX_SCAN).stream().findFirst();
        } catch (Exception e) {
            throw failure("read", id, e);
        }
    }

    @Override
    public boolean removeDeadLetter(String id) {
        String dlq = queueOf(id);
        if (dlq == null) {
            return false;
        }
        try {
            return withTaken(dlq, d -> d.id().equals(id), 1, MAX_SCAN, (ch, taken) -> {
                if (taken.isEmpty()) {
                    return false;
                }
                ch.basicAck(taken.get(0).tag(), false);
                heads.remove(dlq); // it may have been the head
                return true;
            });
        } catch (Exception e) {
            throw failure("remove", id, e);
        }
    }

    private IllegalStateException failure(String what, String id, Exception e) {
        return new IllegalStateException("RabbitMQ broker '" + broker + "': cannot " + what + " dead letter " + id + ": "
                + Sanitize.rootCause(e), e);
    }

    private String queueOf(String id) {
        for (String dlq : deadLetterQueues.keySet()) {
            if (id.startsWith(dlq + "/")) {
                return dlq;
            }
        }
        return null;
    }

    /** The matching messages of {@code queue}, queue order, at most {@code limit}, having looked at most {@code max}. */
    private List<DeadLetter> scan(String queue, Predicate<DeadLetter> filter, int limit, int max) throws Exception {
        return withTaken(queue, filter, limit, max, (ch, taken) -> taken.stream().map(Taken::letter).toList());
    }

    /** What a caller does with the messages it took before the rest is requeued. */
    @FunctionalInterface
    private interface WithTaken<T> {
        T apply(Channel channel, List<Taken> taken) throws Exception;
    }

    /**
     * Takes messages of {@code queue} without acknowledging them until {@code limit} matched or {@code max}
     * were looked at or the queue is empty, lets {@code action} acknowledge some, then requeues every other one.
     */
    private synchronized <T> T withTaken(String queue, Predicate<DeadLetter> filter, int limit, int max,
                                         WithTaken<T> action) throws Exception {
        return bounded("read queue " + queue, ch -> {
            List<Taken> matched = new ArrayList<>();
            long lastTag = -1;
            try {
                for (int seen = 0; seen < max && matched.size() < limit; seen++) {
                    GetResponse r = ch.basicGet(queue, false);
                    if (r == null) {
                        break;
                    }
                    lastTag = r.getEnvelope().getDeliveryTag();
                    DeadLetter d = letter(queue, r);
                    if (filter.test(d)) {
                        matched.add(new Taken(lastTag, d));
                    }
                }
                return action.apply(ch, matched);
            } finally {
                if (lastTag >= 0 && ch.isOpen()) {
                    ch.basicNack(lastTag, true, true); // every message taken and not acknowledged goes back
                }
            }
        });
    }

    /** The dead letter in {@code r}, read from {@code queue}: its origin is the queue's (see {@link DeadLetter#withOrigin}). */
    private DeadLetter letter(String queue, GetResponse r) {
        DeadLetter d = read(queue, r);
        String[] origin = origins.get(queue);
        return origin == null ? d : d.withOrigin(origin[0], origin[1]);
    }

    private static DeadLetter read(String queue, GetResponse r) {
        Map<String, Object> headers = new LinkedHashMap<>();
        Map<String, Object> amqp = r.getProps().getHeaders();
        if (amqp != null) {
            // an AMQP timestamp as RFC 3339 text, which the codec reads back (Date.toString() it would not)
            amqp.forEach((k, v) -> headers.put(k, v == null ? "" : v instanceof Date d ? d.toInstant().toString()
                    : v.toString()));
        }
        if (r.getProps().getContentType() != null) {
            headers.putIfAbsent("content-type", r.getProps().getContentType());
        }
        Object last = headers.get(DeadLetterHeaders.LAST_FAILURE_TIME);
        String messageId = r.getProps().getMessageId() != null ? r.getProps().getMessageId()
                : String.valueOf(Objects.requireNonNullElse(RabbitEventCodec.attribute(headers::get, "id"), ""));
        String id = queue + "/" + (last == null || !parses(last.toString()) ? "" : last) + "/" + messageId;
        return DeadLetter.of(id, r.getBody(), headers);
    }

    private static boolean parses(String instant) {
        try {
            Instant.parse(instant);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** Runs {@code body} on a fresh channel in at most {@link #TIMEOUT}; fails naming {@code what} otherwise. */
    private <T> T bounded(String what, OnChannel<T> body) throws Exception {
        Callable<T> call = () -> {
            Channel ch = connectionFactory.createConnection().createChannel(false);
            try {
                return body.run(ch);
            } finally {
                // close the real channel, not only the cached proxy: whatever it still holds goes back to its queue
                Channel target = ch instanceof ChannelProxy proxy ? proxy.getTargetChannel() : ch;
                try {
                    if (target.isOpen()) {
                        target.close();
                    }
                } catch (Exception ignored) {
                    // the broker closed it already
                }
            }
        };
        Future<T> f = executor.submit(call);
        try {
            return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IllegalStateException("RabbitMQ broker '" + broker + "': could not " + what + " within "
                    + TIMEOUT.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new IllegalStateException("RabbitMQ broker '" + broker + "': could not " + what + ": "
                    + Sanitize.rootCause(e), e.getCause());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
