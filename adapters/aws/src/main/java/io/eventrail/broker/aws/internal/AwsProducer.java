package io.eventrail.broker.aws.internal;

import io.eventrail.broker.aws.internal.AwsBatchTransport.Outgoing;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.Destination;
import io.eventrail.spi.NoConsumerException;
import io.eventrail.spi.Subscription;
import io.eventrail.spi.UnsendableEventException;
import io.eventrail.spi.ops.DeadLetterSignature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Producer;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategyAware;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a message against the SQS/SNS limits (at most 10 message attributes, at most max-message-bytes
 * of body plus attributes) and, for an SNS topic, that a subscription exists; then queues a publish for the
 * {@link SendBatcher} of the queue or topic (created on first use with the camel-aws2-sqs or camel-aws2-sns
 * producer it sends lone messages with), which completes the exchange asynchronously after its own entry's result.
 * Dead letters and replays to one group are sent at once through the camel-aws2 producer. A publish over a limit
 * fails with {@link UnsendableEventException} before anything is queued; a dead letter keeps the standard headers
 * and its signature first and shortens the exception message to fit.
 */
final class AwsProducer extends DefaultAsyncProducer {
    private static final Logger LOG = LoggerFactory.getLogger(AwsProducer.class);
    /** The exchange property the FIFO deduplication strategies read. */
    static final String DEDUP_PROPERTY = "EventrailAwsDeduplicationId";
    /**
     * The headers a dead letter keeps first when it has more than SQS's 10 message attributes: the standard ones, the
     * signature and the body-encoding marker (10 at most, so they always fit; without the marker a base64 body would
     * read as another payload); the event's own message attributes fill what is left.
     */
    private static final List<String> KEPT_FIRST = Stream.concat(DeadLetterHeaders.all().stream(),
            Stream.of(DeadLetterSignature.HEADER, AwsBodies.ENCODING)).toList();

    private final AwsBroker broker;
    private final Destination destination;
    private final Subscription deadLetterOf;
    /** The group whose queue alone receives what is sent (a dead letter's replay), or null. */
    private final Subscription toGroup;
    private volatile Target target;

    /** Where the messages go: the camel-aws2 endpoint and producer, and for a publish target its batcher (else null). */
    private record Target(String name, Endpoint endpoint, Producer producer, HeaderFilterStrategy filter,
                          String topicArn, String groupProperty, SendBatcher<Outgoing> batcher) {
    }

    AwsProducer(Endpoint endpoint, AwsBroker broker, Destination destination, Subscription deadLetterOf,
                Subscription toGroup) {
        super(endpoint);
        this.broker = broker;
        this.destination = destination;
        this.deadLetterOf = deadLetterOf;
        this.toGroup = toGroup;
    }

    /**
     * Checks {@code exchange} and, on a publish target, queues it for the batcher and returns false: the callback
     * fires after its own entry's result. A dead letter or a group replay is sent at once, in this thread.
     */
    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            Target t = target();
            Outgoing o = prepare(exchange, t);
            if (t.batcher() == null) {
                t.producer().process(exchange);
            } else {
                t.batcher().offer(o, o.groupId(), size(o.body(), o.attributes()), failure -> {
                    if (failure != null) {
                        exchange.setException(failure);
                    }
                    callback.done(false);
                });
                return false;
            }
        } catch (Exception e) {
            exchange.setException(e);
        }
        callback.done(true);
        return true;
    }

    /** The message of {@code exchange} checked against the limits, its FIFO ids set as camel-aws2 reads them. */
    private Outgoing prepare(Exchange exchange, Target t) {
        Message m = exchange.getMessage();
        Object group = m.removeHeader(AwsEventCodec.GROUP_HEADER);
        Object dedup = m.removeHeader(AwsEventCodec.DEDUP_HEADER);
        Object eventId = m.removeHeader(AwsEventCodec.ID_HEADER);
        String body = AwsBodies.encode(m);
        Map<String, Object> attributes = attributes(m, t.filter(), exchange);
        if (deadLetterOf != null) {
            fitDeadLetter(m, attributes, body, t);
            // FIFO: every dead letter is a message group of its own, so none holds back another (a read of the
            // dead letters, or a dead-letter consumer, sees them all; SQS delivers one group's messages only
            // while none of them is in flight)
            dedup = UUID.randomUUID().toString();
            group = dedup;
        } else {
            checkLimits(attributes, body, eventId == null ? "(sent without the codec)" : eventId, t);
            if (t.topicArn() != null && !broker.hasSubscription(t.topicArn())) {
                throw new NoConsumerException(destination.name(), "SNS topic " + t.name() + " has no subscription");
            }
        }
        String groupId = null;
        String dedupId = null;
        if (broker.settings().fifo()) {
            // a message not written by the codec: one group, deduplicated by content
            groupId = AwsEventCodec.fifoId(group == null ? AwsEventCodec.DEFAULT_GROUP : group.toString());
            dedupId = dedup == null ? AwsNames.sha256(body) : AwsEventCodec.fifoId(dedup.toString());
            exchange.setProperty(t.groupProperty(), groupId);
            exchange.setProperty(DEDUP_PROPERTY, dedupId);
        }
        return new Outgoing(exchange, body, attributes, groupId, dedupId);
    }

    /** The headers that will become message attributes (those camel-aws2 does not filter), empty ones dropped. */
    private static Map<String, Object> attributes(Message m, HeaderFilterStrategy filter, Exchange exchange) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (Map.Entry<String, Object> h : new ArrayList<>(m.getHeaders().entrySet())) {
            if (filter.applyFilterToCamelHeaders(h.getKey(), h.getValue(), exchange)) {
                continue;
            }
            if (h.getValue() == null || h.getValue() instanceof CharSequence s && s.length() == 0) {
                m.removeHeader(h.getKey()); // SQS and SNS refuse empty attribute values
                continue;
            }
            result.put(h.getKey(), h.getValue());
        }
        return result;
    }

    private void checkLimits(Map<String, Object> attributes, String body, Object eventId, Target t) {
        String type = broker.type();
        if (attributes.size() > AwsLimits.MAX_ATTRIBUTES) {
            throw new UnsendableEventException("event " + eventId + " would carry " + attributes.size()
                    + " message attributes (" + String.join(", ", attributes.keySet()) + "); " + type
                    + " allows at most " + AwsLimits.MAX_ATTRIBUTES + " message attributes per message");
        }
        long size = size(body, attributes);
        if (size > broker.settings().maxMessageBytes()) {
            throw new UnsendableEventException("event " + eventId + " is " + size + " bytes as an " + type
                    + " message (structured CloudEvent body plus message attributes); the limit is "
                    + broker.settings().maxMessageBytes() + " bytes (eventrail.brokers." + broker.name()
                    + ".max-message-bytes; " + type + " allows at most "
                    + AwsLimits.maxMessageBytes(type)
                    + ")");
        }
    }

    private void fitDeadLetter(Message m, Map<String, Object> attributes, String body, Target t) {
        if (attributes.size() > AwsLimits.MAX_ATTRIBUTES) {
            List<String> dropped = droppedFromDeadLetter(attributes.keySet());
            dropped.forEach(k -> {
                m.removeHeader(k);
                attributes.remove(k);
            });
            LOG.warn("Dead letter of group {} on {}: headers {} dropped ({} allows {} message attributes)",
                    deadLetterOf.group(), destination, dropped, broker.type(), AwsLimits.MAX_ATTRIBUTES);
        }
        long over = size(body, attributes) - broker.settings().maxMessageBytes();
        Object msg = attributes.get(DeadLetterHeaders.EXCEPTION_MESSAGE);
        if (over > 0 && msg instanceof String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            String shorter = bytes.length - over - 3 > 0
                    ? new String(bytes, 0, (int) (bytes.length - over - 3), StandardCharsets.UTF_8) + "..." : "...";
            m.setHeader(DeadLetterHeaders.EXCEPTION_MESSAGE, shorter);
            attributes.put(DeadLetterHeaders.EXCEPTION_MESSAGE, shorter);
            over = size(body, attributes) - broker.settings().maxMessageBytes();
        }
        if (over > 0) {
            throw new IllegalStateException("the dead letter of group '" + deadLetterOf.group() + "' on '" + destination
                    + "' is " + over + " bytes over the " + broker.settings().maxMessageBytes()
                    + "-byte limit; SQS's redrive policy moves the original message to " + t.name() + " instead");
        }
    }

    /**
     * The attribute names a dead letter with {@code names} drops to fit SQS's 10: none when they fit; else, with the
     * standard headers, the signature and the body-encoding marker kept first, the others beyond the tenth in order.
     */
    static List<String> droppedFromDeadLetter(Collection<String> names) {
        List<String> keep = new ArrayList<>();
        KEPT_FIRST.stream().filter(names::contains).forEach(keep::add);
        names.stream().filter(k -> !keep.contains(k)).forEach(keep::add);
        return keep.size() <= AwsLimits.MAX_ATTRIBUTES ? List.of()
                : List.copyOf(keep.subList(AwsLimits.MAX_ATTRIBUTES, keep.size()));
    }

    /** SQS's message size: the body plus, per attribute, its name, data type and value, in UTF-8 bytes. */
    static long size(String body, Map<String, Object> attributes) {
        long size = utf8(body);
        for (Map.Entry<String, Object> a : attributes.entrySet()) {
            Object v = a.getValue();
            size += utf8(a.getKey());
            if (v instanceof byte[] b) {
                size += "Binary".length() + b.length;
            } else if (v instanceof Number) {
                size += "Number".length() + utf8(v.toString());
            } else {
                size += "String".length() + utf8(v.toString());
            }
        }
        return size;
    }

    /** The UTF-8 length of {@code s}, counted without encoding it (a lone surrogate counts as '?', as getBytes writes it). */
    static long utf8(String s) {
        long n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private Target target() throws Exception {
        Target t = target;
        if (t == null) {
            synchronized (this) {
                t = target;
                if (t == null) {
                    t = open(deadLetterOf != null ? broker.deadLetterTarget(destination, deadLetterOf)
                            : toGroup != null ? broker.groupTarget(destination, toGroup)
                            : broker.publishTarget(destination));
                    target = t;
                }
            }
        }
        return t;
    }

    private Target open(AwsBroker.SendTarget s) throws Exception {
        Endpoint endpoint = getEndpoint().getCamelContext().getEndpoint(s.uri());
        s.configure().accept(endpoint);
        ServiceHelper.initService(endpoint);
        Producer producer = endpoint.createProducer();
        ServiceHelper.startService(producer);
        // publishes are batched; a dead letter or a replay to one group is rare and sent on its own
        SendBatcher<Outgoing> batcher = deadLetterOf == null && toGroup == null
                ? broker.batcher(s.name(), new AwsBatchTransport(endpoint, producer)) : null;
        return new Target(s.name(), endpoint, producer, ((HeaderFilterStrategyAware) endpoint).getHeaderFilterStrategy(),
                s.topicArn(), s.groupProperty(), batcher);
    }

    @Override
    protected void doStop() throws Exception {
        Target t = target;
        if (t != null) {
            if (t.batcher() != null && !t.batcher().close(broker.settings().apiCallTimeout().plusSeconds(1))) {
                LOG.warn("Publisher of {} stopped before every queued publish was answered; those were failed", t.name());
            }
            ServiceHelper.stopService(t.producer());
        }
        target = null;
        super.doStop();
    }
}
