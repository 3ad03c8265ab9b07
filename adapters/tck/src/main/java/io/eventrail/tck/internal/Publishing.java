package io.eventrail.tck.internal;

import io.cloudevents.CloudEvent;
import io.eventrail.EventPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * The two ways a contract publishes: {@link #SYNC} through {@code publish}, {@link #ASYNC} through
 * {@code publishAsync}, waiting on the future and raising what failed it, so a contract states one outcome for both.
 */
public enum Publishing {
    SYNC, ASYNC;

    /** The longest wait for one future; a contract's own timeout is shorter. */
    private static final long WAIT_MINUTES = 5;

    public String publish(EventPublisher p, String type, Object data) {
        return publish(p, type, data, null);
    }

    public String publish(EventPublisher p, String type, Object data, String subject) {
        return this == SYNC ? p.publish(type, data, subject) : await(p.publishAsync(type, data, subject));
    }

    public String publish(EventPublisher p, CloudEvent event) {
        return this == SYNC ? p.publish(event) : await(p.publishAsync(event));
    }

    /**
     * Publishes {@code count} events {@code {"seq":i}} with subject {@code subject.apply(i)} (null: none): one after the
     * other with {@link #SYNC}; with {@link #ASYNC} all of them before waiting for any confirmation, so they are in
     * flight together. Returns the ids in publish order.
     */
    public List<String> publishMany(EventPublisher p, String type, int count, IntFunction<String> subject) {
        List<String> ids = new ArrayList<>();
        if (this == SYNC) {
            for (int i = 0; i < count; i++) {
                ids.add(p.publish(type, "{\"seq\":" + i + "}", subject.apply(i)));
            }
            return ids;
        }
        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(p.publishAsync(type, "{\"seq\":" + i + "}", subject.apply(i)));
        }
        futures.forEach(f -> ids.add(await(f)));
        return ids;
    }

    /** The value of {@code f}, or the exception that failed it, raised as it is. */
    public static String await(CompletableFuture<String> f) {
        try {
            return f.get(WAIT_MINUTES, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a publish", e);
        } catch (TimeoutException e) {
            throw new AssertionError("publishAsync's future did not complete within " + WAIT_MINUTES + " minutes", e);
        }
    }
}
