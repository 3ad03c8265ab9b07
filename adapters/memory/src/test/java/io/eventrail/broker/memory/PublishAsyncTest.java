package io.eventrail.broker.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import io.eventrail.InvalidEventException;
import io.eventrail.PublishBackpressureException;
import io.eventrail.PublishException;
import io.eventrail.broker.memory.internal.MemoryQueues;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code publishAsync} on the memory broker, whose confirmation is the event's entry into every group queue: a group
 * queue of {@value #QUEUE} events that nobody drains holds a publish back until the test takes one out, so the
 * tests see when a future completes and how many publishes are in flight.
 */
class PublishAsyncTest {
    private static final int QUEUE = 2;
    private static final String TYPE = "io.eventrail.test.async";

    private final String broker = "async-" + UUID.randomUUID().toString().substring(0, 8);
    private final String destination = "async-dest";
    private final DefaultCamelContext context = new DefaultCamelContext();
    private BlockingQueue<MemoryQueues.StoredMessage> queue;
    private Eventrail rail;
    /** Calls of the type's Java validator. */
    private final AtomicInteger validations = new AtomicInteger();

    private void start(String... settings) throws Exception {
        Properties p = new Properties();
        p.put("eventrail.broker", broker);
        p.put("eventrail.brokers." + broker + ".type", "memory");
        p.put("eventrail.brokers." + broker + ".max-queue-size", String.valueOf(QUEUE));
        for (int i = 0; i < settings.length; i += 2) {
            p.put(settings[i], settings[i + 1]);
        }
        context.getPropertiesComponent().setOverrideProperties(p);
        context.addRoutes(new EventRoutes() {
            @Override
            protected void configureEvents() {
                eventType(TYPE).destination(destination).validator(e -> {
                    validations.incrementAndGet();
                    return e.dataAsString().contains("invalid") ? List.of("data must not say invalid") : List.of();
                });
                // a route that publishes and waits for the confirmation inside its own exchange
                from("direct:publish-in-route").process(ex -> ex.getMessage().setBody(
                        publisher().publishAsync(TYPE, "{\"in\":\"route\"}").get(10, TimeUnit.SECONDS)));
            }
        });
        context.start();
        rail = Eventrail.of(context);
        // a group that subscribed and does not read: its queue fills up
        queue = MemoryQueues.named(broker, QUEUE).subscribe(destination, "g");
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private void fillQueue() {
        for (int i = 0; i < QUEUE; i++) {
            rail.publisher().publish(TYPE, "{\"fill\":" + i + "}");
        }
        assertThat(queue).hasSize(QUEUE);
    }

    @Test
    @DisplayName("the future completes with the event id only once the broker took the event")
    void completesOnlyAfterConfirmation() throws Exception {
        start();
        fillQueue();
        CompletableFuture<String> f = rail.publisher().publishAsync(TYPE, "{\"n\":1}", "key-1");
        Thread.sleep(300);
        assertThat(f).as("not confirmed while the queue is full").isNotDone();
        assertThat(sent()).as("a send is counted when the broker answered").isEqualTo(QUEUE);
        queue.take();
        String id = f.get(5, TimeUnit.SECONDS);
        assertThat(sent()).isEqualTo(QUEUE + 1);
        assertThat(queue).hasSize(QUEUE);
        assertThat(queue.stream().map(m -> String.valueOf(m.headers().get("ce_id")))).contains(id);
    }

    @Test
    @DisplayName("the future completes on an Eventrail completion thread, neither the caller's nor the broker's")
    void completesOnCompletionThread() throws Exception {
        start();
        fillQueue(); // the callback is attached before the confirmation (one attached after runs in its own thread)
        AtomicReference<String> thread = new AtomicReference<>();
        CompletableFuture<Void> f = rail.publisher().publishAsync(TYPE, "{\"n\":1}")
                .thenRun(() -> thread.set(Thread.currentThread().getName()));
        queue.take();
        f.get(5, TimeUnit.SECONDS);
        assertThat(thread.get()).contains("EventrailPublishCompletion");
    }

    @Test
    @DisplayName("inside a Camel route, publishAsync hands the event over at once: waiting for its future there does not deadlock")
    void publishAsyncInsideARoute() throws Exception {
        start();
        String id = context.createProducerTemplate().requestBody("direct:publish-in-route", "", String.class);
        assertThat(id).isNotBlank();
        assertThat(queue).hasSize(1);
        assertThat(String.valueOf(queue.peek().headers().get("ce_id"))).isEqualTo(id);
    }

    @Test
    @DisplayName("publishWithIdAsync sends the caller's id; a blank id fails the future with InvalidEventException")
    void publishWithIdAsyncKeepsTheId() throws Exception {
        start();
        assertThat(rail.publisher().publishWithIdAsync("order-42-placed", TYPE, "{\"n\":1}").get(5, TimeUnit.SECONDS))
                .isEqualTo("order-42-placed");
        assertThat(String.valueOf(queue.take().headers().get("ce_id"))).isEqualTo("order-42-placed");
        assertThat(catchFailure(rail.publisher().publishWithIdAsync(" ", TYPE, "{}", "key")))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("'id'");
        assertThat(queue).isEmpty();
    }

    @Test
    @DisplayName("an invalid event fails the future with InvalidEventException and is not sent")
    void invalidFailsAndSendsNothing() throws Exception {
        start();
        CompletableFuture<String> f = rail.publisher().publishAsync(TYPE, "{\"invalid\":true}");
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(InvalidEventException.class).hasMessageContaining("data must not say invalid");
        CompletableFuture<String> undeclared = rail.publisher().publishAsync("io.eventrail.test.undeclared", "{}");
        assertThatThrownBy(() -> undeclared.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(InvalidEventException.class);
        assertThat(queue).as("nothing was sent").isEmpty();
    }

    @Test
    @DisplayName("a publish the broker refuses fails the future with PublishException carrying the event, and frees its place")
    void failureCompletesExceptionally() throws Exception {
        start("eventrail.brokers." + broker + ".publish-timeout", "200ms", "eventrail.publish.max-in-flight", "1");
        fillQueue();
        CompletableFuture<String> f = rail.publisher().publishAsync(TYPE, "{\"n\":1}");
        Throwable failure = catchFailure(f);
        assertThat(failure).isInstanceOf(PublishException.class).hasMessageContaining("is full");
        assertThat(((PublishException) failure).event()).isPresent();
        queue.clear();
        assertThat(rail.publisher().publishAsync(TYPE, "{\"n\":2}").get(5, TimeUnit.SECONDS))
                .as("the failed publish gave its place back (max-in-flight=1)").isNotBlank();
    }

    @Test
    @DisplayName("with when-full=fail, a publish beyond max-in-flight fails at once with PublishBackpressureException, nothing sent")
    void boundFailsFast() throws Exception {
        start("eventrail.publish.max-in-flight", "2", "eventrail.publish.when-full", "fail");
        OverBound o = overBound();
        assertThat(o.third()).isCompletedExceptionally();
        assertThat(o.thirdMillis()).isLessThan(1000);
        Throwable refused = catchFailure(o.third());
        assertThat(refused).isInstanceOf(PublishBackpressureException.class).hasMessageContaining("max-in-flight");
        assertThat(rail.meterRegistry().find("eventrail.events.rejected").tag("eventrail.reason", "backpressure")
                .counter().count()).isEqualTo(1.0);
        assertThat(((PublishException) refused).event()).isPresent();
        // draining delivers exactly the two in flight and the two before them: the refused one was never sent
        List<String> data = drain(4);
        assertThat(o.first().get(5, TimeUnit.SECONDS)).isNotBlank();
        assertThat(o.second().get(5, TimeUnit.SECONDS)).isNotBlank();
        Thread.sleep(200);
        assertThat(queue).as("the refused event was not sent").isEmpty();
        assertThat(data).noneMatch(d -> d.contains("\"n\":3"));
    }

    @Test
    @DisplayName("with when-full=wait, a publish beyond max-in-flight waits for room, then fails after wait-timeout")
    void boundWaitsThenFails() throws Exception {
        start("eventrail.publish.max-in-flight", "2", "eventrail.publish.wait-timeout", "400ms");
        OverBound o = overBound();
        assertThat(o.thirdMillis()).as("the caller waited for room").isGreaterThanOrEqualTo(350);
        assertThat(catchFailure(o.third())).isInstanceOf(PublishBackpressureException.class)
                .hasMessageContaining("wait-timeout");
        assertThat(o.first()).isNotDone();
        assertThat(o.second()).isNotDone();
        drain(4);
        o.first().get(5, TimeUnit.SECONDS);
        o.second().get(5, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("with when-full=wait, a publish that waits goes out as soon as a confirmation makes room")
    void boundWaitsForRoom() throws Exception {
        start("eventrail.publish.max-in-flight", "1", "eventrail.publish.wait-timeout", "10s");
        fillQueue();
        CompletableFuture<String> a = rail.publisher().publishAsync(TYPE, "{\"n\":1}");
        Thread drainer = new Thread(() -> {
            try {
                Thread.sleep(300);
                queue.take(); // room for a, whose confirmation makes room under max-in-flight for b
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        drainer.start();
        long t0 = System.nanoTime();
        CompletableFuture<String> b = rail.publisher().publishAsync(TYPE, "{\"n\":2}");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(250);
        assertThat(a.get(5, TimeUnit.SECONDS)).isNotBlank();
        drainer.join();
        queue.take();
        assertThat(b.get(5, TimeUnit.SECONDS)).isNotBlank();
    }

    @Test
    @DisplayName("events published asynchronously from one thread arrive in the order of the calls, many in flight")
    void orderHoldsWithManyInFlight() throws Exception {
        start("eventrail.publish.max-in-flight", "50");
        int n = 500;
        List<String> seen = new ArrayList<>();
        Thread drainer = new Thread(() -> seen.addAll(drain(n)));
        drainer.start();
        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(rail.publisher().publishAsync(TYPE, "{\"seq\":" + i + "}", "key-1"));
        }
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        drainer.join(30_000);
        assertThat(seen).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(seen.get(i)).isEqualTo("{\"seq\":" + i + "}");
        }
    }

    @Test
    @DisplayName("publishAll refuses the whole batch when one event is invalid, else completes with every id in order")
    void publishAllValidatesFirst() throws Exception {
        start();
        CloudEvent good = CloudEventBuilder.v1().withId("a").withSource(URI.create("urn:t"))
                .withType(TYPE).withData("application/json", "{\"n\":1}".getBytes(StandardCharsets.UTF_8)).build();
        CloudEvent bad = CloudEventBuilder.v1(good).withId("b")
                .withData("application/json", "{\"invalid\":1}".getBytes(StandardCharsets.UTF_8)).build();
        assertThat(catchFailure(rail.publisher().publishAll(List.of(good, bad)))).isInstanceOf(InvalidEventException.class);
        assertThat(queue).as("nothing of the refused batch was sent").isEmpty();
        assertThat(validations).as("both events of the refused batch validated once").hasValue(2);
        CloudEvent second = CloudEventBuilder.v1(good).withId("c").build();
        assertThat(rail.publisher().publishAll(List.of(good, second)).get(5, TimeUnit.SECONDS)).containsExactly("a", "c");
        assertThat(queue).hasSize(2);
        assertThat(validations).as("each sent event validated once, not again when it is sent").hasValue(4);
    }

    /** Two publishes held back by the full queue (in flight), then a third, and how long that third call took. */
    private record OverBound(CompletableFuture<String> first, CompletableFuture<String> second,
                             CompletableFuture<String> third, long thirdMillis) {
    }

    private OverBound overBound() {
        fillQueue();
        CompletableFuture<String> a = rail.publisher().publishAsync(TYPE, "{\"n\":1}");
        CompletableFuture<String> b = rail.publisher().publishAsync(TYPE, "{\"n\":2}");
        long t0 = System.nanoTime();
        CompletableFuture<String> c = rail.publisher().publishAsync(TYPE, "{\"n\":3}");
        return new OverBound(a, b, c, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /** The sends counted under messaging.client.sent.messages. */
    private double sent() {
        return rail.meterRegistry().find("messaging.client.sent.messages").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private List<String> drain(int n) {
        List<String> data = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                MemoryQueues.StoredMessage m = queue.poll(10, TimeUnit.SECONDS);
                if (m == null) {
                    break;
                }
                data.add(new String(m.body(), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return data;
    }

    private static Throwable catchFailure(CompletableFuture<?> f) throws InterruptedException, TimeoutException {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the future did not fail");
    }
}
