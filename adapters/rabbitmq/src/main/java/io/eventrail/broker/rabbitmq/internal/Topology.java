package io.eventrail.broker.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.eventrail.spi.codec.Sanitize;
import io.eventrail.spi.internal.Causes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpAuthenticationException;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

/**
 * Declares the exchanges, queues and bindings of one broker instance, idempotently, and declares them
 * again on every new connection (so a broker that lost them, or was unreachable at start-up, gets them
 * when it is reachable). When an entity already exists with other arguments (an operator created it;
 * the broker answers {@code PRECONDITION_FAILED}) the existing one is used and a warning names the
 * argument, except for a destination exchange whose type cannot deliver every event to every bound
 * group queue (direct, headers), and a queue whose {@code x-delivery-limit} differs from ours (it could drop
 * dead letters or dead-letter events that were never handled): those fail provisioning, naming the entity and
 * the argument. Queue arguments may depend on the server's version (see {@link QueueArguments}). Thread-safe.
 */
final class Topology implements ConnectionListener {
    private static final Logger LOG = LoggerFactory.getLogger("io.eventrail.broker.rabbitmq");
    private static final Pattern INEQUIVALENT = Pattern.compile("inequivalent arg '([^']*)'.*?(current is .*)$");

    /** What one declaration does on a fresh channel. */
    @FunctionalInterface
    private interface Declaration {
        void run(Channel channel) throws Exception;
    }

    /** One declaration: what it is, and whether a conflicting exchange type is fatal. */
    private record Step(String kind, String name, Declaration action, boolean needsRoutingToAll) {
    }

    /** The broker could not be reached; the declarations run again on the next connection. */
    private static final class Unreachable extends Exception {
        Unreachable(Throwable cause) {
            super(cause);
        }
    }

    private final ConnectionFactory connectionFactory;
    private final String broker;
    private final Map<String, Step> steps = new LinkedHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    /** Whether a declaration met an unreachable broker since the last connection (guarded by {@code steps}). */
    private boolean deferring;

    Topology(ConnectionFactory connectionFactory, String broker) {
        this.connectionFactory = connectionFactory;
        this.broker = broker;
        connectionFactory.addConnectionListener(this);
    }

    /** Stops declaring on new connections (the broker instance is closed). */
    void close() {
        connectionFactory.removeConnectionListener(this);
    }

    /** A durable exchange of {@code type}; {@code destination} exchanges must deliver to every bound queue. */
    void exchange(String name, String type, boolean destination) {
        add("exchange:" + name, new Step("exchange", name, ch -> ch.exchangeDeclare(name, type, true, false, null),
                destination));
    }

    /** A durable queue with the arguments {@code arguments} gives for the server's version (null if unknown). */
    void queue(String name, Function<String, Map<String, Object>> arguments) {
        add("queue:" + name, new Step("queue", name, ch -> ch.queueDeclare(name, true, false, false,
                Map.copyOf(arguments.apply(serverVersion(ch)))), false));
    }

    private static String serverVersion(Channel channel) {
        Object version = channel.getConnection().getServerProperties().get("version");
        return version == null ? null : version.toString();
    }

    /** Binds {@code queue} to {@code exchange} with {@code routingKey}. */
    void bind(String queue, String exchange, String routingKey) {
        add("binding:" + exchange + ">" + queue + ":" + routingKey, new Step("binding of queue '" + queue
                + "' to exchange", exchange, ch -> ch.queueBind(queue, exchange, routingKey), false));
    }

    /** Declares {@code step} now unless it is known; an unreachable broker only delays it to the next connection. */
    private void add(String key, Step step) {
        synchronized (steps) {
            if (steps.containsKey(key)) {
                return;
            }
            if (deferring) { // the broker did not answer the previous step: no new attempt, no new line
                LOG.debug("RabbitMQ broker '{}': {} '{}' is declared when a connection opens", broker, step.kind(),
                        step.name());
                steps.put(key, step);
                return;
            }
            try {
                apply(step);
            } catch (Unreachable e) {
                deferring = true; // the outage itself is reported by ConnectionOutage
                LOG.info("RabbitMQ broker '{}' is not reachable ({}); {} '{}' and the declarations that follow are "
                        + "made when a connection opens", broker,
                        Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(Causes.root(e)))), step.kind(),
                        step.name());
            }
            steps.put(key, step);
        }
    }

    @Override
    public void onCreate(Connection connection) {
        List<Step> all;
        synchronized (steps) {
            deferring = false;
            all = new ArrayList<>(steps.values());
        }
        for (Step step : all) {
            try {
                apply(step);
            } catch (Exception e) {
                LOG.warn("RabbitMQ broker '{}': declaring {} '{}' again on a new connection failed: {}", broker,
                        step.kind(), step.name(), Sanitize.forMessage(Sanitize.redactSecrets(String.valueOf(Causes.root(e)))));
                return;
            }
        }
    }

    private void apply(Step step) throws Unreachable {
        try {
            withChannel(step.action());
            LOG.debug("RabbitMQ broker '{}': declared {} '{}'", broker, step.kind(), step.name());
        } catch (AmqpAuthenticationException e) {
            throw new IllegalStateException("RabbitMQ broker '" + broker + "': authentication failed for the configured"
                    + " user (check username and password; the password is not shown)", e);
        } catch (Exception e) {
            ShutdownSignalException sse = ObjectHelper.getException(ShutdownSignalException.class, e);
            AMQP.Channel.Close close = sse != null && sse.getReason() instanceof AMQP.Channel.Close c ? c : null;
            if (close == null) {
                throw new Unreachable(e);
            }
            if (close.getReplyCode() != AMQP.PRECONDITION_FAILED) {
                throw new IllegalStateException("RabbitMQ broker '" + broker + "': cannot declare " + step.kind() + " '"
                        + step.name() + "': " + close.getReplyCode() + " " + Sanitize.forMessage(close.getReplyText()), e);
            }
            conflict(step, close.getReplyText());
        }
    }

    private void conflict(Step step, String text) {
        Matcher m = INEQUIVALENT.matcher(text);
        boolean parsed = m.find();
        String argument = parsed ? m.group(1) : "?";
        String current = parsed ? m.group(2) : text;
        if (step.needsRoutingToAll() && argument.toLowerCase(Locale.ROOT).equals("type")
                && !current.contains("'fanout'") && !current.contains("'topic'")) {
            throw new IllegalStateException("RabbitMQ broker '" + broker + "': exchange '" + step.name()
                    + "' exists with argument 'type' different from ours (" + Sanitize.forMessage(current)
                    + "); an Eventrail destination needs a topic or fanout exchange so that every consumer group's"
                    + " queue receives every event. Delete or rename that exchange, or set exchange-prefix");
        }
        if (argument.equals(QueueArguments.DELIVERY_LIMIT)) {
            throw new IllegalStateException("RabbitMQ broker '" + broker + "': queue '" + step.name()
                    + "' exists with argument '" + QueueArguments.DELIVERY_LIMIT + "' different from ours ("
                    + Sanitize.forMessage(text) + "); a dead-letter queue must have no delivery limit (reading it"
                    + " counts as a delivery) and a group queue has " + QueueArguments.GROUP_DELIVERY_LIMIT + ". A"
                    + " queue's arguments cannot change: move its messages elsewhere (e.g. a shovel) and delete it,"
                    + " Eventrail declares it again on start-up");
        }
        if (warned.add(step.kind() + " " + step.name())) {
            LOG.warn("RabbitMQ broker '{}': {} '{}' already exists with a different argument '{}' ({}); using the"
                    + " existing one as it is. Broker said: {}", broker, step.kind(), step.name(),
                    Sanitize.forMessage(argument), Sanitize.forMessage(current), Sanitize.forMessage(text));
        }
    }

    private void withChannel(Declaration action) throws Exception {
        Channel channel = connectionFactory.createConnection().createChannel(false);
        try {
            action.run(channel);
        } finally {
            try {
                if (channel.isOpen()) {
                    channel.close();
                }
            } catch (Exception ignored) {
                // closing a channel the broker already closed
            }
        }
    }

}
