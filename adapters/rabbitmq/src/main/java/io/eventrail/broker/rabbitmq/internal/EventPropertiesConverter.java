package io.eventrail.broker.rabbitmq.internal;

import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.springrabbit.DefaultMessagePropertiesConverter;
import org.springframework.amqp.core.MessageProperties;

/**
 * The component's mapping of received AMQP properties to Camel headers, plus: the AMQP
 * {@code content-type} property also as header {@value #CONTENT_TYPE} (where the event codec reads
 * {@code datacontenttype}), and without Spring's own publisher-correlation headers. Thread-safe.
 */
final class EventPropertiesConverter extends DefaultMessagePropertiesConverter {
    /** The Camel header the codec reads and writes {@code datacontenttype} in. */
    static final String CONTENT_TYPE = "content-type";

    @Override
    public Map<String, Object> fromMessageProperties(MessageProperties properties, Exchange exchange) {
        Map<String, Object> headers = super.fromMessageProperties(properties, exchange);
        headers.keySet().removeIf(k -> k.startsWith("spring_"));
        if (properties != null && properties.getContentType() != null) {
            headers.put(CONTENT_TYPE, properties.getContentType());
        }
        return headers;
    }
}
