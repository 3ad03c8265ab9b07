package io.eventrail.broker.rabbitmq.internal;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.support.converter.MessageConversionException;
import org.springframework.amqp.support.converter.MessageConverter;

/**
 * Keeps message bodies as the bytes on the wire in both directions, whatever the content type (the
 * component's default turns {@code text/*} bodies into strings in the platform charset, which would
 * not keep a payload byte for byte). Stateless.
 */
final class BytesMessageConverter implements MessageConverter {

    @Override
    public Message toMessage(Object object, MessageProperties properties) {
        if (object instanceof byte[] bytes) {
            return new Message(bytes, properties);
        }
        throw new MessageConversionException("expected a byte[] body, got "
                + (object == null ? "null" : object.getClass().getName()));
    }

    @Override
    public Object fromMessage(Message message) {
        return message.getBody();
    }
}
