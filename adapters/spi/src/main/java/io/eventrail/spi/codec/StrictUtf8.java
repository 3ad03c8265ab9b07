package io.eventrail.spi.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding that refuses bytes which are not UTF-8 instead of replacing them with U+FFFD, for header values
 * that identify an event: with replacement two different byte sequences read as one text, and the second event
 * would be taken for a duplicate of the first. Stateless.
 */
public final class StrictUtf8 {
    private StrictUtf8() {
    }

    /** {@code bytes} as text. @throws CharacterCodingException when they are not valid UTF-8 */
    public static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    }

    /** Whether {@code bytes} are valid UTF-8. */
    public static boolean isValid(byte[] bytes) {
        try {
            decode(bytes);
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
