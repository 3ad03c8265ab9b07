package io.eventrail.tck.internal;

import io.eventrail.spi.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;

/**
 * Reads one group's dead letters through the broker's dead-letter consumer endpoint, in a temporary route of
 * the test's Camel context, and keeps them for assertions. Thread-safe.
 */
public final class DeadLetters {
    /** One dead letter as the broker delivered it: the payload bytes and the headers (values as text). */
    public record DeadLetter(byte[] body, Map<String, String> headers) {
        /** The header {@code name} as text, or null. */
        public String header(String name) {
            return headers.get(name);
        }

        /** The standard {@link DeadLetterHeaders#REASON} header. */
        public String reason() {
            return header(DeadLetterHeaders.REASON);
        }

        /** The standard {@link DeadLetterHeaders#ATTEMPTS} header. */
        public String attempts() {
            return header(DeadLetterHeaders.ATTEMPTS);
        }
    }

    private final List<DeadLetter> received = new ArrayList<>();

    private DeadLetters() {
    }

    /** Starts a route {@code routeId} in {@code context} that reads {@code deadLetterConsumerUri}. */
    public static DeadLetters attach(CamelContext context, String deadLetterConsumerUri, String routeId) {
        DeadLetters letters = new DeadLetters();
        try {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(deadLetterConsumerUri).routeId(routeId).process(exchange -> {
                        byte[] body = exchange.getMessage().getBody(byte[].class);
                        Map<String, String> headers = new LinkedHashMap<>();
                        exchange.getMessage().getHeaders().forEach((k, v) -> {
                            if (v != null) {
                                headers.put(k, v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8)
                                        : v.toString());
                            }
                        });
                        letters.add(new DeadLetter(body == null ? new byte[0] : body, headers));
                    });
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("cannot read dead letters from " + deadLetterConsumerUri, e);
        }
        return letters;
    }

    private synchronized void add(DeadLetter letter) {
        received.add(letter);
        notifyAll();
    }

    /** The dead letters read so far. */
    public synchronized List<DeadLetter> received() {
        return List.copyOf(received);
    }

    /**
     * Waits until at least {@code count} dead letters were read and returns them.
     *
     * @throws AssertionError when fewer arrive within {@code timeout}
     */
    public synchronized List<DeadLetter> await(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " dead letter(s) within " + timeout.toMillis()
                        + " ms, got " + received.size());
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for dead letters");
            }
        }
        return List.copyOf(received);
    }

    /** Waits for the first dead letter. */
    public DeadLetter awaitOne(Duration timeout) {
        return await(1, timeout).get(0);
    }
}
