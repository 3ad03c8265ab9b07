package io.eventrail.samples.signup.http;

import io.eventrail.Eventrail;
import io.eventrail.store.ReplayRequest;
import io.eventrail.store.ReplayResult;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * {@code POST /replay[?type=T]} replays the store for later on demand (all kept events, or those of type
 * {@code T}) and answers {@code 200 {"replayed":n,"stillWaiting":n,"failed":n}}; {@code 409} when no
 * store is configured.
 */
public class ReplayRoutes extends RouteBuilder {
    @Override
    public void configure() {
        Eventrail eventrail = Eventrail.of(getContext());
        from("platform-http:/replay?httpMethodRestrict=POST&muteException=true").routeId("http-replay")
                .process(exchange -> {
                    String type = exchange.getMessage().getHeader("type", String.class);
                    exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                    if (eventrail.eventStore().isEmpty()) {
                        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 409);
                        exchange.getMessage().setBody("{\"error\":\"no store for later is configured\"}");
                        return;
                    }
                    ReplayRequest request = ReplayRequest.all();
                    if (type != null && !type.isBlank()) {
                        request = request.types(type);
                    }
                    ReplayResult r = eventrail.replay(request);
                    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                    exchange.getMessage().setBody("{\"replayed\":" + r.replayed() + ",\"stillWaiting\":"
                            + r.stillWaiting() + ",\"failed\":" + r.failed() + "}");
                }).id("replay");
    }
}
