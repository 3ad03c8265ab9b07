package io.eventrail.broker.rabbitmq.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code x-*} arguments of a group queue and of its dead-letter queue, for a queue type and the version of
 * the RabbitMQ server they are declared on. Quorum queues get an explicit delivery limit:
 *
 * <ul>
 *   <li>group queue: {@value #GROUP_DELIVERY_LIMIT}. Eventrail retries a failed handler in-process, so the
 *       broker redelivers only after an exchange failed as a whole (a crash, a store outage paced by the
 *       pipeline's back-off, a consumer stop returning its prefetched messages). The limit is far above what
 *       the pipeline causes, and still ends the loop of a message that crashes the consumer every time: the
 *       broker then dead-letters it to the group's dead-letter queue.</li>
 *   <li>dead-letter queue: no limit, since reading dead letters ({@code basic.get} then requeue) raises
 *       {@code x-delivery-count} on every read. RabbitMQ 4.x has a default limit of 20 and takes {@code -1} for
 *       none; RabbitMQ 3.x has no default limit and treats {@code -1} as "none allowed" (a message is dropped at
 *       its first return, verified on 3.10.8), so there the argument is left out.</li>
 * </ul>
 *
 * Stateless and thread-safe; a {@code null} version (a server that does not announce one: every RabbitMQ release
 * does) is read as 4.x or later.
 */
final class QueueArguments {
    /** The argument that bounds redeliveries of a quorum queue. */
    static final String DELIVERY_LIMIT = "x-delivery-limit";
    /** The delivery limit of a quorum group queue. */
    static final int GROUP_DELIVERY_LIMIT = 1000;
    /** RabbitMQ 4.x's value for "no delivery limit". */
    static final int UNLIMITED = -1;

    private QueueArguments() {
    }

    /** The arguments of a group queue dead-lettering to {@code deadLetterExchange}. */
    static Map<String, Object> group(String queueType, String deadLetterExchange) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("x-dead-letter-exchange", deadLetterExchange);
        if (quorum(queueType)) {
            args.put("x-queue-type", "quorum");
            args.put(DELIVERY_LIMIT, GROUP_DELIVERY_LIMIT);
        }
        return args;
    }

    /** The arguments of a dead-letter queue. */
    static Map<String, Object> deadLetter(String queueType, String serverVersion) {
        Map<String, Object> args = new LinkedHashMap<>();
        if (quorum(queueType)) {
            args.put("x-queue-type", "quorum");
            if (!isVersion3(serverVersion)) {
                args.put(DELIVERY_LIMIT, UNLIMITED);
            }
        }
        return args;
    }

    private static boolean quorum(String queueType) {
        return "quorum".equals(queueType);
    }

    /** Whether {@code version} (the server's {@code version} property, e.g. {@code 3.10.8}) is a 3.x release. */
    static boolean isVersion3(String version) {
        return version != null && (version.equals("3") || version.startsWith("3."));
    }
}
