package io.eventrail.it.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.UnsendableEventException;
import io.eventrail.store.EventStore;
import io.eventrail.spi.Destination;
import io.eventrail.spi.EventCodec;
import io.eventrail.spi.codec.BinaryHeaderCodec;
import io.eventrail.spi.codec.StructuredJsonCodec;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import io.eventrail.tck.internal.DeadLetters;
import io.eventrail.tck.internal.DeadLetters.DeadLetter;
import io.eventrail.tck.internal.Names;
import io.eventrail.tck.internal.Node;
import io.eventrail.tck.internal.Recorder;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultMessage;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input suite, run once per broker by a subclass: each bad input is sent raw to the broker's producer
 * endpoint (bypassing the publisher's validation, as a foreign producer would) and must end where the design
 * says: dead letter with {@code reason=invalid} (attempts 0, payload byte for byte), kept in the store for later
 * with {@code reason=no-handler}, handled, or refused by the broker's own producer when it is larger than the
 * broker accepts. After every input a good event published through the publisher must still be handled (no
 * crash, no hung consumer), and nothing the pipeline logged may carry the input's raw control characters or a
 * credential-shaped value.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
public abstract class BadInputSuite {
    static final String TYPE = "ORDER_PLACED";
    static final String HIJACK_TYPE = "HIJACK_PROBE";
    static final String BROKER = "faults";
    static final String SECRET = "s3cr3t-VALUE-7f3a";
    static final String FORGED = "FORGED-LOG-LINE";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GOOD = "{\"orderId\":\"o-1\",\"quantity\":1,\"status\":\"NEW\"}";

    /** Where a bad input must end. */
    enum Outcome { INVALID, NO_HANDLER_STORED, HANDLED, REFUSED }

    /** What a foreign producer puts on the wire. */
    record Wire(Map<String, Object> headers, byte[] body) {
    }

    private Node node;
    private String destination;
    private String group;
    private String hijackDestination;
    private final Recorder handled = new Recorder();
    private final Recorder hijacked = new Recorder();
    private DeadLetters deadLetters;
    private DeadLetters hijackDeadLetters;
    private String prefix;
    private boolean structured;

    /** The {@code eventrail.brokers.<name>.*} properties pointing instance {@code name} at the broker under test. */
    protected abstract Map<String, String> brokerProperties(String name);

    /** The largest message the broker's producer accepts, or empty when it sets no limit below our own. */
    protected abstract OptionalLong brokerMaxMessageBytes();

    /**
     * Sends {@code wire} carrying transport-level header names (Camel-internal and broker-native ones) as a
     * foreign client would: where the Camel producer would act on or filter such headers itself, a subclass
     * overrides this with the broker's raw client so they really arrive at the consumer.
     */
    protected void sendWithTransportHeaders(Node n, String dest, Wire wire) {
        Exchange result = send(n, dest, wire);
        assertThat(result.getException()).as("foreign send").isNull();
    }

    /** The header prefix of the broker's binary-mode CloudEvents attributes (the suite edits them raw). */
    protected String attributeHeaderPrefix(EventCodec codec) {
        assertThat(codec).as("the suite edits binary-mode CloudEvents headers; override this for another codec")
                .isInstanceOf(BinaryHeaderCodec.class);
        return ((BinaryHeaderCodec) codec).prefix();
    }

    protected Duration timeout() {
        return Duration.ofSeconds(30);
    }

    @BeforeAll
    void start() {
        LogCapture.install();
        destination = Names.fresh("bad-input");
        hijackDestination = Names.fresh("hijack");
        group = Names.fresh("g");
        String hijackGroup = Names.fresh("hg");
        Map<String, String> p = new LinkedHashMap<>(brokerProperties(BROKER));
        p.put("eventrail.broker", BROKER);
        p.put("eventrail.retry.initial-backoff", "10ms");
        p.put("eventrail.retry.max-backoff", "50ms");
        node = new Node(Names.fresh("bad-input"), BROKER, p, Duration.ofSeconds(10));
        node.routes(r -> {
            r.type(TYPE).destination(destination).schema("schemas/fault-order.json");
            r.type(HIJACK_TYPE).destination(hijackDestination);
            r.consumer(destination).group(group).on(TYPE, handled);
            r.consumer(hijackDestination).group(hijackGroup).on(HIJACK_TYPE, hijacked).on(TYPE, hijacked);
        });
        deadLetters = node.deadLetters(destination, group);
        hijackDeadLetters = node.deadLetters(hijackDestination, hijackGroup);
        node.start();
        structured = node.broker().codec() instanceof StructuredJsonCodec;
        prefix = structured ? null : attributeHeaderPrefix(node.broker().codec());
        // the pipeline works before any bad input arrives
        goodEventStillHandled();
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    Stream<String> cases() {
        return Stream.of("truncated JSON", "trailing garbage", "byte-order mark", "duplicate keys", "wrong types",
                "missing required field", "extra field the schema forbids", "enum out of range",
                "nesting 10,000 deep", "20 MB string", "1,000-digit number", "object with 1,000,000 keys",
                "empty body", "invalid UTF-8", "escaped lone surrogate and NUL in a string",
                "lone surrogate as raw UTF-8 bytes", "raw NUL byte in a string", "missing event id",
                "empty event id", "missing event type", "empty event type", "type no handler knows",
                "oversize message for the broker", "header injection", "CR/LF and ANSI escapes in the event id",
                "CR/LF and ANSI escapes in the event type", "credential-shaped values");
    }

    /**
     * Attribute-level cases (issue 19 item 5). Binary-mode brokers (memory, Kafka, RabbitMQ) carry the attributes in
     * headers, so the header names and counts a foreign producer chooses; structured-mode brokers (SQS, SNS) carry
     * them in the JSON envelope, so there the extension and length cases are members of the envelope, and the header
     * cases are message attributes (at most 10 on SQS and SNS), sent with the raw client where Camel would filter them.
     */
    Stream<String> attributeCases() {
        Stream<String> common = Stream.of("extension name upper-case", "extension name empty",
                "extension name over 20 characters", "extension name with an underscore", "id at the 255-character limit",
                "id one over the limit", "source at the 1024-character limit", "source one over the limit",
                "mixed-case Camel header names", "spoofed eventrail_dlq_* headers on an incoming event");
        Stream<String> more = structured
                ? Stream.of("2,000 extension attributes in the envelope", "10 message attributes",
                        "CloudEvents-named message attributes")
                : Stream.of("2,000 extra headers");
        Stream<String> all = Stream.concat(common, more);
        return duplicateHeadersPossible() ? Stream.concat(all, Stream.of("duplicate id headers")) : all;
    }

    /** Whether the broker's raw client can send one header twice (Kafka's record headers can; a map cannot). */
    protected boolean duplicateHeadersPossible() {
        return false;
    }

    /**
     * Sends {@code wire} with the raw client, its id attribute header ({@code idHeader}) a second time with
     * {@code secondId} after the others; only called when {@link #duplicateHeadersPossible()}.
     */
    protected void sendWithDuplicateHeader(Node n, String dest, Wire wire, String idHeader, String secondId) {
        throw new UnsupportedOperationException("this broker's raw client cannot send a header twice");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attributeCases")
    void attributeLevelInputEndsWhereTheDesignSays(String name) {
        badInputEndsWhereTheDesignSays(name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputEndsWhereTheDesignSays(String name) {
        String fresh = Names.fresh("bad");
        String id = name.startsWith("id at the 255") ? fresh + "x".repeat(255 - fresh.length()) : fresh;
        Wire wire = wire(name, id);
        Outcome expected = expected(name, wire);
        int dlBefore = deadLetters.received().size();
        long storedBefore = storedNoHandler();
        int mark = LogCapture.mark();

        Exchange sent = null;
        String secondId = id + "-second";
        if (RAW_SENT.contains(name)) {
            sendWithTransportHeaders(node, destination, wire);
        } else if (name.equals("duplicate id headers")) {
            sendWithDuplicateHeader(node, destination, wire, prefix + "id", secondId);
        } else {
            sent = send(node, destination, wire);
        }

        switch (expected) {
            case REFUSED -> {
                assertThat(sent.getException()).as("the broker's producer refuses a message it cannot take")
                        .isNotNull();
                // Eventrail's producer refuses with UnsendableEventException, the broker's own client (a foreign
                // send through it) with its too-large error: either way, naming the limit
                String limit = Long.toString(brokerMaxMessageBytes().getAsLong());
                Throwable refusal = sent.getException();
                while (refusal != null && !(String.valueOf(refusal.getMessage()).contains(limit)
                        && (refusal instanceof UnsendableEventException
                        || refusal.getClass().getSimpleName().endsWith("TooLargeException")))) {
                    refusal = refusal.getCause();
                }
                assertThat(refusal).as("refused as too large, naming the limit " + limit + ": " + sent.getException())
                        .isNotNull();
            }
            case NO_HANDLER_STORED -> {
                assertThat(sent.getException()).as("foreign send").isNull();
                eventually("event stored for later with reason=no-handler")
                        .until(() -> storedNoHandler() == storedBefore + 1);
            }
            case INVALID -> {
                assertThat(sent == null ? null : sent.getException()).as("foreign send").isNull();
                DeadLetter dl = deadLetters.await(dlBefore + 1, timeout()).get(dlBefore);
                assertThat(dl.reason()).isEqualTo(DeadLetterHeaders.REASON_INVALID);
                assertThat(dl.attempts()).isEqualTo("0");
                assertThat(dl.header(DeadLetterHeaders.ORIGINAL_DESTINATION)).isEqualTo(destination);
                assertThat(dl.header(DeadLetterHeaders.CONSUMER_GROUP)).isEqualTo(group);
                assertThat(dl.body()).as("original payload byte for byte").isEqualTo(wire.body());
            }
            case HANDLED -> {
                assertThat(sent == null ? null : sent.getException()).as("foreign send").isNull();
                // a header sent twice: the last one is the attribute, as Camel's consumer maps a record's headers
                String handledId = name.equals("duplicate id headers") ? secondId : id;
                eventually("event " + handledId + " handled")
                        .until(() -> handled.ids().contains(handledId));
                pause(Duration.ofMillis(300));
                assertThat(handled.ids().stream().filter(h -> h.equals(handledId))).as("handled once").hasSize(1);
                assertThat(handled.ids()).as("under one id only").doesNotContain(handledId.equals(id) ? secondId : id);
            }
            default -> throw new AssertionError(expected);
        }

        goodEventStillHandled();
        if (expected != Outcome.INVALID) {
            pause(Duration.ofMillis(300));
            assertThat(deadLetters.received()).as("nothing dead-lettered").hasSize(dlBefore);
        }
        if (RAW_SENT.contains(name)) {
            pause(Duration.ofMillis(500));
            assertThat(hijacked.ids()).as("nothing reached the destination a header named").isEmpty();
            assertThat(hijackDeadLetters.received()).as("nothing reached the dead letter a header named").isEmpty();
        }
        String logged = LogCapture.since(mark);
        assertThat(logged).as("no raw ESC in the log").doesNotContain("\u001b");
        assertThat(logged).as("no raw CR in the log").doesNotContain("\r");
        assertThat(logged).as("no raw NUL in the log").doesNotContain("\u0000");
        assertThat(logged).as("no forged log line").doesNotContain("\n" + FORGED);
        assertThat(logged).as("no credential-shaped value in the log").doesNotContain(SECRET);
        // and what was logged in their place is there, escaped
        if (name.startsWith("CR/LF and ANSI escapes")) {
            assertThat(logged).as("the escaped CR/LF and ESC in the log").contains("\\u000d\\u000a").contains("\\u001b");
        }
    }

    /** The cases sent with {@link #sendWithTransportHeaders}: header names a Camel producer would filter or act on. */
    private static final Set<String> RAW_SENT = Set.of("header injection",
            "mixed-case Camel header names", "CloudEvents-named message attributes",
            "spoofed eventrail_dlq_* headers on an incoming event");

    /** Events of this suite's group kept in the store for later with reason no-handler. */
    private long storedNoHandler() {
        EventStore store = node.eventrail().eventStore().orElseThrow(() -> new AssertionError("no store for later"));
        return store.count(EventStore.Query.all().withReason(EventStore.Reason.NO_HANDLER).withGroup(group));
    }

    private void goodEventStillHandled() {
        String good = node.publisher().publish(TYPE, GOOD);
        eventually("good event " + good + " handled after the bad input")
                .until(() -> handled.ids().contains(good));
    }

    private Outcome expected(String name, Wire wire) {
        return switch (name) {
            // binary mode reads the binding's header names lower-cased; a structured envelope's member names are the
            // attribute names exactly, and CloudEvents allows no upper case in them
            case "extension name upper-case" -> structured ? Outcome.INVALID : Outcome.HANDLED;
            case "byte-order mark", "escaped lone surrogate and NUL in a string", "lone surrogate as raw UTF-8 bytes",
                    "id at the 255-character limit", "source at the 1024-character limit",
                    "2,000 extra headers", "mixed-case Camel header names",
                    "spoofed eventrail_dlq_* headers on an incoming event", "2,000 extension attributes in the envelope",
                    "10 message attributes", "CloudEvents-named message attributes", "duplicate id headers" -> Outcome.HANDLED;
            case "type no handler knows" -> Outcome.NO_HANDLER_STORED;
            // CloudEvents text attributes allow no control characters (AttributeLimits): refused, not kept
            case "CR/LF and ANSI escapes in the event type" -> Outcome.INVALID;
            case "20 MB string", "object with 1,000,000 keys", "oversize message for the broker" ->
                    tooBigForBroker(wire) ? Outcome.REFUSED : Outcome.INVALID;
            default -> Outcome.INVALID;
        };
    }

    private boolean tooBigForBroker(Wire wire) {
        OptionalLong max = brokerMaxMessageBytes();
        return max.isPresent() && wire.body().length > max.getAsLong();
    }

    private Wire wire(String name, String id) {
        return switch (name) {
            case "truncated JSON" -> event(id, TYPE, utf8("{\"orderId\":\"o-1\",\"quantity\":"));
            case "trailing garbage" -> event(id, TYPE, utf8(GOOD + " }garbage"));
            case "byte-order mark" -> event(id, TYPE, concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(GOOD)));
            case "duplicate keys" -> event(id, TYPE, utf8("{\"orderId\":\"a\",\"orderId\":\"b\",\"quantity\":1,\"status\":\"NEW\"}"));
            case "wrong types" -> event(id, TYPE, utf8("{\"orderId\":7,\"quantity\":\"three\",\"status\":\"NEW\"}"));
            case "missing required field" -> event(id, TYPE, utf8("{\"orderId\":\"o-1\",\"quantity\":1}"));
            case "extra field the schema forbids" ->
                    event(id, TYPE, utf8("{\"orderId\":\"o-1\",\"quantity\":1,\"status\":\"NEW\",\"admin\":true}"));
            case "enum out of range" -> event(id, TYPE, utf8("{\"orderId\":\"o-1\",\"quantity\":1,\"status\":\"SHIPPED_TO_MARS\"}"));
            case "nesting 10,000 deep" -> event(id, TYPE, utf8("{\"orderId\":\"o-1\",\"quantity\":1,\"status\":\"NEW\",\"note\":"
                    + "[".repeat(10_000) + "]".repeat(10_000) + "}"));
            case "20 MB string" -> event(id, TYPE, utf8("{\"orderId\":\"" + "a".repeat(20 * 1024 * 1024)
                    + "\",\"quantity\":1,\"status\":\"NEW\"}"));
            case "1,000-digit number" -> event(id, TYPE, utf8("{\"orderId\":\"o-1\",\"quantity\":" + "9".repeat(1000)
                    + ",\"status\":\"NEW\"}"));
            case "object with 1,000,000 keys" -> event(id, TYPE, millionKeys());
            case "empty body" -> event(id, TYPE, new byte[0]);
            case "invalid UTF-8" -> event(id, TYPE, concat(utf8("{\"orderId\":\"o-"), new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF},
                    utf8("\",\"quantity\":1,\"status\":\"NEW\"}")));
            case "escaped lone surrogate and NUL in a string" ->
                    event(id, TYPE, utf8("{\"orderId\":\"o-\\ud800-\\u0000-x\",\"quantity\":1,\"status\":\"NEW\"}"));
            case "lone surrogate as raw UTF-8 bytes" -> event(id, TYPE, concat(utf8("{\"orderId\":\"o-"),
                    new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, utf8("\",\"quantity\":1,\"status\":\"NEW\"}")));
            case "raw NUL byte in a string" -> event(id, TYPE, concat(utf8("{\"orderId\":\"o-"), new byte[] {0},
                    utf8("\",\"quantity\":1,\"status\":\"NEW\"}")));
            case "missing event id" -> without(event(id, TYPE, utf8(GOOD)), "id");
            case "empty event id" -> with(event(id, TYPE, utf8(GOOD)), "id", "");
            case "missing event type" -> without(event(id, TYPE, utf8(GOOD)), "type");
            case "empty event type" -> with(event(id, TYPE, utf8(GOOD)), "type", "");
            case "type no handler knows" -> event(id, "ORDER_NOBODY_HANDLES", utf8(GOOD));
            case "oversize message for the broker" -> event(id, TYPE, oversize());
            case "header injection" -> injected(event(id, TYPE, utf8("{\"orderId\":\"o-1\"}")));
            case "CR/LF and ANSI escapes in the event id" -> with(event(id, TYPE, utf8("{\"orderId\":\"o-1\"}")), "id",
                    id + "\r\n" + FORGED + " ERROR \u001b[31mred\u001b[0m\u0000");
            case "CR/LF and ANSI escapes in the event type" -> with(event(id, TYPE, utf8(GOOD)), "type",
                    "ORDER\r\n" + FORGED + " WARN \u001b[2J");
            case "credential-shaped values" -> with(with(event(id, TYPE, utf8("{\"orderId\":\"o-1\",\"quantity\":1,"
                    + "\"status\":\"NEW\",\"password\":\"" + SECRET + "\"}")), "id", "password=" + SECRET),
                    "subject", "authorization: Bearer " + SECRET);
            case "extension name upper-case" -> with(event(id, TYPE, utf8(GOOD)), "TenantZone", "eu");
            case "extension name empty" -> with(event(id, TYPE, utf8(GOOD)), "", "x");
            case "extension name over 20 characters" -> with(event(id, TYPE, utf8(GOOD)), "a".repeat(21), "x");
            case "extension name with an underscore" -> with(event(id, TYPE, utf8(GOOD)), "tenant_zone", "x");
            case "2,000 extension attributes in the envelope" -> {
                Wire w = event(id, TYPE, utf8(GOOD));
                for (int i = 0; i < 2000; i++) {
                    w = with(w, "xpad" + i, "v" + i);
                }
                yield w;
            }
            case "10 message attributes" -> {
                Wire w = event(id, TYPE, utf8(GOOD));
                for (int i = 0; i < 10; i++) {
                    w.headers().put("x-pad-" + i, "v" + i);
                }
                yield w;
            }
            case "CloudEvents-named message attributes" -> {
                Wire w = event(id, TYPE, utf8(GOOD));
                for (String p : new String[] {"ce_", "cloudEvents_"}) {
                    w.headers().put(p + "id", "hijack-" + id);
                    w.headers().put(p + "type", HIJACK_TYPE);
                    w.headers().put(p + "source", "urn:hijack");
                    w.headers().put(p + "specversion", "1.0");
                }
                w.headers().put("content-type", "text/plain");
                yield w;
            }
            case "duplicate id headers" -> event(id, TYPE, utf8(GOOD));
            case "id at the 255-character limit" -> event(id, TYPE, utf8(GOOD));
            case "id one over the limit" -> with(event(id, TYPE, utf8(GOOD)), "id", id + "x".repeat(256 - id.length()));
            case "source at the 1024-character limit" ->
                    with(event(id, TYPE, utf8(GOOD)), "source", "urn:" + "s".repeat(1020));
            case "source one over the limit" -> with(event(id, TYPE, utf8(GOOD)), "source", "urn:" + "s".repeat(1021));
            case "2,000 extra headers" -> {
                Wire w = event(id, TYPE, utf8(GOOD));
                for (int i = 0; i < 2000; i++) {
                    w.headers().put("x-pad-" + i, "v" + i);
                }
                yield w;
            }
            case "mixed-case Camel header names" -> mixedCaseInjected(event(id, TYPE, utf8(GOOD)));
            case "spoofed eventrail_dlq_* headers on an incoming event" -> {
                Wire w = event(id, TYPE, utf8(GOOD));
                w.headers().put(DeadLetterHeaders.ORIGINAL_DESTINATION, hijackDestination);
                w.headers().put(DeadLetterHeaders.CONSUMER_GROUP, "hijack");
                w.headers().put(DeadLetterHeaders.REASON, DeadLetterHeaders.REASON_FAILED);
                yield w;
            }
            default -> throw new AssertionError("unknown case " + name);
        };
    }

    /** Camel-internal header names in odd case: a producer that filtered only exact-case names would act on them. */
    private Wire mixedCaseInjected(Wire w) {
        String hijackTopic = topicOf(node.broker().producerUri(Destination.of(hijackDestination)));
        w.headers().put("cAmElHttpUri", "http://127.0.0.1:9/hijack");
        w.headers().put("CAMELOVERRIDEENDPOINTURI", node.broker().producerUri(Destination.of(hijackDestination)));
        w.headers().put("camelKafkaOverrideTopic", hijackTopic);
        w.headers().put("camelspringrabbitmqexchangeoverridename", hijackTopic);
        return w;
    }

    /**
     * The wire form of a CloudEvent with {@code data}. Binary mode: attribute headers written by the broker's own
     * codec, the body (the data) set raw, so that data larger than the codec would encode still goes out.
     * Structured mode: the envelope as JSON with the data, whatever its bytes, in {@code data_base64}.
     */
    private Wire event(String id, String type, byte[] data) {
        if (structured) {
            ObjectNode json = JSON.createObjectNode().put("specversion", "1.0").put("id", id)
                    .put("source", "urn:faults:foreign-producer").put("type", type)
                    .put("datacontenttype", "application/json").put("data_base64", Base64.getEncoder().encodeToString(data));
            return new Wire(new LinkedHashMap<>(), write(json));
        }
        CloudEvent e = CloudEventBuilder.v1().withId(id).withSource(URI.create("urn:faults:foreign-producer"))
                .withType(type).withData("application/json", utf8("{}")).build();
        DefaultMessage m = new DefaultMessage(node.context());
        node.broker().codec().encode(e, m);
        return new Wire(new LinkedHashMap<>(m.getHeaders()), data);
    }

    private Wire with(Wire w, String attribute, String value) {
        if (structured) {
            ObjectNode json = read(w.body());
            json.put(attribute, value);
            return new Wire(w.headers(), write(json));
        }
        w.headers().put(prefix + attribute, value);
        return w;
    }

    private Wire without(Wire w, String attribute) {
        if (structured) {
            ObjectNode json = read(w.body());
            json.remove(attribute);
            return new Wire(w.headers(), write(json));
        }
        w.headers().remove(prefix + attribute);
        return w;
    }

    private static ObjectNode read(byte[] body) {
        try {
            return (ObjectNode) JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] write(ObjectNode json) {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Camel-internal and broker-native header names that would steer a producer if they were passed on. */
    private Wire injected(Wire w) {
        String hijackTopic = topicOf(node.broker().producerUri(Destination.of(hijackDestination)));
        w.headers().put("CamelHttpUri", "http://127.0.0.1:9/hijack");
        w.headers().put("kafka.OVERRIDE_TOPIC", hijackTopic);
        w.headers().put("CamelKafkaOverrideTopic", hijackTopic);
        w.headers().put("CamelSpringRabbitmqExchangeOverrideName", hijackTopic);
        w.headers().put("CamelSpringRabbitmqRoutingOverrideKey", "hijack");
        w.headers().put("CamelSpringRabbitmqRoutingKey", "hijack");
        w.headers().put("CamelOverrideEndpointUri", node.broker().producerUri(Destination.of(hijackDestination)));
        w.headers().put("CamelAwsSqsQueueUrl", "http://127.0.0.1:9/000000000000/hijack");
        return w;
    }

    /** The broker-side name in a producer URI ({@code scheme:name?options}). */
    static String topicOf(String uri) {
        String rest = uri.substring(uri.indexOf(':') + 1);
        int q = rest.indexOf('?');
        return q < 0 ? rest : rest.substring(0, q);
    }

    private byte[] oversize() {
        OptionalLong max = brokerMaxMessageBytes();
        int size = max.isPresent() ? (int) Math.min(Integer.MAX_VALUE - 16, max.getAsLong() + 1024) : 2 * 1024 * 1024;
        return utf8("{\"orderId\":\"" + "x".repeat(size) + "\",\"quantity\":1,\"status\":\"NEW\"}");
    }

    private static byte[] millionKeys() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(14_000_000);
        out.writeBytes(utf8("{\"orderId\":\"o-1\",\"quantity\":1,\"status\":\"NEW\""));
        for (int i = 0; i < 1_000_000; i++) {
            out.writeBytes(utf8(",\"k" + i + "\":0"));
        }
        out.write('}');
        return out.toByteArray();
    }

    /** Sends {@code wire} straight to the broker's producer endpoint of {@code dest}; the exchange holds any failure. */
    static Exchange send(Node n, String dest, Wire wire) {
        ProducerTemplate template = n.context().createProducerTemplate();
        try {
            return template.send(n.broker().producerUri(Destination.of(dest)), exchange -> {
                exchange.getMessage().getHeaders().putAll(wire.headers());
                exchange.getMessage().setBody(wire.body());
            });
        } finally {
            try {
                template.stop();
            } catch (RuntimeException e) {
                // discarded either way
            }
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Awaitility, bounded by the suite's timeout, polling every 10 ms in the test's thread. */
    private ConditionFactory eventually(String what) {
        return await(what).atMost(timeout()).pollInSameThread().pollInterval(Duration.ofMillis(10));
    }

    /** Lets {@code period} pass, so that what must not happen (a dead letter, a delivery) has had the chance to. */
    private static void pause(Duration period) {
        await().pollInSameThread().pollDelay(period).atMost(period.plusSeconds(1)).until(() -> true);
    }
}
