package io.eventrail.asyncapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventrail.EventRoutes;
import io.eventrail.EventrailConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The document of the kit route set (every DSL feature, every broker type), checked by the AsyncAPI parser. */
class AsyncApiTest {
    private static AsyncApiDocument kit;
    private static JsonNode tree;

    @BeforeAll
    static void describeKit() throws IOException {
        kit = AsyncApi.describe(new KitRoutes(), kitProperties(), AsyncApiOptions.titled("asyncapi-kit"));
        tree = kit.tree();
    }

    static Properties kitProperties() throws IOException {
        Properties p = new Properties();
        try (InputStream in = AsyncApiTest.class.getResourceAsStream("/kit.properties")) {
            p.load(in);
        }
        return p;
    }

    @Test
    @DisplayName("the AsyncAPI parser finds no error in the kit's document, as YAML and as JSON")
    void parserAcceptsKitDocument() throws Exception {
        Path dir = Files.createDirectories(Paths.get("target/asyncapi"));
        Path yaml = Files.writeString(dir.resolve("kit.yaml"), kit.toYaml());
        Path json = Files.writeString(dir.resolve("kit.json"), kit.toJson());
        List<AsyncApiParser.Diagnostic> diagnostics = AsyncApiParser.parse(yaml, json);
        assertThat(diagnostics).filteredOn(d -> d.severity() <= 1).as("errors and warnings").isEmpty();
        // the parser does read the document: it reports that a newer AsyncAPI version exists
        assertThat(diagnostics).extracting(AsyncApiParser.Diagnostic::code).contains("asyncapi-latest-version");
    }

    @Test
    @DisplayName("the parser does report an error in a broken document (the check can fail)")
    void parserRefusesBrokenDocument() throws Exception {
        Path dir = Files.createDirectories(Paths.get("target/asyncapi"));
        String broken = kit.toYaml().replace("action: receive", "action: listen");
        Path file = Files.writeString(dir.resolve("kit-broken.yaml"), broken);
        assertThat(AsyncApiParser.errors(file)).isNotEmpty();
    }

    @Test
    @DisplayName("every broker instance is a server; no credential reaches the document")
    void servers() {
        JsonNode servers = tree.path("servers");
        assertThat(servers.path("kafka").path("protocol").asText()).isEqualTo("kafka");
        assertThat(servers.path("kafka").path("host").asText()).isEqualTo("kafka-1.example:9092,kafka-2.example:9092");
        assertThat(servers.path("rabbit").path("protocol").asText()).isEqualTo("amqp");
        assertThat(servers.path("rabbit").path("host").asText()).isEqualTo("rabbit.example:5672");
        assertThat(servers.path("queues").path("host").asText()).isEqualTo("sqs.eu-west-1.amazonaws.com");
        assertThat(servers.path("topics").path("host").asText()).isEqualTo("127.0.0.1:4566");
        assertThat(servers.path("local").path("protocol").asText()).isEqualTo("memory");
        String text = kit.toJson() + kit.toYaml();
        assertThat(text).doesNotContain("not-in-the-document", "AKIDKIT");
    }

    @Test
    @DisplayName("a destination is a channel per broker instance with its bindings; each dead letter is a channel")
    void channels() {
        JsonNode kafka = channel("kit.orders", "kafka");
        assertThat(kafka.path("bindings").path("kafka").path("topic").asText()).isEqualTo("kit.orders");
        assertThat(kafka.path("bindings").path("kafka").path("partitions").asInt()).isEqualTo(6);
        assertThat(kafka.path("bindings").path("kafka").path("replicas").asInt()).isEqualTo(3);
        assertThat(channel("kit.orders.shipping-overridden.dlq", "kafka").path("bindings").path("kafka").path("topic").asText())
                .as("per-group dead-letter topic, group overridden by eventrail.pipelines.shipping-kafka.group")
                .isEqualTo("kit.orders.shipping-overridden.dlq");
        JsonNode exchange = channel("orders", "rabbit").path("bindings").path("amqp");
        assertThat(exchange.path("is").asText()).isEqualTo("routingKey");
        assertThat(exchange.path("exchange").path("type").asText()).isEqualTo("topic");
        assertThat(channel("orders.shipping", "rabbit").path("bindings").path("amqp").path("queue").path("name").asText())
                .isEqualTo("orders.shipping");
        assertThat(channel("orders.shipping.dlq", "rabbit")).isNotNull();
        JsonNode sqs = channel("kit-orders_jobs", "queues").path("bindings").path("sqs");
        assertThat(sqs.path("queue").path("redrivePolicy").path("deadLetterQueue").path("name").asText())
                .isEqualTo("kit-orders_jobs-dlq");
        assertThat(channel("kit-orders_jobs-dlq", "queues")).isNotNull();
        JsonNode sns = channel("orders.fifo", "topics").path("bindings").path("sns");
        assertThat(sns.path("ordering").path("type").asText()).isEqualTo("FIFO");
        assertThat(channel("orders-shipping.fifo", "topics").path("bindings").path("sqs").path("queue").path("fifoQueue")
                .asBoolean()).isTrue();
        assertThat(channel("orders-fraud-dlq.fifo", "topics")).isNotNull();
        assertThat(channel("kit.orders.billing.dlq", "local").path("messages").has("KIT_ORDER_dead_letter")).isTrue();
    }

    @Test
    @DisplayName("each event type is a message with its schema, partition key and CloudEvents headers")
    void messages() {
        JsonNode order = tree.path("components").path("messages").path("KIT_ORDER");
        assertThat(order.path("summary").asText()).isEqualTo("A customer placed an order.");
        assertThat(order.path("payload").path("schema").path("$id").asText()).isEqualTo("urn:eventrail:kit:order");
        assertThat(order.path("x-eventrail-partition-key").asText()).isEqualTo("the order id (data.orderId)");
        assertThat(order.path("headers").path("required")).extracting(JsonNode::asText)
                .containsExactly("ce_id", "ce_source", "ce_specversion", "ce_type");
        assertThat(order.path("headers").path("properties").path("ce_type").path("const").asText()).isEqualTo("KIT_ORDER");
        JsonNode rabbit = tree.path("components").path("messages").path("KIT_RABBIT");
        assertThat(rabbit.path("headers").path("properties").has("cloudEvents_id")).isTrue();
        JsonNode sns = tree.path("components").path("messages").path("KIT_SNS");
        assertThat(sns.path("contentType").asText()).isEqualTo("application/cloudevents+json");
        assertThat(sns.path("payload").path("schema").path("properties").path("data").path("$id").asText())
                .isEqualTo("urn:eventrail:kit:order");
        JsonNode kafka = tree.path("components").path("messages").path("KIT_KAFKA");
        assertThat(kafka.path("bindings").path("kafka").path("key").path("description").asText())
                .isEqualTo("computed by the application");
        assertThat(tree.path("components").path("messages").path("KIT_AUDIT").path("x-eventrail-partition-key").asText())
                .isEqualTo("the CloudEvents subject");
        assertThat(tree.path("components").path("messages").path("KIT_PRICE_CHANGED").path("description").asText())
                .contains("declared by the application that publishes it");
        assertThat(tree.path("components").path("messages").path("KIT_ORDER_dead_letter").path("headers")
                .path("properties").has("eventrail_dlq_reason")).isTrue();
    }

    @Test
    @DisplayName("each consumer group is a receive operation, each published destination a send, each dead letter a send")
    void operations() {
        JsonNode ops = tree.path("operations");
        List<String> names = new ArrayList<>();
        ops.fieldNames().forEachRemaining(names::add);
        assertThat(names).contains("send_local_kit_orders", "send_kafka_orders", "send_rabbit_orders", "send_queues_orders_jobs",
                "send_topics_orders", "receive_kit_orders-billing", "receive_analytics", "receive_audit",
                "receive_shipping-kafka", "receive_orders-invoicing", "receive_shipping-rabbit", "receive_orders_jobs-workers",
                "receive_shipping-sns", "receive_fraud-sns", "dead_letter_audit");
        assertThat(ops.path("send_local_kit_orders").path("messages")).hasSize(2);
        JsonNode audit = ops.path("receive_audit").path("x-eventrail-pipeline");
        assertThat(audit.path("concurrency").asInt()).isEqualTo(4);
        assertThat(audit.path("maxAttempts").asInt()).isEqualTo(7);
        assertThat(ops.path("receive_analytics").path("x-eventrail-pipeline").path("idempotent").asBoolean()).isFalse();
        assertThat(ops.path("receive_analytics").path("messages").toString()).contains("KIT_PRICE_CHANGED");
        assertThat(ops.path("receive_shipping-kafka").path("bindings").path("kafka").path("groupId").path("enum").get(0).asText())
                .isEqualTo("shipping-overridden");
        assertThat(ops.path("receive_shipping-rabbit").path("channel").path("$ref").asText())
                .isEqualTo("#/channels/rabbit_orders_shipping");
        assertThat(ops.path("receive_kit_orders-billing").path("description").asText()).startsWith("Bills each order.");
    }

    @Test
    @DisplayName("the same declarations and settings give the same bytes")
    void deterministic() throws IOException {
        AsyncApiDocument again = AsyncApi.describe(new KitRoutes(), kitProperties(), AsyncApiOptions.titled("asyncapi-kit"));
        assertThat(again.toYaml()).isEqualTo(kit.toYaml());
        assertThat(again.toJson()).isEqualTo(kit.toJson());
    }

    @Test
    @DisplayName("a pipeline on a broker instance that is not configured fails naming it")
    void unknownBroker() {
        EventRoutes routes = new EventRoutes() {
            @Override
            protected void configureEvents() {
                consume("x").broker("nowhere").group("g").on("T", e -> { });
            }
        };
        assertThatThrownBy(() -> AsyncApi.describe(routes, new Properties(), AsyncApiOptions.titled("t")))
                .isInstanceOf(EventrailConfigurationException.class).hasMessageContaining("'nowhere'");
    }

    @Test
    @DisplayName("an unknown format is refused naming it")
    void unknownFormat() {
        assertThatThrownBy(() -> kit.as("xml")).hasMessageContaining("'xml'");
        assertThat(kit.as("YAML")).isEqualTo(kit.toYaml());
    }

    /** The channel of {@code address} on server {@code server}. */
    private static JsonNode channel(String address, String server) {
        List<JsonNode> found = new ArrayList<>();
        tree.path("channels").forEach(c -> {
            if (c.path("address").asText().equals(address)
                    && c.path("servers").get(0).path("$ref").asText().equals("#/servers/" + server)) {
                found.add(c);
            }
        });
        assertThat(found).as("channel " + address + " on " + server).hasSize(1);
        return found.get(0);
    }
}
