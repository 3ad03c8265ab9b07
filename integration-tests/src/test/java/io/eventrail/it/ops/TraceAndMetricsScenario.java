package io.eventrail.it.ops;

import static io.eventrail.it.ops.BrokerOperationsScenario.await;
import static io.eventrail.it.ops.BrokerOperationsScenario.get;
import static io.eventrail.it.ops.BrokerOperationsScenario.start;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.eventrail.Eventrail;
import io.eventrail.InvalidEventException;
import io.eventrail.internal.Mdc;
import io.eventrail.internal.Metrics;
import io.eventrail.internal.Tracing;
import io.eventrail.management.ControlPlane;
import io.eventrail.management.ControlPlane.Selection;
import io.eventrail.management.ManagementServer;
import io.eventrail.spi.Capability;
import io.eventrail.spi.Destination;
import io.eventrail.spi.NoConsumerException;
import io.eventrail.spi.ops.DeadLetterQuery;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/**
 * Tracing and metrics of one real broker: one trace from a Camel ingest route through the publish and the broker
 * hop to the handler (the trace context carried inside the event, the handler's span a child of the publish span,
 * the trace id in the handler thread's MDC), and the value of every event counter after a known scenario, from the
 * registry and from {@code /metrics}. A subclass names the broker's properties; the memory broker's form is
 * {@code TracingTest} and {@code MetricsTest} in adapters/memory.
 */
public abstract class TraceAndMetricsScenario {
    private static final String OK = "order.placed";
    private static final String FAILS = "payment.failed";
    private static final String LATER = "order.shipped";
    private static final String AUDIT = "order.audited";

    /** A fresh directory of this test (the store for later). */
    @TempDir
    protected Path dir;

    /** The {@code eventrail.*} properties of broker instance {@code name} on the shared test broker. */
    protected abstract Map<String, String> brokerProperties(String name);

    /** The messaging.system tag of this broker type. */
    protected abstract String system();

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private Map<String, String> properties(String broker) {
        Map<String, String> props = new LinkedHashMap<>(brokerProperties(broker));
        props.put("eventrail.broker", broker);
        props.put("eventrail.store.type", "jdbc");
        props.put("eventrail.store.jdbc.url", "jdbc:h2:file:" + dir.resolve("store").toAbsolutePath());
        return props;
    }

    @Test
    void oneTraceFromTheIngestRouteThroughPublishAndTheBrokerHopToTheHandler() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        String broker = "tr" + run.substring(0, 4);
        String dest = "traced-" + run;
        Map<String, String> seen = new ConcurrentHashMap<>();
        DefaultCamelContext ctx = start(properties(broker), c -> {
            c.getRegistry().bind("tracer", Tracer.class, otel.getTracer("it"));
            c.getRegistry().bind("propagators", ContextPropagators.class, otel.getPropagators());
            new OpenTelemetryTracer().init(c); // Camel's own route spans, as camel-opentelemetry2 gives an application
        }, r -> {
            r.type(OK).destination(dest);
            r.type(FAILS).destination(dest);
            r.consumer(dest).group("shipping").on(FAILS, e -> {
                throw new IllegalStateException("cannot ship");
            }).on(OK, e -> {
                SpanContext current = Span.current().getSpanContext();
                seen.put("handlerTrace", current.getTraceId());
                seen.put("handlerSpan", current.getSpanId());
                seen.put("handlerThread", Thread.currentThread().getName());
                seen.put("traceparent", String.valueOf(e.extension(Tracing.TRACEPARENT)));
                seen.put("eventId", e.id());
                for (String k : List.of(Mdc.EVENT_ID, Mdc.EVENT_TYPE, Mdc.GROUP, Mdc.DESTINATION, Mdc.TRACE_ID, Mdc.SPAN_ID)) {
                    seen.put("mdc." + k, String.valueOf(MDC.get(k)));
                }
            });
            // the HTTP ingest stand-in: a plain Camel route that publishes
            r.from("direct:ingest").routeId("ingest").process(ex -> {
                seen.put("ingestThread", Thread.currentThread().getName());
                seen.put("published", Eventrail.of(ex.getContext()).publisher().publish(OK, Map.of("orderId", "o-1")));
            });
        });
        try {
            ctx.createProducerTemplate().sendBody("direct:ingest", "{}");
            // Camel's route tracer closes the publish route's scope when the exchange completes, on the producer's
            // thread when that is asynchronous: nothing of it may stay current on the thread that sent
            assertThat(Span.current().getSpanContext().isValid()).as("a span left current on the sending thread: "
                    + Span.current().getSpanContext()).isFalse();

            await("the handler to run and its process span to end", () -> seen.containsKey("eventId")
                    && find(exporter, "process " + dest) != null);
            SpanData publish = find(exporter, "send " + dest);
            SpanData process = find(exporter, "process " + dest);
            assertThat(publish).as("the publish span: " + exporter.getFinishedSpanItems()).isNotNull();
            SpanData ingest = exporter.getFinishedSpanItems().stream()
                    .filter(s -> s.getSpanId().equals(publish.getParentSpanId())).findFirst().orElse(null);

            assertThat(ingest).as("the publish span is a child of the Camel ingest route's span: "
                    + exporter.getFinishedSpanItems()).isNotNull();
            assertThat(ingest.getInstrumentationScopeInfo().getName()).as("a span of Camel's, not Eventrail's")
                    .isNotEqualTo(Tracing.SCOPE);
            String trace = ingest.getTraceId();
            assertThat(publish.getTraceId()).isEqualTo(trace);
            assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(publish.getAttributes().asMap()).as("semantic conventions 1.37.0, producer side").isEqualTo(Map.of(
                    stringKey("messaging.system"), system(), stringKey("messaging.destination.name"), dest,
                    stringKey("messaging.operation.name"), "send", stringKey("messaging.operation.type"), "send",
                    stringKey("messaging.message.id"), seen.get("published"), stringKey("cloudevents.event_type"), OK));
            assertThat(publish.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
            assertThat(process.getTraceId()).as("the handler's span is in the ingest's trace across the broker")
                    .isEqualTo(trace);
            assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(process.getParentSpanId()).as("the process span is a child of the publish span")
                    .isEqualTo(publish.getSpanId());
            assertThat(process.getAttributes().asMap()).as("consumer side: the group; no error.type on success")
                    .isEqualTo(Map.of(stringKey("messaging.system"), system(), stringKey("messaging.destination.name"), dest,
                            stringKey("messaging.consumer.group.name"), "shipping",
                            stringKey("messaging.operation.name"), "process", stringKey("messaging.operation.type"), "process",
                            stringKey("messaging.message.id"), seen.get("published"),
                            stringKey("cloudevents.event_type"), OK));
            assertThat(process.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
            assertThat(exporter.getFinishedSpanItems()).filteredOn(s -> s.getName().equals("process " + dest))
                    .as("one delivery, one process span").hasSize(1);

            assertThat(seen.get("eventId")).isEqualTo(seen.get("published"));
            assertThat(seen.get("handlerThread")).as("the handler ran on the broker's consumer thread")
                    .isNotEqualTo(seen.get("ingestThread"));
            assertThat(seen.get("traceparent")).as("the trace context the event carried across the broker")
                    .isEqualTo("00-" + trace + "-" + publish.getSpanId() + "-01");
            assertThat(seen.get("handlerTrace")).isEqualTo(trace);
            assertThat(seen.get("handlerSpan")).isEqualTo(process.getSpanId());
            assertThat(seen.get("mdc." + Mdc.TRACE_ID)).isEqualTo(trace);
            assertThat(seen.get("mdc." + Mdc.SPAN_ID)).isEqualTo(process.getSpanId());
            assertThat(seen.get("mdc." + Mdc.EVENT_ID)).isEqualTo(seen.get("published"));
            assertThat(seen.get("mdc." + Mdc.EVENT_TYPE)).isEqualTo(OK);
            assertThat(seen.get("mdc." + Mdc.GROUP)).isEqualTo("shipping");
            assertThat(seen.get("mdc." + Mdc.DESTINATION)).isEqualTo(dest);

            // a failing event: its process span is marked failed, in its own trace, and its dead letter is written
            // although Camel's tracing adds its own headers to every message
            String failing = Eventrail.of(ctx).publisher().publish(FAILS, Map.of("orderId", "o-2"));
            ControlPlane cp = ctx.hasService(ManagementServer.class).controlPlane();
            DeadLetterQuery dead = new DeadLetterQuery(dest, "shipping", FAILS, "failed", null, null, 10);
            await("the failing event's dead letter", () -> cp.deadLetters(broker, dead).size() == 1);
            assertThat(cp.deadLetters(broker, dead).get(0).eventId()).isEqualTo(failing);
            await("its process span to end", () -> spans(exporter, "process " + dest).size() == 2);
            SpanData failedPublish = spans(exporter, "send " + dest).stream()
                    .filter(s -> failing.equals(s.getAttributes().get(stringKey("messaging.message.id"))))
                    .findFirst().orElseThrow();
            SpanData failedProcess = spans(exporter, "process " + dest).stream()
                    .filter(s -> failing.equals(s.getAttributes().get(stringKey("messaging.message.id"))))
                    .findFirst().orElseThrow();
            assertThat(failedPublish.getTraceId()).as("a publish outside any span starts a trace of its own")
                    .isNotEqualTo(trace);
            assertThat(failedProcess.getTraceId()).isEqualTo(failedPublish.getTraceId());
            assertThat(failedProcess.getParentSpanId()).isEqualTo(failedPublish.getSpanId());
            assertThat(failedProcess.getEvents()).extracting(io.opentelemetry.sdk.trace.data.EventData::getName)
                    .contains("attempt 1 failed: java.lang.IllegalStateException");
            assertThat(failedProcess.getAttributes().get(stringKey("error.type")))
                    .as("dead-lettered: the processing failed with the handler's exception")
                    .isEqualTo(IllegalStateException.class.getName());
            assertThat(failedProcess.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(failedPublish.getAttributes().get(stringKey("error.type"))).as("its send succeeded").isNull();
        } finally {
            ctx.stop();
            provider.close();
        }
    }

    /**
     * Publishes 3 good events (one of them twice), one whose handler always fails (2 attempts, then the dead letter,
     * then replayed once the handler works), one of a type the group has no handler for (kept for later), an
     * unreadable message straight to the broker, one refused by its validator and one of an undeclared type.
     */
    @Test
    void knownScenarioGivesKnownMetricValues() throws Exception {
        String broker = "mt" + run.substring(0, 4);
        String dest = "orders-" + run;
        String audit = "audit-" + run;
        AtomicBoolean failing = new AtomicBoolean(true);
        DefaultCamelContext ctx = start(properties(broker), r -> {
            r.type(OK).destination(dest).validator(e -> e.field("n") != null && e.field("n").matches("\\d+")
                    ? List.of() : List.of("n must be a number"));
            r.type(FAILS).destination(dest);
            r.type(LATER).destination(dest);
            r.type(AUDIT).destination(audit); // no consumer group
            r.consumer(dest).group("billing").on(OK, e -> { }).on(FAILS, e -> {
                if (failing.get()) {
                    throw new IllegalStateException("card declined");
                }
            });
        });
        try {
            Eventrail er = Eventrail.of(ctx);
            MeterRegistry registry = er.meterRegistry();
            Metrics m = new Metrics(registry);
            String[] billing = {Metrics.SYSTEM, system(), Metrics.BROKER, broker, Metrics.DESTINATION, dest,
                Metrics.GROUP, "billing"};

            er.publisher().publish(OK, Map.of("n", 1));
            er.publisher().publish(OK, Map.of("n", 2));
            CloudEvent twice = CloudEventBuilder.v1().withId("dup-" + run).withSource(URI.create("urn:it")).withType(OK)
                    .withData("application/json", "{\"n\":3}".getBytes(StandardCharsets.UTF_8)).build();
            er.publisher().publish(twice);
            er.publisher().publish(FAILS, Map.of("n", 4));
            er.publisher().publish(LATER, Map.of("n", 5));
            er.publisher().publish(AUDIT, Map.of("n", 6)); // refused by a broker that detects it, then kept for later
            ctx.createProducerTemplate().sendBody(er.broker(broker).producerUri(Destination.of(dest)), "not an event");
            assertThatThrownBy(() -> er.publisher().publish(OK, Map.of("n", "three")))
                    .isInstanceOf(InvalidEventException.class).hasMessageContaining("n must be a number");
            assertThatThrownBy(() -> er.publisher().publish("undeclared.type", Map.of()))
                    .isInstanceOf(InvalidEventException.class);
            // the second copy only after the first was handled, so it is a duplicate and never a concurrent claim
            await("3 good events processed", () -> m.total(Metrics.PROCESSED, Metrics.DESTINATION, dest) == 3);
            er.publisher().publish(twice);
            await("the duplicate skipped, 2 dead letters, 1 kept for later", () ->
                    m.total(Metrics.DUPLICATES, Metrics.DESTINATION, dest) == 1
                            && m.total(Metrics.DEAD_LETTERED, Metrics.DESTINATION, dest) == 2
                            && m.total(Metrics.STORED, Metrics.DESTINATION, dest) == 1);

            // the failed event replayed from its dead letter once its handler works
            failing.set(false);
            ControlPlane cp = ctx.hasService(ManagementServer.class).controlPlane();
            DeadLetterQuery failed = new DeadLetterQuery(dest, "billing", FAILS, "failed", null, null, 10);
            await("the failed event's dead letter listed", () -> cp.deadLetters(broker, failed).size() == 1);
            assertThat(cp.replay(Selection.matching(failed), null, false, 100, "it").done()).isEqualTo(1);
            await("the replayed event processed", () -> m.total(Metrics.PROCESSED, Metrics.TYPE, FAILS) == 1);

            // publisher side (no group): 4 + 1 + 1 confirmed, 1 replay; refused: 1 invalid, 1 undeclared
            assertThat(m.total(Metrics.SENT, Metrics.SYSTEM, system(), Metrics.BROKER, broker, Metrics.DESTINATION,
                    dest, Metrics.OPERATION_NAME, "send", Metrics.ERROR_TYPE, "")).isEqualTo(7.0);
            assertThat(m.total(Metrics.SENT, Metrics.DESTINATION, dest)).as("no failed attempt").isEqualTo(7.0);
            assertThat(registry.find(Metrics.SENT).tag(Metrics.DESTINATION, dest).counters())
                    .allSatisfy(c -> assertThat(c.getId().getTag(Metrics.GROUP)).as("no group on the producer side").isNull());
            assertThat(registry.find(Metrics.OPERATION_DURATION).tag(Metrics.DESTINATION, dest).tag(Metrics.ERROR_TYPE, "")
                    .timers().stream().mapToLong(Timer::count).sum()).as("one send duration per attempt").isEqualTo(7);
            if (er.broker(broker).capabilities().contains(Capability.DETECTS_NO_CONSUMER)) {
                assertThat(m.total(Metrics.SENT, Metrics.DESTINATION, audit, Metrics.ERROR_TYPE,
                        NoConsumerException.class.getName())).as("the attempt the broker refused").isEqualTo(1.0);
                assertThat(m.total(Metrics.SENT, Metrics.DESTINATION, audit, Metrics.ERROR_TYPE, "")).isZero();
                assertThat(m.total(Metrics.STORED, Metrics.DESTINATION, audit, Metrics.REASON, "no-consumer"))
                        .isEqualTo(1.0);
            } else {
                assertThat(m.total(Metrics.SENT, Metrics.DESTINATION, audit, Metrics.ERROR_TYPE, "")).isEqualTo(1.0);
                assertThat(m.total(Metrics.SENT, Metrics.DESTINATION, audit)).isEqualTo(1.0);
            }
            assertThat(m.total(Metrics.SENT, Metrics.DESTINATION, dest, Metrics.TYPE, OK)).isEqualTo(4.0);
            assertThat(m.total(Metrics.SENT, Metrics.DESTINATION, dest, Metrics.TYPE, FAILS)).isEqualTo(2.0);
            assertThat(m.total(Metrics.SENT, Metrics.DESTINATION, dest, Metrics.TYPE, LATER)).isEqualTo(1.0);
            assertThat(m.total(Metrics.REJECTED, Metrics.REASON, "invalid", Metrics.DESTINATION, dest,
                    Metrics.GROUP, "none", Metrics.TYPE, OK)).isEqualTo(1.0);
            assertThat(m.total(Metrics.REJECTED, Metrics.REASON, "unknown-type", Metrics.TYPE, "undeclared.type"))
                    .isEqualTo(1.0);

            // consumer side: 7 readable deliveries (the unreadable one is refused before it has a type)
            assertThat(m.total(Metrics.CONSUMED, billing)).isEqualTo(7.0);
            assertThat(m.total(Metrics.CONSUMED, tags(billing, Metrics.TYPE, OK))).isEqualTo(4.0);
            assertThat(m.total(Metrics.CONSUMED, tags(billing, Metrics.TYPE, FAILS))).isEqualTo(2.0);
            assertThat(m.total(Metrics.CONSUMED, tags(billing, Metrics.TYPE, LATER))).isEqualTo(1.0);
            assertThat(m.total(Metrics.PROCESSED, tags(billing, Metrics.TYPE, OK))).isEqualTo(3.0);
            assertThat(m.total(Metrics.PROCESSED, tags(billing, Metrics.TYPE, FAILS))).isEqualTo(1.0);
            assertThat(m.total(Metrics.DUPLICATES, tags(billing, Metrics.TYPE, OK))).isEqualTo(1.0);
            assertThat(m.total(Metrics.RETRIED, tags(billing, Metrics.TYPE, FAILS))).isEqualTo(1.0);
            assertThat(m.total(Metrics.RETRIED, billing)).isEqualTo(1.0);
            assertThat(m.total(Metrics.DEAD_LETTERED, tags(billing, Metrics.REASON, "failed", Metrics.TYPE, FAILS)))
                    .isEqualTo(1.0);
            assertThat(m.total(Metrics.DEAD_LETTERED, tags(billing, Metrics.REASON, "invalid", Metrics.TYPE, "none")))
                    .isEqualTo(1.0);
            assertThat(m.total(Metrics.REJECTED, tags(billing, Metrics.REASON, "invalid", Metrics.TYPE, "none")))
                    .isEqualTo(1.0);
            assertThat(m.total(Metrics.STORED, tags(billing, Metrics.REASON, "no-handler", Metrics.TYPE, LATER)))
                    .isEqualTo(1.0);
            assertThat(m.total(Metrics.REPLAYED, tags(billing, Metrics.REASON, "dead-letter", Metrics.TYPE, FAILS)))
                    .isEqualTo(1.0);
            assertThat(timed(registry, tags(billing, Metrics.ERROR_TYPE, "", Metrics.OPERATION_NAME, "process")))
                    .as("successful attempts")
                    .isEqualTo(4);
            assertThat(timed(registry, tags(billing, Metrics.ERROR_TYPE, IllegalStateException.class.getName(),
                    Metrics.TYPE, FAILS))).as("failed attempts").isEqualTo(2);

            // the same values on the Prometheus endpoint
            HttpResponse<String> scrape = get("http://127.0.0.1:" + ctx.hasService(ManagementServer.class).port()
                    + "/observe/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            String mine = "messaging_destination_name=\"" + dest + "\"";
            String sys = "messaging_system=\"" + system() + "\"";
            assertThat(scraped(scrape.body(), "messaging_client_sent_messages_total", mine, sys, "error_type=\"\"",
                    "messaging_operation_name=\"send\"")).isEqualTo(7.0);
            assertThat(scrape.body()).contains("# TYPE messaging_process_duration_seconds histogram")
                    .contains("# TYPE messaging_client_operation_duration_seconds histogram");
            assertThat(scraped(scrape.body(), "messaging_client_operation_duration_seconds_bucket", mine, sys,
                    "error_type=\"\"", "le=\"+Inf\"")).as("sends, in the buckets").isEqualTo(7.0);
            assertThat(scraped(scrape.body(), "messaging_client_operation_duration_seconds_bucket", mine, sys,
                    "le=\"10.0\"")).as("7 sends within 10 s").isEqualTo(7.0);
            assertThat(scraped(scrape.body(), "messaging_process_duration_seconds_bucket", mine, sys, "error_type=\"\"",
                    "messaging_operation_name=\"process\"", "le=\"+Inf\"")).isEqualTo(4.0);
            assertThat(scraped(scrape.body(), "messaging_process_duration_seconds_bucket", mine, sys,
                    "error_type=\"java.lang.IllegalStateException\"", "le=\"+Inf\"")).isEqualTo(2.0);
            assertThat(scrape.body().lines().filter(l -> l.startsWith("messaging_process_duration_seconds_bucket{")
                    && l.contains(mine) && l.contains("error_type=\"\"")).count())
                    .as("the advised buckets (14) and +Inf, per series").isEqualTo(15L * scrape.body().lines()
                            .filter(l -> l.startsWith("messaging_process_duration_seconds_count{") && l.contains(mine)
                                    && l.contains("error_type=\"\"")).count());
            assertThat(scraped(scrape.body(), "messaging_client_consumed_messages_total", mine, sys,
                    "messaging_consumer_group_name=\"billing\"")).isEqualTo(7.0);
            assertThat(scraped(scrape.body(), "messaging_process_duration_seconds_count", mine, sys)).isEqualTo(6.0);
            assertThat(scraped(scrape.body(), "eventrail_events_dead_lettered_total", mine, sys,
                    "eventrail_reason=\"failed\"", "eventrail_event_type=\"" + FAILS + "\"")).isEqualTo(1.0);
            assertThat(scraped(scrape.body(), "eventrail_events_stored_total", mine, "eventrail_reason=\"no-handler\""))
                    .isEqualTo(1.0);
            assertThat(scraped(scrape.body(), "eventrail_events_replayed_total", mine)).isEqualTo(1.0);
        } finally {
            ctx.stop();
        }
    }

    private static String[] tags(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    /** Handler attempts timed under {@code tags}, over every timer that matches. */
    private static long timed(MeterRegistry registry, String... tags) {
        return registry.find(Metrics.PROCESS_DURATION).tags(tags).timers().stream().mapToLong(Timer::count).sum();
    }

    /** The sum of the Prometheus samples of {@code name} whose labels contain every one of {@code labels}. */
    private static double scraped(String exposition, String name, String... labels) {
        return exposition.lines().filter(l -> l.startsWith(name + "{"))
                .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static List<SpanData> spans(InMemorySpanExporter exporter, String name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    private static SpanData find(InMemorySpanExporter exporter, String name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElse(null);
    }
}
