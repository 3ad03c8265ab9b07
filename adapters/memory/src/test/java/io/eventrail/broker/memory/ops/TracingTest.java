package io.eventrail.broker.memory.ops;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventrail.PublishException;
import io.eventrail.internal.Mdc;
import io.eventrail.spi.NoConsumerException;
import io.eventrail.tck.internal.KitRoutes;
import io.eventrail.spi.Destination;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class TracingTest {

    @Test
    void oneTraceFromIngestRouteThroughPublishAndBrokerHopToHandler() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
        Map<String, String> seen = new ConcurrentHashMap<>();
        CountDownLatch handled = new CountDownLatch(1);
        try (OpsApp app = new OpsApp()) {
            app.context().getRegistry().bind("tracer", Tracer.class, otel.getTracer("test"));
            app.context().getRegistry().bind("propagators", ContextPropagators.class, otel.getPropagators());
            OpenTelemetryTracer camelTracing = new OpenTelemetryTracer();
            camelTracing.init(app.context());
            app.routes(r -> {
                r.type("order.placed").destination("orders");
                r.type("order.cancelled").destination("orders");
                r.consumer("orders").group("shipping").on("order.cancelled", e -> {
                    throw new IllegalStateException("cannot cancel");
                }).on("order.placed", e -> {
                    SpanContext current = Span.current().getSpanContext();
                    seen.put("handlerTrace", current.getTraceId());
                    seen.put("handlerSpan", current.getSpanId());
                    seen.put("traceparent", String.valueOf(e.extension("traceparent")));
                    seen.put("eventId", e.id());
                    for (String k : List.of(Mdc.EVENT_ID, Mdc.EVENT_TYPE, Mdc.GROUP, Mdc.TRACE_ID)) {
                        seen.put("mdc." + k, String.valueOf(MDC.get(k)));
                    }
                    handled.countDown();
                });
                // the HTTP ingest stand-in: a plain Camel route that publishes
                r.from("direct:ingest").routeId("ingest")
                        .process(ex -> app.publisher().publish("order.placed", Map.of("orderId", "o-1")));
            }).start();

            app.context().createProducerTemplate().sendBody("direct:ingest", "{}");

            assertThat(handled.await(10, TimeUnit.SECONDS)).as("handler called").isTrue();
            OpsApp.await("the process span to end", () -> find(exporter, "process orders") != null);
            SpanData publish = find(exporter, "send orders");
            SpanData process = find(exporter, "process orders");
            SpanData ingest = exporter.getFinishedSpanItems().stream()
                    .filter(s -> s.getSpanId().equals(publish.getParentSpanId())).findFirst().orElse(null);

            assertThat(ingest).as("the publish span is a child of the Camel ingest route's span: "
                    + exporter.getFinishedSpanItems()).isNotNull();
            String trace = ingest.getTraceId();
            assertThat(publish.getTraceId()).isEqualTo(trace);
            assertThat(publish.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(process.getTraceId()).isEqualTo(trace);
            assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(process.getParentSpanId()).as("handler span is a child of the publish span")
                    .isEqualTo(publish.getSpanId());
            assertThat(publish.getAttributes().asMap()).as("semantic conventions 1.37.0, producer side").isEqualTo(Map.of(
                    stringKey("messaging.system"), "memory", stringKey("messaging.destination.name"), "orders",
                    stringKey("messaging.operation.name"), "send", stringKey("messaging.operation.type"), "send",
                    stringKey("messaging.message.id"), seen.get("eventId"),
                    stringKey("cloudevents.event_type"), "order.placed"));
            assertThat(process.getAttributes().asMap()).as("consumer side: the group, no error.type").isEqualTo(Map.of(
                    stringKey("messaging.system"), "memory", stringKey("messaging.destination.name"), "orders",
                    stringKey("messaging.consumer.group.name"), "shipping",
                    stringKey("messaging.operation.name"), "process", stringKey("messaging.operation.type"), "process",
                    stringKey("messaging.message.id"), seen.get("eventId"),
                    stringKey("cloudevents.event_type"), "order.placed"));
            assertThat(publish.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
            assertThat(process.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
            assertThat(seen.get("handlerTrace")).isEqualTo(trace);
            assertThat(seen.get("handlerSpan")).isEqualTo(process.getSpanId());
            assertThat(seen.get("traceparent")).isEqualTo("00-" + trace + "-" + publish.getSpanId() + "-01");
            assertThat(seen.get("mdc." + Mdc.TRACE_ID)).isEqualTo(trace);
            assertThat(seen.get("mdc." + Mdc.EVENT_ID)).isEqualTo(seen.get("eventId"));
            assertThat(seen.get("mdc." + Mdc.EVENT_TYPE)).isEqualTo("order.placed");
            assertThat(seen.get("mdc." + Mdc.GROUP)).isEqualTo("shipping");
        } finally {
            provider.close();
        }
    }

    @Test
    void everyLogLineOfAnEventCarriesItsIdAndTraceIdAndTheThreadIsCleanAfterwards() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
        CountDownLatch second = new CountDownLatch(1);
        try (OpsApp app = new OpsApp(); CapturedLog log = CapturedLog.attach()) {
            app.context().getRegistry().bind("tracer", Tracer.class, otel.getTracer("test"));
            app.routes(r -> shipping(r, second)).start();

            String failed = app.publisher().publish("order.cancelled", Map.of("orderId", "o-9"));
            OpsApp.await("the dead-letter line", () -> log.lines().stream()
                    .anyMatch(l -> l.message().startsWith("Event dead-lettered") && l.message().contains(failed)));
            app.publisher().publish("order.placed", Map.of("orderId", "o-10"));
            assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
            OpsApp.await("the process span of the failed event", () -> find(exporter, "process orders") != null);
            String trace = exporter.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals("send orders")).findFirst().orElseThrow().getTraceId();

            List<CapturedLog.Line> pipeline = log.lines().stream()
                    .filter(l -> l.logger().equals("io.eventrail.pipeline") && l.message().contains(failed)).toList();
            assertThat(pipeline).as("pipeline lines of the failed event").isNotEmpty();
            assertThat(pipeline).allSatisfy(l -> {
                assertThat(l.mdc()).containsEntry(Mdc.EVENT_ID, failed).containsEntry(Mdc.EVENT_TYPE, "order.cancelled")
                        .containsEntry(Mdc.GROUP, "shipping").containsEntry(Mdc.DESTINATION, "orders");
                assertThat(l.mdc().get(Mdc.TRACE_ID)).isEqualTo(trace);
            });

            // an unreadable message on the same consumer thread (concurrency 1) is logged before any event is
            // known: its line must carry nothing left over from the events before it
            app.context().createProducerTemplate().sendBody(
                    app.eventrail().broker(app.broker).producerUri(Destination.of("orders")), "not an event");
            OpsApp.await("the invalid-event line", () -> log.lines().stream()
                    .anyMatch(l -> l.message().startsWith("Invalid event dead-lettered: id=unknown")));
            CapturedLog.Line unreadable = log.lines().stream()
                    .filter(l -> l.message().startsWith("Invalid event dead-lettered: id=unknown")).findFirst().orElseThrow();
            assertThat(unreadable.mdc()).as("no event keys left on the consumer thread").doesNotContainKeys(
                    Mdc.KEYS.toArray(String[]::new));
        } finally {
            provider.close();
        }
    }

    @Test
    void aFailedProcessOrSendCarriesErrorTypeAndTheSuccessfulOnesNone() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
        CountDownLatch placed = new CountDownLatch(1);
        try (OpsApp app = new OpsApp().with("eventrail.store.type", "none")) {
            app.context().getRegistry().bind("tracer", Tracer.class, otel.getTracer("test"));
            app.routes(r -> {
                shipping(r, placed);
                r.type("order.returned").destination("orders"); // no handler in the group, no store: a dead letter
                r.type("order.audited").destination("audit"); // no consumer group: the broker reports it
            }).start();

            String failed = app.publisher().publish("order.cancelled", Map.of("orderId", "o-1"));
            String unhandled = app.publisher().publish("order.returned", Map.of("orderId", "o-4"));
            String ok = app.publisher().publish("order.placed", Map.of("orderId", "o-2"));
            assertThatThrownBy(() -> app.publisher().publish("order.audited", Map.of("orderId", "o-3")))
                    .isInstanceOf(PublishException.class);
            assertThat(placed.await(10, TimeUnit.SECONDS)).isTrue();
            OpsApp.await("the three process spans to end", () -> spans(exporter, "process orders").size() == 3);

            SpanData failedProcess = byMessageId(spans(exporter, "process orders"), failed);
            assertThat(failedProcess.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(failedProcess.getAttributes().get(stringKey("error.type")))
                    .as("dead-lettered after its attempts: the handler's failure")
                    .isEqualTo(IllegalStateException.class.getName());
            assertThat(failedProcess.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(byMessageId(spans(exporter, "process orders"), ok).getAttributes().get(stringKey("error.type")))
                    .isNull();
            SpanData unhandledProcess = byMessageId(spans(exporter, "process orders"), unhandled);
            assertThat(unhandledProcess.getAttributes().get(stringKey("error.type")))
                    .as("dead-lettered without an exception: the reason").isEqualTo("no-handler");
            assertThat(unhandledProcess.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(spans(exporter, "send orders")).hasSize(3).allSatisfy(s -> {
                assertThat(s.getKind()).isEqualTo(SpanKind.PRODUCER);
                assertThat(s.getAttributes().get(stringKey("error.type"))).isNull();
            });
            SpanData refused = find(exporter, "send audit");
            assertThat(refused.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(refused.getAttributes().get(stringKey("error.type")))
                    .isEqualTo(NoConsumerException.class.getName());
            assertThat(refused.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        } finally {
            provider.close();
        }
    }

    /** Group shipping on orders: order.cancelled always fails (then its dead letter), order.placed counts down {@code placed}. */
    private static void shipping(KitRoutes r, CountDownLatch placed) {
        r.type("order.cancelled").destination("orders");
        r.type("order.placed").destination("orders");
        r.consumer("orders").group("shipping")
                .on("order.cancelled", e -> {
                    throw new IllegalStateException("cannot cancel");
                })
                .on("order.placed", e -> placed.countDown());
    }

    private static SpanData byMessageId(List<SpanData> spans, String id) {
        return spans.stream().filter(s -> id.equals(s.getAttributes().get(stringKey("messaging.message.id"))))
                .findFirst().orElseThrow(() -> new AssertionError("no span of message " + id + " in " + spans));
    }

    private static List<SpanData> spans(InMemorySpanExporter exporter, String name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    private static SpanData find(InMemorySpanExporter exporter, String name) {
        return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst().orElse(null);
    }
}
