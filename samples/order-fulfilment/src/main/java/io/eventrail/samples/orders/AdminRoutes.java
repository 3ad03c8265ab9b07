package io.eventrail.samples.orders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The operator's switches on camel-main's HTTP server ({@code camel.server.*}, loopback by default):
 * {@code GET|POST /admin/payment-provider[?failing=true|false]} (a POST changes the switch; both answer
 * its state as JSON) and {@code GET /admin/ledger} (the effects per order). A bad value answers 400. The
 * switch is the sample's stand-in for "the payment provider was fixed"; dead letters and stored events
 * themselves are handled on Eventrail's management port.
 */
public class AdminRoutes extends RouteBuilder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OrderServices services;

    /** Switches over {@code services}. */
    public AdminRoutes(OrderServices services) {
        this.services = Objects.requireNonNull(services, "services");
    }

    @Override
    public void configure() {
        PaymentProvider payments = services.payments();
        toggle("/admin/payment-provider", "failing", payments::failing, payments::failing);
        from("platform-http:/admin/ledger?httpMethodRestrict=GET&muteException=true").routeId("admin-ledger")
                .process(exchange -> answer(exchange, 200, services.ledger().snapshot()));
    }

    private void toggle(String path, String name, Supplier<Boolean> get, Consumer<Boolean> set) {
        from("platform-http:" + path + "?httpMethodRestrict=GET,POST&muteException=true")
                .routeId("admin" + path.substring("/admin".length()).replace('/', '-'))
                .process(exchange -> {
                    if ("POST".equals(exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class))) {
                        String value = exchange.getMessage().getHeader(name, String.class);
                        if (!"true".equals(value) && !"false".equals(value)) {
                            answer(exchange, 400, Map.of("error", "query parameter " + name + " must be true or false"));
                            return;
                        }
                        set.accept(Boolean.valueOf(value));
                    }
                    answer(exchange, 200, Map.of(name, get.get()));
                });
    }

    private static void answer(Exchange exchange, int status, Object body) throws JsonProcessingException {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(JSON.writeValueAsString(body) + "\n");
    }
}
