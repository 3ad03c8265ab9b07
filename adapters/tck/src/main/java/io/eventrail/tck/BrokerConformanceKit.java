package io.eventrail.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.ConsumerDefinition;
import io.eventrail.Event;
import io.eventrail.EventHandler;
import io.eventrail.EventrailConfigurationException;
import io.eventrail.EventrailSettings;
import io.eventrail.InvalidEventException;
import io.eventrail.PublishException;
import io.eventrail.RetryPolicy;
import io.eventrail.spi.Broker;
import io.eventrail.spi.BrokerAdapter;
import io.eventrail.spi.Capability;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.Destination;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.NoConsumerException;
import io.eventrail.spi.OptionSpec;
import io.eventrail.spi.codec.BinaryHeaderCodec;
import io.eventrail.spi.codec.StructuredJsonCodec;
import io.eventrail.spi.ops.DeadLetterControl;
import io.eventrail.spi.ops.DeadLetterQuery;
import io.eventrail.store.EventStore;
import io.eventrail.store.MemoryEventStore;
import io.eventrail.store.ReplayRequest;
import io.eventrail.store.ReplayResult;
import io.eventrail.tck.internal.DeadLetters;
import io.eventrail.tck.internal.DeadLetters.DeadLetter;
import io.eventrail.tck.internal.Names;
import io.eventrail.tck.internal.Node;
import io.eventrail.tck.internal.Publishing;
import io.eventrail.tck.internal.Recorder;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.apache.camel.util.ObjectHelper;
import org.apache.camel.support.DefaultMessage;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The broker conformance kit: every contract the Eventrail pipeline relies on, proved against one broker
 * adapter. An adapter adopts it by extending this class and implementing {@link #fixture()}; tests that need a
 * {@link Capability} the fixture does not declare are skipped with a message naming it, every other test runs.
 *
 * <p>The fixture is created once per test class (before the first test) and closed after the last. Every test
 * uses fresh destination and group names and its own Camel contexts, which it always stops, so one real broker
 * serves all tests. Every wait is bounded by {@link BrokerFixture#deliveryTimeout()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BrokerConformanceKit {
    /** The broker instance name every kit node uses ({@code eventrail.brokers.tck.*}). */
    protected static final String BROKER = "tck";
    private static final String UNREACHABLE = "tck-unreachable";
    private static final String TYPE = "io.eventrail.tck.created";
    private static final String OTHER_TYPE = "io.eventrail.tck.updated";
    private static final String SCHEMA = "io/eventrail/tck/user-signup.schema.json";
    /** Settings of the contracts that promise "nothing lost": no store for later, so only the broker can keep events. */
    private static final Map<String, String> NO_STORE = Map.of("eventrail.store.type", "none");
    /** The pipeline's counter of messages received from the broker (OpenTelemetry semantic conventions). */
    private static final String CONSUMED_MESSAGES = "messaging.client.consumed.messages";
    /** The pipeline's counter of retries it made itself. */
    private static final String RETRIED = "eventrail.events.retried";

    private static final ObjectMapper JSON =
            new ObjectMapper();

    private BrokerFixture fixture;
    private final List<Node> nodes = new CopyOnWriteArrayList<>();
    /** The contracts that started, and those of them skipped for a capability the adapter does not declare. */
    private final Set<String> reached = ConcurrentHashMap.newKeySet();
    private final Set<String> skipped = ConcurrentHashMap.newKeySet();
    private volatile String current;
    /** One store for later per kit run, shared by its nodes (bound in each node's registry; nothing left on disk). */
    private final EventStore store = new MemoryEventStore(100_000, Clock.systemUTC());

    /**
     * The broker under test. Called once per test class, before its first test; the kit closes it after the
     * last. Must not return null.
     */
    protected abstract BrokerFixture fixture();

    @BeforeAll
    final void openFixture() {
        fixture = Objects.requireNonNull(fixture(), "fixture() returned null");
    }

    /** Remembers which contract runs, for {@link #requires}'s bookkeeping. */
    @BeforeEach
    final void contractStarts(TestInfo test) {
        String contract = test.getTestMethod().map(java.lang.reflect.Method::getName).orElseThrow();
        current = contract;
        reached.add(contract);
    }

    /**
     * Closes the fixture, then fails the kit when the contracts it skipped differ from the fixture's
     * {@link BrokerFixture#skippedContracts() declared} set (among the contracts that ran: a partial run checks only
     * those): a capability that stopped gating, or a contract that began to be skipped, is caught here.
     */
    @AfterAll
    final void closeFixture() throws Exception {
        if (fixture != null) {
            fixture.close();
            Set<String> declared = new TreeSet<>(fixture.skippedContracts());
            declared.retainAll(reached);
            assertThat(new TreeSet<>(skipped)).as("the contracts skipped for this broker (declared in its fixture's"
                    + " skippedContracts())").isEqualTo(declared);
        }
    }

    @AfterEach
    final void stopNodes() {
        List<Node> open = new ArrayList<>(nodes);
        nodes.clear();
        Collections.reverse(open);
        RuntimeException failure = null;
        for (Node n : open) {
            try {
                n.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Publish / subscribe
    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Publish and subscribe: what is published is delivered")
    class PublishSubscribe {

        @ParameterizedTest(name = "{0}")
        @EnumSource(Publishing.class)
        @DisplayName("publish returns the event id after the broker confirmed, and a subscriber receives that event")
        void publishReturnsIdAndSubscriberReceivesEvent(Publishing mode) {
            String dest = Names.fresh("pubsub");
            Recorder rec = new Recorder();
            Node n = pipeline("pubsub", dest, Names.fresh("g"), rec).start();

            String id = mode.publish(n.publisher(), TYPE, "{\"userId\":\"12345\"}", "user-12345");

            assertThat(id).as("publish returns the event id").isNotBlank();
            Event got = rec.await(1, timeout()).get(0);
            assertThat(got.id()).isEqualTo(id);
            assertThat(got.type()).isEqualTo(TYPE);
            assertThat(got.subject()).isEqualTo("user-12345");
            assertThat(got.field("userId")).isEqualTo("12345");
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(Publishing.class)
        @DisplayName("many events published in a row all arrive, each exactly once, with distinct generated ids")
        void manyEventsAllArriveExactlyOnce(Publishing mode) {
            String dest = Names.fresh("many");
            Recorder rec = new Recorder();
            Node n = pipeline("many", dest, Names.fresh("g"), rec).start();

            List<String> ids = mode.publishMany(n.publisher(), TYPE, 100, i -> null);

            assertThat(new HashSet<>(ids)).as("generated ids are distinct").hasSize(100);
            assertReceivedExactly(rec, ids);
        }

        @Test
        @DisplayName("events of two types on one destination are each dispatched to their own type's handler")
        void eventsAreDispatchedByType() {
            String dest = Names.fresh("types");
            Recorder created = new Recorder();
            Recorder updated = new Recorder();
            Node n = node("types").routes(r -> {
                r.type(TYPE).destination(dest);
                r.type(OTHER_TYPE).destination(dest);
                r.consumer(dest).group(Names.fresh("g")).on(TYPE, created).on(OTHER_TYPE, updated);
            }).start();

            String c1 = n.publisher().publish(TYPE, "{\"n\":1}");
            String u1 = n.publisher().publish(OTHER_TYPE, "{\"n\":2}");
            String c2 = n.publisher().publish(TYPE, "{\"n\":3}");

            created.await(2, timeout());
            updated.await(1, timeout());
            quiet();
            assertThat(created.ids()).containsExactlyInAnyOrder(c1, c2);
            assertThat(updated.ids()).containsExactly(u1);
        }

        @Test
        @DisplayName("a pipeline with several concurrent consumers in one instance handles each event exactly once")
        void concurrentConsumersInOneInstanceHandleEachEventOnce() {
            String dest = Names.fresh("concurrent");
            Recorder rec = new Recorder();
            Node n = pipeline("concurrent", Map.of(), dest, Names.fresh("g"), c -> c.concurrency(4), work(rec, 2)).start();

            List<String> ids = publishMany(n, TYPE, 60);

            assertReceivedExactly(rec, ids);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Consumer groups
    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Consumer groups: every group receives every event; the consumers of one group compete")
    class ConsumerGroups {

        @Test
        @DisplayName("every consumer group of a destination receives every event")
        void everyGroupReceivesEveryEvent() {
            requires(Capability.FAN_OUT);
            String dest = Names.fresh("fanout");
            Recorder a = new Recorder();
            Recorder b = new Recorder();
            Recorder c = new Recorder();
            Node n = node("fanout").routes(r -> {
                r.type(TYPE).destination(dest);
                r.consumer(dest).group(Names.fresh("ga")).on(TYPE, a);
                r.consumer(dest).group(Names.fresh("gb")).on(TYPE, b);
                r.consumer(dest).group(Names.fresh("gc")).on(TYPE, c);
            }).start();

            List<String> ids = publishMany(n, TYPE, 20);

            for (Recorder rec : List.of(a, b, c)) {
                rec.await(20, timeout());
            }
            quiet();
            for (Recorder rec : List.of(a, b, c)) {
                assertThat(rec.ids()).containsExactlyInAnyOrderElementsOf(ids);
            }
        }

        @Test
        @DisplayName("groups living in different application instances each receive every event")
        void groupsInOtherInstancesReceiveEveryEvent() {
            requires(Capability.FAN_OUT);
            String dest = Names.fresh("fanout-apps");
            Recorder a = new Recorder();
            Recorder b = new Recorder();
            node("app-a").routes(r -> r.consumer(dest).group(Names.fresh("ga")).on(TYPE, a)).start();
            node("app-b").routes(r -> r.consumer(dest).group(Names.fresh("gb")).on(TYPE, b)).start();
            Node producer = node("producer").routes(r -> r.type(TYPE).destination(dest)).start();

            List<String> ids = publishMany(producer, TYPE, 10);

            a.await(10, timeout());
            b.await(10, timeout());
            quiet();
            assertThat(a.ids()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(b.ids()).containsExactlyInAnyOrderElementsOf(ids);
        }

        @Test
        @DisplayName("two instances in one group together process each event exactly once, and both get a share")
        void consumersOfOneGroupCompete() {
            requires(Capability.COMPETING_CONSUMERS);
            String dest = Names.fresh("compete");
            String group = Names.fresh("g");
            Recorder rec = new Recorder();
            Node a = pipeline("compete-a", dest, group, work(rec, "a", 2)).start();
            node("compete-b").routes(r -> {
                r.type(TYPE).destination(dest);
                r.consumer(dest).group(group).on(TYPE, work(rec, "b", 2));
            }).start();

            // publish in waves until both instances got a share (brokers that assign partitions need a moment)
            List<String> ids = new ArrayList<>();
            // three delivery timeouts: a Kafka rebalance after the second member joins was seen to take over 20 s
            // in a clean CI run on a 2-core machine; the test still fails if b never gets a share
            long deadline = System.nanoTime() + timeout().multipliedBy(3).toNanos();
            // waves are paced (a quiet period apart) so a rebalance that takes seconds still happens within them
            for (int wave = 0; wave < 120 && (rec.count("a") == 0 || rec.count("b") == 0)
                    && System.nanoTime() < deadline; wave++) {
                ids.addAll(publishMany(a, TYPE, 10));
                rec.await(ids.size(), timeout());
                if (rec.count("a") == 0 || rec.count("b") == 0) {
                    quiet();
                }
            }
            quiet();

            assertThat(rec.ids()).as("each event is processed exactly once by the group")
                    .containsExactlyInAnyOrderElementsOf(ids);
            assertThat(rec.count("a")).as("instance a got a share of %s events", ids.size()).isPositive();
            assertThat(rec.count("b")).as("instance b got a share of %s events", ids.size()).isPositive();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // CloudEvents
    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("CloudEvents: every attribute and the data round-trip through the broker unchanged")
    class CloudEvents {

        @Test
        @DisplayName("id, source, type, specversion, time, subject, datacontenttype and dataschema arrive unchanged, data byte for byte")
        void contextAttributesRoundTrip() {
            byte[] data = "{ \"name\" : \"Zo\u00eb \u2603 \ud83d\ude00\",\n  \"amount\": 1.50 }"
                    .getBytes(StandardCharsets.UTF_8);
            CloudEvent sent = CloudEventBuilder.v1()
                    .withId(Names.fresh("id"))
                    .withSource(URI.create("urn:eventrail:tck:" + Names.fresh("src")))
                    .withType(TYPE)
                    .withTime(OffsetDateTime.parse("2024-05-01T12:34:56.789Z"))
                    .withSubject("orders/42")
                    .withDataSchema(URI.create("https://schemas.example.com/tck/created/1.json"))
                    .withData("application/json", data)
                    .build();

            CloudEvent got = roundTrip(sent);

            assertThat(got.getId()).isEqualTo(sent.getId());
            assertThat(got.getSource()).isEqualTo(sent.getSource());
            assertThat(got.getType()).isEqualTo(sent.getType());
            assertThat(got.getSpecVersion()).isEqualTo(SpecVersion.V1);
            assertThat(got.getTime()).as("time").isNotNull();
            assertThat(got.getTime().toInstant()).isEqualTo(sent.getTime().toInstant());
            assertThat(got.getSubject()).isEqualTo("orders/42");
            assertThat(got.getDataContentType()).isEqualTo("application/json");
            assertThat(got.getDataSchema()).isEqualTo(sent.getDataSchema());
            assertThat(got.getData()).as("data").isNotNull();
            assertThat(got.getData().toBytes()).as("data byte for byte").isEqualTo(data);
        }

        @Test
        @DisplayName("extension attributes (trace context and custom ones) arrive unchanged")
        void extensionAttributesRoundTrip() {
            Map<String, String> extensions = new LinkedHashMap<>();
            extensions.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            extensions.put("tracestate", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
            extensions.put("tenant", "acme-eu");
            extensions.put("correlationid", Names.fresh("corr"));
            CloudEventBuilder b = CloudEventBuilder.v1().withId(Names.fresh("id"))
                    .withSource(URI.create("urn:eventrail:tck")).withType(TYPE)
                    .withData("application/json", "{}".getBytes(StandardCharsets.UTF_8));
            extensions.forEach(b::withExtension);

            CloudEvent got = roundTrip(b.build());

            assertThat(got.getExtensionNames()).containsAll(extensions.keySet());
            extensions.forEach((name, value) -> assertThat(String.valueOf(got.getExtension(name)))
                    .as("extension %s", name).isEqualTo(value));
        }

        @Test
        @DisplayName("binary data that is not JSON or UTF-8 arrives byte for byte")
        void binaryDataRoundTrips() {
            byte[] data = new byte[512];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 7);
            }
            CloudEvent sent = CloudEventBuilder.v1().withId(Names.fresh("id"))
                    .withSource(URI.create("urn:eventrail:tck")).withType(TYPE)
                    .withData("application/octet-stream", data).build();

            CloudEvent got = roundTrip(sent);

            assertThat(got.getDataContentType()).isEqualTo("application/octet-stream");
            assertThat(got.getData().toBytes()).isEqualTo(data);
        }

        @Test
        @DisplayName("an event published by type and data arrives with a generated id, a source, a time and a JSON content type")
        void publisherFillsRequiredAttributes() {
            String dest = Names.fresh("attrs");
            Recorder rec = new Recorder();
            Node n = pipeline("attrs", dest, Names.fresh("g"), rec).start();
            Instant before = Instant.now().minusSeconds(1);

            String id = n.publisher().publish(TYPE, Map.of("userId", "12345"));

            Event got = rec.await(1, timeout()).get(0);
            assertThat(got.id()).isEqualTo(id);
            assertThat(got.source()).isNotNull();
            assertThat(got.source().toString()).isNotEmpty();
            assertThat(got.time()).isNotNull();
            assertThat(got.time().toInstant()).isBetween(before, Instant.now().plusSeconds(1));
            assertThat(got.dataContentType()).isEqualTo("application/json");
            assertThat(got.cloudEvent().getSpecVersion()).isEqualTo(SpecVersion.V1);
            assertThat(got.field("userId")).isEqualTo("12345");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Publish confirmation
    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Publish confirmation: a publish that returned is kept by the broker; one that was not confirmed raises")
    class PublishConfirmation {

        @Test
        @DisplayName("an event published to a provisioned group before its consumer starts is delivered once it starts")
        void provisionedGroupReceivesEventsPublishedBeforeItStarts() {
            String dest = Names.fresh("confirm");
            String pipeline = Names.fresh("p");
            Recorder rec = new Recorder();
            // no store for later: the broker itself must keep what it confirmed until the group consumes it
            Node n = pipeline("confirm", Map.of("eventrail.pipelines." + pipeline + ".enabled", "false",
                    "eventrail.store.type", "none"), dest, Names.fresh("g"), c -> c.id(pipeline), rec).start();
            assertThat(n.routeStatus(consumeRoute(pipeline))).as("consumer not started yet")
                    .isNotEqualTo(ServiceStatus.Started);

            List<String> ids = publishMany(n, TYPE, 3);
            n.startRoute(consumeRoute(pipeline));

            assertReceivedExactly(rec, ids);
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(Publishing.class)
        @DisplayName("a publish the broker cannot confirm raises PublishException within the delivery timeout")
        void unconfirmedPublishRaises(Publishing mode) {
            String dest = Names.fresh("unreachable");
            Node n = new Node(Names.fresh("unreachable"), UNREACHABLE,
                    properties(fixture.unreachableBrokerProperties(UNREACHABLE), UNREACHABLE, Map.of()), timeout());
            nodes.add(n);
            n.routes(r -> r.type(TYPE).destination(dest)).start();

            Throwable thrown = assertTimeoutPreemptively(timeout(), () -> {
                try {
                    mode.publish(n.publisher(), TYPE, "{\"n\":1}");
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            }, "publish to an unreachable broker must fail within the delivery timeout");

            assertThat(thrown).as("publish to an unreachable broker raises").isInstanceOf(PublishException.class);
            assertThat(((PublishException) thrown).eventId()).isNotBlank();
            assertThat(ObjectHelper.getException(NoConsumerException.class, thrown))
                    .as("an unreachable broker is not a missing consumer").isNull();
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(Publishing.class)
        @DisplayName("without a store for later, a publish to a destination no consumer group receives raises PublishException caused by NoConsumerException")
        void publishWithoutConsumerRaises(Publishing mode) {
            requires(Capability.DETECTS_NO_CONSUMER);
            String dest = Names.fresh("nobody");
            Node n = node("nobody", Map.of("eventrail.store.type", "none")).routes(r -> r.type(TYPE).destination(dest)).start();

            assertNoConsumerOutcome(dest, () -> mode.publish(n.publisher(), TYPE, "{\"n\":1}"));
        }

        @Test
        @DisplayName("a group that subscribes late still receives events published before it first started")
        void lateGroupReceivesEarlierEvents() {
            requires(Capability.RETAINS_FOR_LATE_GROUPS);
            String dest = Names.fresh("late");
            Recorder early = new Recorder();
            Recorder late = new Recorder();
            Node first = pipeline("early", dest, Names.fresh("early"), early).start();
            List<String> ids = publishMany(first, TYPE, 3);
            early.await(3, timeout());

            node("late").routes(r -> r.consumer(dest).group(Names.fresh("late")).on(TYPE, late)).start();

            late.await(3, timeout());
            assertThat(late.ids()).containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Validation
    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Validation: an invalid event is refused to its publisher and dead-lettered by its consumer, never handled")
    class Validation {

        @ParameterizedTest(name = "{0}")
        @EnumSource(Publishing.class)
        @DisplayName("an invalid event is refused with InvalidEventException listing every violation, and is never delivered")
        void invalidEventIsRefusedWithEveryViolation(Publishing mode) {
            String dest = Names.fresh("invalid");
            Recorder rec = new Recorder();
            Node n = node("invalid").routes(r -> {
                r.type(TYPE).destination(dest).validator(BrokerConformanceKit::requireUserIdAndEmail);
                r.consumer(dest).group(Names.fresh("g")).on(TYPE, rec);
            }).start();

            assertThatThrownBy(() -> mode.publish(n.publisher(), TYPE, "{\"name\":\"x\"}"))
                    .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                        assertThat(e.violations()).hasSizeGreaterThanOrEqualTo(2);
                        assertThat(e.violations()).anyMatch(v -> v.contains("userId"));
                        assertThat(e.violations()).anyMatch(v -> v.contains("email"));
                        assertThat(e.getMessage()).contains("userId").contains("email");
                    });
            String valid = mode.publish(n.publisher(), TYPE, "{\"userId\":\"1\",\"email\":\"a@example.com\"}");

            rec.await(1, timeout());
            quiet();
            assertThat(rec.ids()).as("only the valid event is delivered").containsExactly(valid);
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(Publishing.class)
        @DisplayName("an event violating its JSON Schema is refused listing every schema violation")
        void schemaViolationsAreAllListed(Publishing mode) {
            String dest = Names.fresh("schema");
            Node n = node("schema").routes(r -> r.type(TYPE).destination(dest).schema(SCHEMA)).start();

            assertThatThrownBy(() -> mode.publish(n.publisher(), TYPE, "{\"userId\":12345}"))
                    .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                        assertThat(e.violations()).hasSizeGreaterThanOrEqualTo(2);
                        assertThat(e.violations()).anyMatch(v -> v.contains("userId"));
                        assertThat(e.violations()).anyMatch(v -> v.contains("email"));
                    });
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(Publishing.class)
        @DisplayName("a publish of an undeclared event type is refused naming the type")
        void undeclaredTypeIsRefused(Publishing mode) {
            String dest = Names.fresh("undeclared");
            Node n = node("undeclared").routes(r -> r.type(TYPE).destination(dest)).start();

            assertThatThrownBy(() -> mode.publish(n.publisher(), "io.eventrail.tck.undeclared", "{}"))
                    .isInstanceOf(InvalidEventException.class).hasMessageContaining("io.eventrail.tck.undeclared");
        }

        @ParameterizedTest(name = "{0}")
        @EnumSource(Publishing.class)
        @DisplayName("hostile data (10,000 levels of nesting) is refused with a clear violation, not a crash")
        void deeplyNestedDataIsRefused(Publishing mode) {
            String dest = Names.fresh("hostile");
            Node n = node("hostile").routes(r -> r.type(TYPE).destination(dest)).start();
            String nested = "[".repeat(10_000) + "]".repeat(10_000);

            assertThatThrownBy(() -> mode.publish(n.publisher(), TYPE, nested))
                    .isInstanceOfSatisfying(InvalidEventException.class,
                            e -> assertThat(e.violations()).isNotEmpty());
        }

        @Test
        @DisplayName("an invalid event sent by a foreign producer is dead-lettered with reason=invalid and attempts=0, never handled")
        void foreignInvalidEventIsDeadLettered() {
            String dest = Names.fresh("foreign");
            String group = Names.fresh("g");
            Recorder rec = new Recorder();
            Node n = node("foreign").routes(r -> {
                r.type(TYPE).destination(dest).validator(BrokerConformanceKit::requireUserIdAndEmail);
                r.consumer(dest).group(group).on(TYPE, rec);
            });
            DeadLetters dlq = startReadingDeadLetters(n, dest, group);
            byte[] data = "{\"name\":\"no user id\"}".getBytes(StandardCharsets.UTF_8);
            CloudEvent invalid = CloudEventBuilder.v1().withId(Names.fresh("id"))
                    .withSource(URI.create("urn:foreign:producer")).withType(TYPE)
                    .withData("application/json", data).build();

            sendRaw(n, dest, m -> n.broker().codec().encode(invalid, m));

            DeadLetter dl = dlq.awaitOne(timeout());
            assertThat(dl.reason()).isEqualTo(DeadLetterHeaders.REASON_INVALID);
            assertThat(dl.attempts()).isEqualTo("0");
            assertThat(dl.header(DeadLetterHeaders.EXCEPTION_MESSAGE)).contains("userId");
            assertThat(n.broker().codec().decode(message(n, dl)).getData().toBytes()).isEqualTo(data);
            quiet();
            assertThat(rec.events()).as("the handler is never called").isEmpty();
        }

        @Test
        @DisplayName("a message without the event id and type is dead-lettered with reason=invalid, payload byte for byte")
        void messageWithoutIdAndTypeIsDeadLettered() {
            String dest = Names.fresh("malformed");
            String group = Names.fresh("g");
            Recorder rec = new Recorder();
            Node n = pipeline("malformed", dest, group, rec);
            DeadLetters dlq = startReadingDeadLetters(n, dest, group);
            CloudEvent event = CloudEventBuilder.v1().withId(Names.fresh("id"))
                    .withSource(URI.create("urn:foreign:producer")).withType(TYPE)
                    .withData("application/json", "{\"n\":1}".getBytes(StandardCharsets.UTF_8)).build();
            byte[][] sentBody = new byte[1][];

            sendRaw(n, dest, m -> {
                withoutIdAndType(n.broker().codec(), event, m);
                sentBody[0] = m.getBody(byte[].class);
            });

            DeadLetter dl = dlq.awaitOne(timeout());
            assertThat(dl.reason()).isEqualTo(DeadLetterHeaders.REASON_INVALID);
            assertThat(dl.attempts()).isEqualTo("0");
            assertThat(dl.header(DeadLetterHeaders.EXCEPTION_MESSAGE)).contains("id").contains("type");
            assertThat(dl.body()).as("original payload byte for byte").isEqualTo(sentBody[0]);
            quiet();
            assertThat(rec.events()).isEmpty();
        }

        @Test
        @DisplayName("bytes that are no event at all are dead-lettered with reason=invalid, payload byte for byte")
        void garbageIsDeadLettered() {
            String dest = Names.fresh("garbage");
            String group = Names.fresh("g");
            Recorder rec = new Recorder();
            Node n = pipeline("garbage", dest, group, rec);
            DeadLetters dlq = startReadingDeadLetters(n, dest, group);
            byte[] garbage = {'{', 'n', 'o', 't', ' ', 0x01, (byte) 0xff, '\n', 'j', 's', 'o', 'n'};

            sendRaw(n, dest, m -> m.setBody(garbage));

            DeadLetter dl = dlq.awaitOne(timeout());
            assertThat(dl.reason()).isEqualTo(DeadLetterHeaders.REASON_INVALID);
            assertThat(dl.attempts()).isEqualTo("0");
            assertThat(dl.body()).isEqualTo(garbage);
            quiet();
            assertThat(rec.events()).isEmpty();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Retry and dead letter
    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Retry and dead letter: a failing handler is retried, then its event is dead-lettered intact")
    class RetryAndDeadLetter {

        @Test
        @DisplayName("a handler that fails once and then succeeds has exactly one effect")
        void failOnceThenSucceedGivesOneEffect() {
            // an Exception: the pipeline retries it
            assertOneEffectAfterFirstCallFails("retry", () -> new IllegalStateException("first attempt fails"));
        }

        @Test
        @DisplayName("a delivery whose processing crashed is not acknowledged: the broker delivers it again and it has one effect")
        void crashedDeliveryIsRedeliveredByTheBroker() {
            // an Error: the pipeline does not retry it, the exchange fails and the broker must redeliver
            Node n = assertOneEffectAfterFirstCallFails("crash", SimulatedCrash::new);
            assertThat(n.counter(CONSUMED_MESSAGES)).as("consumed twice: the broker delivered it again").isEqualTo(2.0);
            assertThat(n.counter(RETRIED)).as("retried zero times by the pipeline").isZero();
        }

        /** Runs one event whose first handler call fails with {@code failure}; returns the node, stopped later by the kit. */
        private Node assertOneEffectAfterFirstCallFails(String label, Supplier<Throwable> failure) {
            String dest = Names.fresh(label);
            Recorder rec = new Recorder();
            AtomicInteger calls = new AtomicInteger();
            Node n = pipeline(label, dest, Names.fresh("g"), e -> {
                if (calls.incrementAndGet() == 1) {
                    Throwable t = failure.get();
                    if (t instanceof Error error) {
                        throw error;
                    }
                    throw (RuntimeException) t;
                }
                rec.handle(e);
            }).start();

            String id = n.publisher().publish(TYPE, "{\"n\":1}");

            rec.await(1, timeout());
            quiet();
            assertThat(rec.ids()).containsExactly(id);
            assertThat(calls).as("called twice: the failure, then the success").hasValue(2);
            return n;
        }

        @Test
        @DisplayName("a handler that throws an Error on every attempt is dead-lettered with reason=crashed after the retry budget, and the next event of the stream is handled")
        void crashOnEveryAttemptIsDeadLettered() {
            // the framework's default budget (the kit sets back-offs, not attempts): each crashed delivery goes back to
            // the broker, the pipeline counts them across its redeliveries
            int budget = RetryPolicy.DEFAULT.maxAttempts();
            String dest = Names.fresh("crashed");
            String group = Names.fresh("g");
            Recorder rec = new Recorder();
            AtomicInteger crashes = new AtomicInteger();
            Node n = pipeline("crashed", Map.of(), dest, group, c -> c.concurrency(1), e -> {
                if (e.json().path("poison").asBoolean()) {
                    crashes.incrementAndGet();
                    throw new SimulatedCrash("password=" + e.id() + " \u0007 stack too deep");
                }
                rec.handle(e);
            });
            DeadLetters dlq = startReadingDeadLetters(n, dest, group);
            Instant before = Instant.now().minusSeconds(1);

            String poison = n.publisher().publish(TYPE, "{\"poison\":true}", "key-1");
            String next = n.publisher().publish(TYPE, "{\"poison\":false}", "key-1");

            DeadLetter dl = dlq.awaitOne(timeout());
            rec.await(1, timeout());
            quiet();
            assertThat(crashes).as("handler executions of the poison event: the retry budget").hasValue(budget);
            assertThat(rec.ids()).as("the next event of the stream").containsExactly(next);
            assertThat(dlq.received()).as("one dead letter").hasSize(1);
            assertThat(n.broker().codec().decode(message(n, dl)).getId()).isEqualTo(poison);
            assertThat(dl.headers()).containsKeys(DeadLetterHeaders.all().toArray(String[]::new));
            assertThat(dl.reason()).isEqualTo(DeadLetterHeaders.REASON_CRASHED);
            assertThat(dl.attempts()).isEqualTo(Integer.toString(budget));
            assertThat(dl.header(DeadLetterHeaders.ORIGINAL_DESTINATION)).isEqualTo(dest);
            assertThat(dl.header(DeadLetterHeaders.CONSUMER_GROUP)).isEqualTo(group);
            assertThat(dl.header(DeadLetterHeaders.EXCEPTION_CLASS)).isEqualTo(SimulatedCrash.class.getName());
            assertThat(dl.header(DeadLetterHeaders.EXCEPTION_MESSAGE)).as("sanitized")
                    .contains("stack too deep").doesNotContain(poison).doesNotContain("\u0007");
            Instant first = Instant.parse(dl.header(DeadLetterHeaders.FIRST_FAILURE_TIME));
            Instant last = Instant.parse(dl.header(DeadLetterHeaders.LAST_FAILURE_TIME));
            assertThat(first).isAfter(before).isBeforeOrEqualTo(last);
        }

        @Test
        @DisplayName("an event whose handler always fails is dead-lettered after exactly N attempts, payload byte for byte, every standard header set")
        void deadLetterAfterExactlyNAttempts() {
            String dest = Names.fresh("dlq");
            String group = Names.fresh("g");
            AtomicInteger calls = new AtomicInteger();
            Node n = pipeline("dlq", Map.of(), dest, group, c -> c.retry(p -> p.withMaxAttempts(4)), e -> {
                calls.incrementAndGet();
                throw new IllegalStateException("boom " + e.id());
            });
            DeadLetters dlq = startReadingDeadLetters(n, dest, group);
            byte[] data = "{ \"order\" : 42,\n \"note\": \"\u00e9t\u00e9\" }".getBytes(StandardCharsets.UTF_8);
            Instant before = Instant.now().minusSeconds(1);

            String id = n.publisher().publish(CloudEventBuilder.v1().withId(Names.fresh("id"))
                    .withSource(URI.create("urn:eventrail:tck")).withType(TYPE)
                    .withData("application/json", data).build());

            DeadLetter dl = dlq.awaitOne(timeout());
            quiet();
            assertThat(calls).as("handler attempts").hasValue(4);
            assertThat(dlq.received()).as("one dead letter").hasSize(1);
            if (!(n.broker().codec() instanceof StructuredJsonCodec)) {
                // binary mode: the payload is the data; structured mode: the payload is the envelope (checked below)
                assertThat(dl.body()).as("original payload byte for byte").isEqualTo(data);
            }
            assertThat(dl.headers()).containsKeys(DeadLetterHeaders.all().toArray(String[]::new));
            assertThat(dl.header(DeadLetterHeaders.ORIGINAL_DESTINATION)).isEqualTo(dest);
            assertThat(dl.header(DeadLetterHeaders.CONSUMER_GROUP)).isEqualTo(group);
            assertThat(dl.reason()).isEqualTo(DeadLetterHeaders.REASON_FAILED);
            assertThat(dl.attempts()).isEqualTo("4");
            assertThat(dl.header(DeadLetterHeaders.EXCEPTION_CLASS)).isEqualTo(IllegalStateException.class.getName());
            assertThat(dl.header(DeadLetterHeaders.EXCEPTION_MESSAGE)).isEqualTo("boom " + id);
            Instant first = Instant.parse(dl.header(DeadLetterHeaders.FIRST_FAILURE_TIME));
            Instant last = Instant.parse(dl.header(DeadLetterHeaders.LAST_FAILURE_TIME));
            assertThat(first).isAfter(before).isBeforeOrEqualTo(last);
            assertThat(last).isBefore(Instant.now().plusSeconds(1));
            CloudEvent original = n.broker().codec().decode(message(n, dl));
            assertThat(original.getId()).as("the event's own headers travel with the dead letter").isEqualTo(id);
            assertThat(original.getType()).isEqualTo(TYPE);
            assertThat(original.getData().toBytes()).as("the event's data byte for byte").isEqualTo(data);
        }

        @Test
        @DisplayName("eventrail.pipelines.<id>.retry.max-attempts overrides the attempts the DSL declared")
        void retryAttemptsComeFromSettings() {
            String dest = Names.fresh("dlq-settings");
            String group = Names.fresh("g");
            String pipeline = Names.fresh("p");
            AtomicInteger calls = new AtomicInteger();
            Node n = pipeline("dlq-settings", Map.of("eventrail.pipelines." + pipeline + ".retry.max-attempts", "2"),
                    dest, group, c -> c.id(pipeline).retry(p -> p.withMaxAttempts(5)), e -> {
                        calls.incrementAndGet();
                        throw new IllegalStateException("always fails");
                    });
            DeadLetters dlq = startReadingDeadLetters(n, dest, group);

            n.publisher().publish(TYPE, "{\"n\":1}");

            DeadLetter dl = dlq.awaitOne(timeout());
            quiet();
            assertThat(dl.attempts()).isEqualTo("2");
            assertThat(calls).hasValue(2);
        }

        @Test
        @DisplayName("a non-retryable exception dead-letters the event after one attempt")
        void nonRetryableFailureIsDeadLetteredAtOnce() {
            String dest = Names.fresh("nonretry");
            String group = Names.fresh("g");
            AtomicInteger calls = new AtomicInteger();
            Node n = pipeline("nonretry", Map.of(), dest, group,
                    c -> c.retry(p -> p.withMaxAttempts(5).withNonRetryable(IllegalArgumentException.class)), e -> {
                        calls.incrementAndGet();
                        throw new IllegalArgumentException("bad order");
                    });
            DeadLetters dlq = startReadingDeadLetters(n, dest, group);

            n.publisher().publish(TYPE, "{\"n\":1}");

            DeadLetter dl = dlq.awaitOne(timeout());
            quiet();
            assertThat(calls).hasValue(1);
            assertThat(dl.attempts()).isEqualTo("1");
            assertThat(dl.reason()).isEqualTo(DeadLetterHeaders.REASON_FAILED);
            assertThat(dl.header(DeadLetterHeaders.EXCEPTION_CLASS)).isEqualTo(IllegalArgumentException.class.getName());
        }

        @Test
        @DisplayName("the stream keeps flowing past a poison event: later events are handled, the poison one dead-lettered")
        void streamFlowsPastPoisonEvent() {
            String dest = Names.fresh("poison");
            String group = Names.fresh("g");
            Recorder rec = new Recorder();
            Node n = pipeline("poison", Map.of(), dest, group, c -> c.concurrency(1).retry(p -> p.withMaxAttempts(2)),
                    e -> {
                        if (e.json().path("poison").asBoolean()) {
                            throw new IllegalStateException("poison");
                        }
                        rec.handle(e);
                    });
            DeadLetters dlq = startReadingDeadLetters(n, dest, group);

            String poison = n.publisher().publish(TYPE, "{\"poison\":true}", "key-1");
            List<String> good = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                good.add(n.publisher().publish(TYPE, "{\"poison\":false,\"seq\":" + i + "}", "key-1"));
            }

            rec.await(5, timeout());
            DeadLetter dl = dlq.awaitOne(timeout());
            assertThat(rec.ids()).containsExactlyInAnyOrderElementsOf(good);
            assertThat(n.broker().codec().decode(message(n, dl)).getId()).isEqualTo(poison);
        }

        @Test
        @DisplayName("secrets in an exception message are masked in the dead letter")
        void secretsAreMaskedInDeadLetters() {
            String dest = Names.fresh("secret-dlq");
            String group = Names.fresh("g");
            String secret = Names.fresh("hunter2");
            Node n = pipeline("secret-dlq", Map.of(), dest, group, c -> c.retry(p -> p.withMaxAttempts(1)), e -> {
                throw new IllegalStateException("login failed with password=" + secret + " for user bob");
            });
            DeadLetters dlq = startReadingDeadLetters(n, dest, group);

            n.publisher().publish(TYPE, "{\"n\":1}");

            DeadLetter dl = dlq.awaitOne(timeout());
            assertThat(dl.header(DeadLetterHeaders.EXCEPTION_MESSAGE)).contains("login failed").doesNotContain(secret);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Dead-letter replay
    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Dead-letter replay: a replayed dead letter reaches only the group that dead-lettered it")
    class DeadLetterReplay {

        @Test
        @DisplayName("a replayed dead letter runs the handler of the group that dead-lettered it once more")
        void replayReachesTheGroupThatDeadLetteredIt() {
            String dest = Names.fresh("replay-own");
            String group = Names.fresh("g");
            AtomicBoolean failing = new AtomicBoolean(true);
            Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
            Recorder rec = new Recorder();
            Node n = pipeline("replay-own", Map.of(), dest, group, c -> c.retry(p -> p.withMaxAttempts(2)),
                    failingUntilCleared(failing, runs, rec)).start();

            String id = n.publisher().publish(TYPE, "{\"n\":1}", "key-1");
            io.eventrail.spi.ops.DeadLetter dl = awaitDeadLetter(n, dest, group);
            failing.set(false);
            replay(n, dl);

            rec.await(1, timeout());
            quiet();
            assertThat(rec.ids()).as("the replay handled once").containsExactly(id);
            assertThat(runs.get(id)).as("handler executions: 2 failed attempts, then the replay").hasValue(3);
            assertThat(deadLetterControl(n).deadLetter(dl.id())).as("the replayed dead letter removed").isEmpty();
        }

        @Test
        @DisplayName("the other groups of the destination, which handled the event, never receive the replay")
        void replayReachesOnlyTheGroupThatDeadLetteredIt() {
            requires(Capability.FAN_OUT);
            String dest = Names.fresh("replay-group");
            String failingGroup = Names.fresh("ga");
            String otherGroup = Names.fresh("gb");
            AtomicBoolean failing = new AtomicBoolean(true);
            Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
            Recorder rec = new Recorder();
            Recorder other = new Recorder();
            Node n = node("replay-group").routes(r -> {
                r.type(TYPE).destination(dest);
                r.consumer(dest).group(failingGroup).retry(p -> p.withMaxAttempts(2))
                        .on(TYPE, failingUntilCleared(failing, runs, rec));
                // not idempotent: a replay reaching this group would run its handler again, never hidden as a duplicate
                r.consumer(dest).group(otherGroup).notIdempotent().on(TYPE, other);
            }).start();

            String id = n.publisher().publish(TYPE, "{\"n\":1}", "key-1");
            other.await(1, timeout());
            io.eventrail.spi.ops.DeadLetter dl = awaitDeadLetter(n, dest, failingGroup);
            failing.set(false);
            replay(n, dl);
            // published after the replay with the same key: where the replay shares the other group's stream (one
            // partition), the other group has read past the replay once it handled this one
            String after = n.publisher().publish(TYPE, "{\"n\":2}", "key-1");

            rec.await(2, timeout());
            other.await(2, timeout());
            quiet();
            assertThat(rec.ids()).as("the group that dead-lettered it handles the replay")
                    .containsExactlyInAnyOrder(id, after);
            assertThat(other.ids()).as("the other group handled each event once, never the replay")
                    .containsExactlyInAnyOrder(id, after);
        }

        /** Fails every call while {@code failing} is set; counts executions per id; records successes. */
        private EventHandler failingUntilCleared(AtomicBoolean failing, Map<String, AtomicInteger> runs, Recorder rec) {
            return e -> {
                runs.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
                if (failing.get()) {
                    throw new IllegalStateException("fails until cleared");
                }
                rec.handle(e);
            };
        }

        private DeadLetterControl deadLetterControl(Node n) {
            assumeTrue(n.broker() instanceof DeadLetterControl,
                    "skipped: the broker does not offer dead-letter control");
            return (DeadLetterControl) n.broker();
        }

        /** The one dead letter of {@code group} on {@code dest}, read without consuming it. */
        private io.eventrail.spi.ops.DeadLetter awaitDeadLetter(Node n, String dest, String group) {
            DeadLetterControl control = deadLetterControl(n);
            DeadLetterQuery query = new DeadLetterQuery(dest, group, null,
                    null, null, null, 10);
            List<io.eventrail.spi.ops.DeadLetter> found = new ArrayList<>();
            eventually("the dead letter of group " + group).until(() -> {
                found.clear();
                found.addAll(control.deadLetters(query));
                return !found.isEmpty();
            });
            assertThat(found).as("one dead letter").hasSize(1);
            return found.get(0);
        }

        /** Replays {@code dl} as the control plane does: decoded, sent back to its group, then removed. */
        private void replay(Node n, io.eventrail.spi.ops.DeadLetter dl) {
            Message m = new DefaultMessage(n.context());
            m.setBody(dl.payload());
            m.getHeaders().putAll(dl.eventHeaders());
            CloudEvent event = n.broker().codec().decode(m);
            n.eventrail().replays().deadLetter(event, BROKER, dl.destination(), dl.group(), dl.id());
            assertThat(deadLetterControl(n).removeDeadLetter(dl.id())).as("the replayed dead letter removed").isTrue();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Idempotency
    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Idempotency: one effect per event (source and id) per consumer group")
    class Idempotency {

        @Test
        @DisplayName("the same event published twice has one effect and is counted as a duplicate")
        void sameEventTwiceHasOneEffect() {
            String dest = Names.fresh("dup");
            String group = Names.fresh("g");
            Recorder rec = new Recorder();
            Node n = pipeline("dup", dest, group, rec).start();
            CloudEvent event = event(Names.fresh("id"), "urn:eventrail:tck:dup");

            n.publisher().publish(event);
            n.publisher().publish(event);

            rec.await(1, timeout());
            if (!has(Capability.FIFO_DEDUP)) {
                // the broker delivers both; the pipeline must recognise the second
                eventually("eventrail.events.duplicates of group " + group + " to reach 1")
                        .until(() -> n.counter("eventrail.events.duplicates", "messaging.consumer.group.name", group) >= 1);
            }
            quiet();
            assertThat(rec.ids()).containsExactly(event.getId());
            if (!has(Capability.FIFO_DEDUP)) {
                assertThat(n.counter("eventrail.events.duplicates", "messaging.consumer.group.name", group)).isEqualTo(1.0);
            }
        }

        @Test
        @DisplayName("the same event published twice has one effect in each of two groups")
        void sameEventTwiceHasOneEffectPerGroup() {
            requires(Capability.FAN_OUT);
            String dest = Names.fresh("dup-groups");
            Recorder a = new Recorder();
            Recorder b = new Recorder();
            Node n = node("dup-groups").routes(r -> {
                r.type(TYPE).destination(dest);
                r.consumer(dest).group(Names.fresh("ga")).on(TYPE, a);
                r.consumer(dest).group(Names.fresh("gb")).on(TYPE, b);
            }).start();
            CloudEvent event = event(Names.fresh("id"), "urn:eventrail:tck:dup");

            n.publisher().publish(event);
            n.publisher().publish(event);

            a.await(1, timeout());
            b.await(1, timeout());
            if (!has(Capability.FIFO_DEDUP)) {
                eventually("both groups to count the duplicate")
                        .until(() -> n.counter("eventrail.events.duplicates") >= 2);
            }
            quiet();
            assertThat(a.ids()).containsExactly(event.getId());
            assertThat(b.ids()).containsExactly(event.getId());
        }

        @Test
        @DisplayName("events with the same id from two different sources are two events, each with its effect")
        void sameIdFromTwoSourcesIsTwoEvents() {
            String dest = Names.fresh("dup-sources");
            Recorder rec = new Recorder();
            Node n = pipeline("dup-sources", dest, Names.fresh("g"), rec).start();
            String id = Names.fresh("id");

            n.publisher().publish(event(id, "urn:eventrail:tck:source-a"));
            n.publisher().publish(event(id, "urn:eventrail:tck:source-b"));

            List<Event> got = rec.await(2, timeout());
            quiet();
            assertThat(rec.events()).hasSize(2);
            assertThat(got).extracting(e -> e.source().toString())
                    .containsExactlyInAnyOrder("urn:eventrail:tck:source-a", "urn:eventrail:tck:source-b");
        }

        @Test
        @DisplayName("the broker drops a second message with the same deduplication id before it reaches the group")
        void brokerDropsDuplicateMessages() {
            requires(Capability.FIFO_DEDUP);
            String dest = Names.fresh("fifo");
            String group = Names.fresh("g");
            Recorder rec = new Recorder();
            Node n = pipeline("fifo", dest, group, rec).start();
            CloudEvent event = event(Names.fresh("id"), "urn:eventrail:tck:fifo");

            n.publisher().publish(event);
            n.publisher().publish(event);

            rec.await(1, timeout());
            quiet();
            assertThat(rec.ids()).containsExactly(event.getId());
            assertThat(n.counter("messaging.client.consumed.messages", "messaging.consumer.group.name", group))
                    .as("the group received the message once").isEqualTo(1.0);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Unhandled types
    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Unhandled types: an event no handler of the group knows is kept with its reason, never dropped silently")
    class UnhandledTypes {

        @Test
        @DisplayName("an event of a type the group has no handler for is kept in the store for later with reason=no-handler, and later events still flow")
        void eventWithoutHandlerIsKept() {
            String dest = Names.fresh("nohandler");
            String group = Names.fresh("g");
            Recorder rec = new Recorder();
            Node n = unhandledPipeline("nohandler", Map.of(), dest, group, rec).start();

            String unhandled = n.publisher().publish(OTHER_TYPE, "{\"n\":1}");
            String handled = n.publisher().publish(TYPE, "{\"n\":2}");

            rec.await(1, timeout());
            EventStore.StoredEvent kept = awaitKept(n, EventStore.Query.all().withDestination(dest), 1).get(0);
            assertThat(kept.reason()).isEqualTo(EventStore.Reason.NO_HANDLER);
            assertThat(kept.group()).isEqualTo(group);
            assertThat(kept.type()).isEqualTo(OTHER_TYPE);
            assertThat(kept.event().getId()).isEqualTo(unhandled);
            assertThat(kept.event().getData().toBytes()).isEqualTo("{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            assertThat(rec.ids()).containsExactly(handled);
        }

        @Test
        @DisplayName("without a store for later (eventrail.store.type=none) it is dead-lettered with reason=no-handler and attempts=0")
        void eventWithoutHandlerIsDeadLetteredWithoutStore() {
            String dest = Names.fresh("nohandler-dl");
            String group = Names.fresh("g");
            Recorder rec = new Recorder();
            Node n = unhandledPipeline("nohandler-dl", Map.of("eventrail.store.type", "none"), dest, group, rec);
            DeadLetters letters = startReadingDeadLetters(n, dest, group);

            String unhandled = n.publisher().publish(OTHER_TYPE, "{\"n\":1}");

            DeadLetter dl = letters.awaitOne(timeout());
            assertThat(dl.reason()).isEqualTo(DeadLetterHeaders.REASON_NO_HANDLER);
            assertThat(dl.attempts()).isEqualTo("0");
            assertThat(n.broker().codec().decode(message(n, dl)).getId()).isEqualTo(unhandled);
            assertThat(rec.ids()).isEmpty();
        }
    }

    /** A node publishing {@link #TYPE} and {@link #OTHER_TYPE} to {@code dest}; {@code group} handles only {@link #TYPE}. */
    private Node unhandledPipeline(String label, Map<String, String> extra, String dest, String group, EventHandler handler) {
        return node(label, extra).routes(r -> {
            r.type(TYPE).destination(dest);
            r.type(OTHER_TYPE).destination(dest);
            r.consumer(dest).group(group).on(TYPE, handler);
        });
    }

    /** Waits until the node's store for later holds {@code count} events matching {@code query}; returns them. */
    private List<EventStore.StoredEvent> awaitKept(Node n, EventStore.Query query, int count) {
        EventStore store = n.eventrail().eventStore().orElseThrow(() -> new AssertionError("no store for later"));
        eventually("store for later holding " + count + " event(s)")
                .until(() -> store.count(query) >= count);
        List<EventStore.StoredEvent> kept = store.find(query, count + 10);
        assertThat(kept).hasSize(count);
        return kept;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Store for later
    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Store for later: what no consumer can take yet is kept with its reason and replayed through the pipeline, once")
    class StoreForLater {

        @Test
        @DisplayName("a publish no consumer group receives returns its id and the event is kept with reason=no-consumer, envelope intact")
        void noConsumerEventIsKept() {
            requires(Capability.DETECTS_NO_CONSUMER);
            String dest = Names.fresh("later");
            Node n = node("later").routes(r -> r.type(TYPE).destination(dest)).start();

            String id = n.publisher().publish(TYPE, "{\"n\":1}", "subject-1");

            EventStore.StoredEvent kept = awaitKept(n, EventStore.Query.all().withDestination(dest), 1).get(0);
            assertThat(kept.reason()).isEqualTo(EventStore.Reason.NO_CONSUMER);
            assertThat(kept.broker()).isEqualTo(BROKER);
            assertThat(kept.type()).isEqualTo(TYPE);
            assertThat(kept.event().getId()).isEqualTo(id);
            assertThat(kept.event().getSubject()).isEqualTo("subject-1");
            assertThat(kept.event().getData().toBytes()).isEqualTo("{\"n\":1}".getBytes(StandardCharsets.UTF_8));
        }

        @Test
        @DisplayName("a kept no-consumer event is replayed when a consumer of its destination starts: one effect, the store emptied")
        void noConsumerEventIsReplayedWhenConsumerStarts() {
            requires(Capability.DETECTS_NO_CONSUMER);
            String dest = Names.fresh("later-replay");
            Node producer = node("later-producer").routes(r -> r.type(TYPE).destination(dest)).start();
            String id = producer.publisher().publish(TYPE, "{\"n\":1}");
            awaitKept(producer, EventStore.Query.all().withDestination(dest), 1);

            Recorder rec = new Recorder();
            node("later-consumer").routes(r -> r.consumer(dest).group(Names.fresh("g")).on(TYPE, rec)).start();

            assertReceivedExactly(rec, List.of(id));
            EventStore store = producer.eventrail().eventStore().orElseThrow();
            eventually("the replayed event removed from the store")
                    .until(() -> store.count(EventStore.Query.all().withDestination(dest)) == 0);
        }

        @Test
        @DisplayName("a kept no-handler event waits, then is replayed when a pipeline of its group with a handler for its type starts")
        void noHandlerEventIsReplayedWhenHandlerStarts() {
            String dest = Names.fresh("handler-later");
            String group = Names.fresh("g");
            Node old = unhandledPipeline("handler-old", Map.of(), dest, group, new Recorder()).start();
            String id = old.publisher().publish(OTHER_TYPE, "{\"n\":1}");
            awaitKept(old, EventStore.Query.all().withDestination(dest), 1);
            assertThat(replay(old, ReplayRequest.all().destination(dest)).stillWaiting())
                    .as("no handler yet: the event keeps waiting").isEqualTo(1);
            old.close();

            Recorder rec = new Recorder();
            node("handler-new").routes(r -> {
                r.type(OTHER_TYPE).destination(dest);
                r.consumer(dest).group(group).on(OTHER_TYPE, rec);
            }).start();

            assertReceivedExactly(rec, List.of(id));
        }

        @Test
        @DisplayName("replay on demand takes a type filter and a rate limit; an event that already had its effect is skipped as a duplicate")
        void onDemandReplayFiltersPacesAndDeduplicates() {
            String dest = Names.fresh("replay-demand");
            String group = Names.fresh("g");
            Node old = unhandledPipeline("demand-old", Map.of(), dest, group, new Recorder()).start();
            List<String> wanted = publishMany(old, OTHER_TYPE, 3);
            awaitKept(old, EventStore.Query.all().withDestination(dest), 3);
            old.close();

            Recorder rec = new Recorder();
            Node n = node("demand-new", Map.of("eventrail.store.replay-on-start", "false")).routes(r -> {
                r.type(OTHER_TYPE).destination(dest);
                r.consumer(dest).group(group).on(OTHER_TYPE, rec);
            }).start();
            quiet();
            assertThat(rec.ids()).as("nothing replayed before it is asked for").isEmpty();

            long start = System.nanoTime();
            ReplayResult result = replay(n, ReplayRequest.all().types(OTHER_TYPE).destination(dest).ratePerSecond(10));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(result.replayed()).isEqualTo(3);
            assertThat(took).as("3 events at 10 per second").isGreaterThanOrEqualTo(Duration.ofMillis(180));
            assertReceivedExactly(rec, wanted);

            // the same event kept again after it had its effect (e.g. a redelivered copy): replay must not repeat it
            n.eventrail().eventStore().orElseThrow().store(EventStore.Reason.NO_HANDLER, BROKER, dest, group,
                    rec.events().get(0).cloudEvent());
            assertThat(replay(n, ReplayRequest.all().destination(dest)).replayed()).isEqualTo(1);
            eventually("the duplicate counted")
                    .until(() -> n.counter("eventrail.events.duplicates", "messaging.consumer.group.name", group) >= 1.0);
            quiet();
            assertThat(rec.ids()).as("one effect per event").containsExactlyInAnyOrderElementsOf(wanted);
        }
    }

    private static ReplayResult replay(Node n, ReplayRequest request) {
        try {
            return n.eventrail().replay(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during replay", e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Stop and start
    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Stop and start: events published while a consumer is down are delivered when it is back, none lost or repeated")
    class StopAndStart {

        @Test
        @DisplayName("a consumer route stopped, events published, the route started again: every event arrives")
        void stoppedRouteLosesNothing() {
            String dest = Names.fresh("restart-route");
            String pipeline = Names.fresh("p");
            Recorder rec = new Recorder();
            // no store for later: the broker itself must keep what was published while the route was stopped
            Node n = pipeline("restart-route", NO_STORE, dest, Names.fresh("g"), c -> c.id(pipeline), rec).start();
            String before = n.publisher().publish(TYPE, "{\"n\":0}");
            rec.await(1, timeout());

            n.stopRoute(consumeRoute(pipeline));
            List<String> whileStopped = publishMany(n, TYPE, 5);
            quiet();
            assertThat(rec.ids()).as("nothing is handled while the route is stopped").containsExactly(before);
            n.startRoute(consumeRoute(pipeline));

            rec.await(6, timeout());
            quiet();
            List<String> expected = new ArrayList<>(whileStopped);
            expected.add(before);
            assertThat(rec.ids()).containsExactlyInAnyOrderElementsOf(expected);
        }

        @Test
        @DisplayName("an instance stopped and a new one started in the same group: events published in between arrive, handled ones do not come back")
        void replacedInstanceLosesNothing() {
            String dest = Names.fresh("restart-app");
            String group = Names.fresh("g");
            Recorder first = new Recorder();
            Recorder second = new Recorder();
            // no store for later: the broker itself must keep what was published while no instance consumed
            Node a = pipeline("first", NO_STORE, dest, group, c -> c, first).start();
            List<String> handled = publishMany(a, TYPE, 3);
            first.await(3, timeout());
            a.close();

            Node producer = node("producer", NO_STORE).routes(r -> r.type(TYPE).destination(dest)).start();
            List<String> inBetween = publishMany(producer, TYPE, 5);
            node("second", NO_STORE).routes(r -> r.consumer(dest).group(group).on(TYPE, second)).start();

            assertReceivedExactly(second, inBetween);
            assertThat(first.ids()).containsExactlyInAnyOrderElementsOf(handled);
        }

        @Test
        @DisplayName("a graceful stop finishes or returns in-flight events: each is handled exactly once across both instances")
        void gracefulStopLosesAndRepeatsNothing() {
            String dest = Names.fresh("graceful");
            String group = Names.fresh("g");
            Recorder rec = new Recorder();
            Node a = pipeline("graceful-a", dest, group, work(rec, "a", 50)).start();
            List<String> ids = publishMany(a, TYPE, 12);
            rec.await(2, timeout());

            a.close();
            node("graceful-b").routes(r -> r.consumer(dest).group(group).on(TYPE, work(rec, "b", 0))).start();

            rec.await(12, timeout());
            quiet();
            assertThat(rec.ids()).as("each event exactly once across both instances")
                    .containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Ordering
    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Ordering: events with the same partition key reach a group in publish order")
    class Ordering {

        @ParameterizedTest(name = "{0}")
        @EnumSource(Publishing.class)
        @DisplayName("events of three keys, interleaved, arrive in publish order per key")
        void orderedPerKey(Publishing mode) {
            requires(Capability.ORDERED_PER_KEY);
            String dest = Names.fresh("ordered");
            Recorder rec = new Recorder();
            Node n = pipeline("ordered", dest, Names.fresh("g"), rec).start();
            List<String> keys = List.of("key-a", "key-b", "key-c");

            // seq i goes to key i % 3 with payload seq i / 3: with ASYNC all 60 are in flight together
            List<String> ids = mode.publishMany(n.publisher(), TYPE, 60, i -> keys.get(i % keys.size()));
            assertThat(ids).hasSize(60);

            rec.await(60, timeout());
            for (String key : keys) {
                List<Integer> seqs = rec.events().stream().filter(e -> key.equals(e.subject()))
                        .map(e -> e.json().path("seq").asInt() / keys.size()).toList();
                assertThat(seqs).as("order of %s", key).containsExactlyElementsOf(
                        IntStream.range(0, 20).boxed().toList());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Secrets (the broker-independent settings checks run once, in routes-dsl's StartupSettingsTest)
    // ---------------------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Secrets: the adapter's secret options never show their values, in start-up errors or in toString")
    class Secrets {

        @Test
        @DisplayName("secret values never appear in start-up error messages")
        void secretsNeverInErrors() {
            String secret = Names.fresh("s3cr3t");
            Map<String, String> extra = new LinkedHashMap<>();
            secretOptions().forEach(o -> extra.put("eventrail.brokers." + BROKER + "." + o, secret));
            extra.put("eventrail.brokers." + BROKER + ".client.password", secret);
            extra.put("eventrail.brokers." + BROKER + ".pasword", secret);
            extra.put("eventrail.brokers." + BROKER + "." + typo(someOption()), secret);
            extra.put("eventrail.retry.max-atempts", "3");

            EventrailConfigurationException e = startFailure(extra);

            assertThat(e.getMessage()).contains("pasword").doesNotContain(secret);
            assertThat(e.problems()).noneMatch(p -> p.contains(secret));
        }

        @Test
        @DisplayName("secret values never appear in the toString of the settings, the broker options or the broker")
        void secretsNeverInToString() {
            String secret = Names.fresh("s3cr3t");
            Map<String, String> extra = new LinkedHashMap<>();
            secretOptions().forEach(o -> extra.put("eventrail.brokers." + BROKER + "." + o, secret));
            extra.put("eventrail.brokers." + BROKER + ".client.password", secret);
            Node n = node("secrets", extra);

            EventrailSettings settings = n.eventrail().settings();
            Broker broker = n.broker();

            assertThat(settings.toString()).doesNotContain(secret);
            assertThat(settings.brokers().get(BROKER).options().toString()).contains("client.password")
                    .doesNotContain(secret);
            assertThat(broker.toString()).doesNotContain(secret);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------

    /** The fixture of this test class (created by {@link #fixture()} before the first test). */
    protected final BrokerFixture brokerFixture() {
        return fixture;
    }

    /** Skips the calling test, naming the capability, when the adapter does not declare {@code capability}. */
    private void requires(Capability capability) {
        if (!has(capability)) {
            skipped.add(current);
        }
        assumeTrue(has(capability), () -> "skipped: the adapter does not declare capability " + capability
                + ", which gates this contract");
    }

    private boolean has(Capability capability) {
        return fixture.capabilities().contains(capability);
    }

    private Duration timeout() {
        return fixture.deliveryTimeout();
    }

    /**
     * How long the kit waits to see that something does not happen (a duplicate, a redelivery): a twentieth of the
     * delivery timeout within 0.2 to 2 s, and always longer than the broker's redelivery delay (an unacknowledged
     * SQS message comes back only after its visibility timeout).
     */
    private Duration quietPeriod() {
        Duration d = fixture.deliveryTimeout().dividedBy(20);
        Duration min = Duration.ofMillis(200);
        Duration max = Duration.ofSeconds(2);
        d = d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
        Duration pastRedelivery = fixture.redeliveryDelay().plusSeconds(1);
        return fixture.redeliveryDelay().isZero() || d.compareTo(pastRedelivery) > 0 ? d : pastRedelivery;
    }

    /** Awaitility, bounded by the delivery timeout, polling every 10 ms in the test's thread; {@code what} names the wait. */
    private ConditionFactory eventually(String what) {
        return await(what).atMost(timeout()).pollInSameThread().pollInterval(Duration.ofMillis(10));
    }

    private void quiet() {
        Duration period = quietPeriod();
        await().pollInSameThread().pollDelay(period).atMost(period.plusSeconds(1)).until(() -> true);
    }

    private Node node(String label) {
        return node(label, Map.of());
    }

    private Node node(String label, Map<String, String> extra) {
        Map<String, String> withStore = new LinkedHashMap<>();
        withStore.put("eventrail.store.replay-rate", "1000");
        withStore.putAll(extra);
        Node n = new Node(Names.fresh("tck-" + label), BROKER,
                properties(fixture.brokerProperties(BROKER), BROKER, withStore), timeout());
        if (!extra.containsKey("eventrail.store.type")) {
            n.bind("eventrailKitStore", store); // a bound store wins over eventrail.store.type
        }
        nodes.add(n);
        return n;
    }

    /** A node that publishes {@link #TYPE} to {@code dest} and consumes it as {@code group} with {@code handler}; not started. */
    private Node pipeline(String label, String dest, String group, EventHandler handler) {
        return pipeline(label, Map.of(), dest, group, c -> c, handler);
    }

    /** As {@link #pipeline(String, String, String, EventHandler)}, with {@code extra} settings and the consumer adjusted by {@code consumer}. */
    private Node pipeline(String label, Map<String, String> extra, String dest, String group,
                          UnaryOperator<ConsumerDefinition> consumer, EventHandler handler) {
        return node(label, extra).routes(r -> {
            r.type(TYPE).destination(dest);
            consumer.apply(r.consumer(dest).group(group)).on(TYPE, handler);
        });
    }

    /**
     * Attaches a reader of {@code group}'s dead letters to {@code n}, then starts {@code n}. The contracts that read a
     * dead letter from the broker's own dead-letter destination are those of {@link Capability#NATIVE_DEAD_LETTER}.
     */
    private DeadLetters startReadingDeadLetters(Node n, String dest, String group) {
        requires(Capability.NATIVE_DEAD_LETTER);
        DeadLetters letters = n.deadLetters(dest, group);
        n.start();
        return letters;
    }

    /** Waits until {@code rec} handled {@code ids}, then checks after the quiet period that it handled exactly them. */
    private void assertReceivedExactly(Recorder rec, List<String> ids) {
        rec.await(ids.size(), timeout());
        quiet();
        assertThat(rec.ids()).as("each event exactly once").containsExactlyInAnyOrderElementsOf(ids);
    }

    /** The broker's properties, {@code eventrail.broker=name}, short retry backoffs, then {@code extra}. */
    private static Map<String, String> properties(Map<String, String> brokerProperties, String name,
                                                  Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>(brokerProperties);
        p.put("eventrail.broker", name);
        p.put("eventrail.retry.initial-backoff", "10ms");
        p.put("eventrail.retry.max-backoff", "50ms");
        p.put("eventrail.retry.jitter", "0.0");
        p.putAll(extra);
        return p;
    }

    private static String consumeRoute(String pipelineId) {
        return "eventrail-consume-" + pipelineId;
    }

    private static List<String> publishMany(Node n, String type, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(n.publisher().publish(type, "{\"seq\":" + i + "}"));
        }
        return ids;
    }

    /** A handler that records under {@code tag} and then simulates {@code millis} of work. */
    private static EventHandler work(Recorder rec, String tag, long millis) {
        EventHandler record = rec.tagged(tag);
        return e -> {
            record.handle(e);
            if (millis > 0) {
                LockSupport.parkNanos(Duration.ofMillis(millis).toNanos());
            }
        };
    }

    private static EventHandler work(Recorder rec, long millis) {
        return work(rec, "", millis);
    }

    private static CloudEvent event(String id, String source) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create(source)).withType(TYPE)
                .withData("application/json", "{\"n\":1}".getBytes(StandardCharsets.UTF_8)).build();
    }

    private static List<String> requireUserIdAndEmail(Event e) {
        List<String> violations = new ArrayList<>();
        if (e.field("userId") == null) {
            violations.add("userId is required");
        }
        if (e.field("email") == null) {
            violations.add("email is required");
        }
        return violations;
    }

    /** Publishes {@code sent} and returns the CloudEvent a fresh group received. */
    private CloudEvent roundTrip(CloudEvent sent) {
        String dest = Names.fresh("roundtrip");
        Recorder rec = new Recorder();
        Node n = pipeline("roundtrip", dest, Names.fresh("g"), rec).start();
        String id = n.publisher().publish(sent);
        assertThat(id).isEqualTo(sent.getId());
        return rec.await(1, timeout()).get(0).cloudEvent();
    }

    /** Sends a message to {@code destination} straight to the broker's producer endpoint, as a foreign producer would. */
    private void sendRaw(Node n, String destination, Consumer<Message> fill) {
        ProducerTemplate template = n.context().createProducerTemplate();
        try {
            Exchange result = template.send(n.broker().producerUri(Destination.of(destination)),
                    exchange -> fill.accept(exchange.getMessage()));
            if (result.getException() != null) {
                fail("a foreign producer could not send to " + destination, result.getException());
            }
        } finally {
            try {
                template.stop();
            } catch (RuntimeException e) {
                // the template is discarded either way
            }
        }
    }

    /** Encodes {@code event} with {@code codec} into {@code m}, then removes its id and type. */
    private static void withoutIdAndType(EventCodec codec, CloudEvent event, Message m) {
        codec.encode(event, m);
        if (codec instanceof BinaryHeaderCodec binary) {
            m.removeHeader(binary.prefix() + "id");
            m.removeHeader(binary.prefix() + "type");
        } else if (codec instanceof StructuredJsonCodec) {
            try {
                ObjectNode json = (ObjectNode) JSON.readTree(m.getBody(byte[].class));
                json.remove("id");
                json.remove("type");
                m.setBody(JSON.writeValueAsBytes(json));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            // an unknown codec: strip every header naming the id or type attribute
            m.getHeaders().keySet().removeIf(k -> k.toLowerCase(Locale.ROOT).endsWith("id")
                    || k.toLowerCase(Locale.ROOT).endsWith("type") && !k.toLowerCase(Locale.ROOT)
                    .contains("content"));
        }
    }

    /** A Camel message holding a dead letter's body and headers, for decoding with the broker's codec. */
    private static Message message(Node n, DeadLetter dl) {
        Message m = new DefaultMessage(n.context());
        m.setBody(dl.body());
        m.getHeaders().putAll(dl.headers());
        return m;
    }

    /**
     * What a publish to a destination no group receives does. Today: {@link PublishException} caused by
     * {@link NoConsumerException}; when the store for later exists, this is the one place to change.
     */
    private static void assertNoConsumerOutcome(String destination, Runnable publish) {
        assertThatThrownBy(publish::run).isInstanceOfSatisfying(PublishException.class, e -> {
            NoConsumerException cause = ObjectHelper.getException(NoConsumerException.class, e);
            assertThat(cause).as("cause NoConsumerException").isNotNull();
            assertThat(cause.destination()).isEqualTo(destination);
        });
    }

    /** What a handler throws to simulate a crash in the middle of processing (not an Exception, so never retried). */
    private static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash() {
            super("simulated crash during processing (conformance kit)", null, false, false);
        }

        SimulatedCrash(String message) {
            super(message, null, false, false);
        }
    }

    /** Builds a node with {@code extra} settings and event routes and returns the configuration failure it must raise. */
    private EventrailConfigurationException startFailure(Map<String, String> extra) {
        String dest = Names.fresh("settings");
        Node n = node("settings", extra);
        Throwable thrown = null;
        try {
            n.routes(r -> {
                r.type(TYPE).destination(dest);
                r.consumer(dest).group(Names.fresh("g")).on(TYPE, e -> { });
            }).start();
        } catch (RuntimeException e) {
            thrown = e;
        }
        assertThat(thrown).as("start-up must fail").isNotNull();
        EventrailConfigurationException failure = ObjectHelper.getException(EventrailConfigurationException.class, thrown);
        if (failure == null) {
            throw new AssertionError("expected an EventrailConfigurationException, got " + thrown, thrown);
        }
        return failure;
    }

    private BrokerAdapter adapter() {
        String type = fixture.brokerProperties(BROKER).get("eventrail.brokers." + BROKER + ".type");
        assertThat(type).as("fixture.brokerProperties(name) must set eventrail.brokers.<name>.type").isNotBlank();
        for (BrokerAdapter a : ServiceLoader.load(BrokerAdapter.class, getClass().getClassLoader())) {
            if (a.type().equals(type)) {
                return a;
            }
        }
        throw new AssertionError("no broker adapter of type '" + type + "' on the classpath");
    }

    /** A declared option of the adapter whose misspelling has an unambiguous nearest spelling. */
    private String someOption() {
        Set<String> names = new LinkedHashSet<>();
        adapter().options().forEach(o -> names.add(o.name()));
        return names.stream().filter(n -> n.length() >= 6 && !names.contains(typo(n))).findFirst()
                .orElseThrow(() -> new AssertionError("the adapter declares no option of 6 or more characters; "
                        + "the kit needs one to prove that a misspelled option is named with its nearest spelling"));
    }

    /** {@code option} with its last letter doubled: one edit away, so the nearest spelling is {@code option}. */
    private static String typo(String option) {
        return option + option.charAt(option.length() - 1);
    }

    private List<String> secretOptions() {
        return adapter().options().stream().filter(OptionSpec::secret).map(OptionSpec::name).toList();
    }
}
