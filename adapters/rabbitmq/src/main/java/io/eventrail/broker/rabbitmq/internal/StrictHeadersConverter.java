package io.eventrail.broker.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.LongString;
import io.eventrail.spi.codec.StrictUtf8;
import java.util.Map;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;

/**
 * Spring's conversion of received AMQP properties, except that a header string (an AMQP long string) whose bytes
 * are not valid UTF-8 reaches the codec as its raw bytes instead of a Java string with U+FFFD replacement
 * characters: the codec then refuses the event as malformed (dead letter, {@code reason=invalid}), so two ids that
 * differ only in such bytes are never read as one. Header strings up to {@code longStringLimit} bytes are converted,
 * longer ones reach the codec unconverted. Thread-safe.
 */
final class StrictHeadersConverter extends DefaultMessagePropertiesConverter {
    StrictHeadersConverter(int longStringLimit) {
        super(longStringLimit);
    }

    @Override
    public MessageProperties toMessageProperties(AMQP.BasicProperties source, Envelope envelope, String charset) {
        MessageProperties target = super.toMessageProperties(source, envelope, charset);
        Map<String, Object> raw = source == null ? null : source.getHeaders();
        if (raw != null) {
            raw.forEach((name, value) -> {
                if (value instanceof LongString s && !StrictUtf8.isValid(s.getBytes())) {
                    target.setHeader(name, s.getBytes());
                }
            });
        }
        return target;
    }
}
