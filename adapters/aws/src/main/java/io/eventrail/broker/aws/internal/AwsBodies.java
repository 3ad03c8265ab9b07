package io.eventrail.broker.aws.internal;

import io.eventrail.spi.codec.Sanitize;

import io.eventrail.spi.DeadLetterHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQS and SNS bodies are text of a restricted alphabet (XML characters: no NUL or other control
 * characters but tab, LF, CR, and valid UTF-8 only). A payload that is not such text travels in base64 with
 * the message attribute {@value #ENCODING}={@code base64}; consumers decode it back to the original bytes
 * and drop the attribute before the pipeline sees the message. Stateless. Public for the AWS Lambda entry points
 * ({@code eventrail-aws-lambda}), which receive the same messages without a camel-aws2-sqs consumer.
 */
public final class AwsBodies {
    private static final Logger LOG = LoggerFactory.getLogger(AwsBodies.class);
    /** The message attribute that marks a base64 body. */
    public static final String ENCODING = "eventrail_body_encoding";

    private AwsBodies() {
    }

    /** Sets {@code m}'s body to SQS-safe text, base64 with {@link #ENCODING} when the payload is not; returns it. */
    static String encode(Message m) {
        Object body = m.getBody();
        String text;
        if (body == null) {
            text = "";
        } else if (body instanceof String s) {
            text = s;
        } else {
            byte[] bytes = m.getBody(byte[].class);
            text = utf8(bytes);
            if (text == null) {
                return base64(m, bytes);
            }
        }
        if (!sendable(text)) {
            return base64(m, text.getBytes(StandardCharsets.UTF_8));
        }
        m.removeHeader(ENCODING);
        m.setBody(text);
        return text;
    }

    private static String base64(Message m, byte[] bytes) {
        String text = Base64.getEncoder().encodeToString(bytes);
        m.setHeader(ENCODING, "base64");
        m.setBody(text);
        return text;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * The original payload of an SQS body whose {@value #ENCODING} attribute is {@code encoding}: decoded when
     * it is {@code base64} (and the body is base64), else the body's UTF-8 bytes.
     */
    public static byte[] payload(String body, Object encoding) {
        String text = body == null ? "" : body;
        if ("base64".equals(encoding)) {
            try {
                return Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                // not base64 after all (a foreign producer): kept as it came
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether SQS accepts {@code text} as a body: #x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF. */
    static boolean sendable(String text) {
        // a loop over chars rather than codePoints(): this runs on every publish (a 4 KiB body is 4,096 chars)
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == 0x9 || c == 0xA || c == 0xD || c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD) {
                continue;
            }
            // a surrogate pair is a code point from #x10000 to #x10FFFF; a lone surrogate is not a character
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            return false;
        }
        return true;
    }

    /**
     * Wraps a consumer's {@code processor} so that it sees the original payload (and every dead-letter header),
     * and so that an {@link Error} thrown while processing fails the exchange (message kept) instead of
     * ending the consumer.
     */
    static Processor restoring(Processor processor, boolean deadLetters) {
        return new DelegateAsyncProcessor(AsyncProcessorConverterHelper.convert(processor)) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                restore(exchange.getMessage(), deadLetters);
                try {
                    return super.process(exchange, callback);
                } catch (Error crash) {
                    // camel-aws2-sqs rethrows an Error out of its poll, which ends the consumer's polling for
                    // good; failing the exchange instead leaves the message undeleted, so SQS delivers it again
                    LOG.error("Processing of SQS message {} crashed; it is not deleted and SQS delivers it again"
                            + " after its visibility timeout: {}", exchange.getMessage().getHeader("CamelAwsSqsMessageId"),
                            Sanitize.describe(crash));
                    exchange.setException(new IllegalStateException("processing crashed: " + Sanitize.describe(crash), crash));
                    // the Error skipped the route's unit-of-work completion: complete it, so that the consumer's
                    // on-failure (no delete) and the end of the visibility extension run, and nothing stays in flight
                    UnitOfWork uow = exchange.getUnitOfWork();
                    if (uow != null) {
                        uow.done(exchange);
                        exchange.getExchangeExtension().setUnitOfWork(null);
                    }
                    callback.done(true);
                    return true;
                }
            }
        };
    }

    static void restore(Message m, boolean deadLetters) {
        Object encoding = m.removeHeader(ENCODING);
        if ("base64".equals(encoding)) {
            m.setBody(payload(m.getBody(String.class), encoding));
        }
        if (deadLetters && m.getHeader(DeadLetterHeaders.REASON) != null) {
            // SQS refuses empty attribute values: empty dead-letter headers travel absent
            for (String h : DeadLetterHeaders.all()) {
                if (m.getHeader(h) == null) {
                    m.setHeader(h, "");
                }
            }
        }
    }
}
