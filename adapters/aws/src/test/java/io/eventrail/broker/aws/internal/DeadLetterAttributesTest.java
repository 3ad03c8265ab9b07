package io.eventrail.broker.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.spi.DeadLetterHeaders;
import io.eventrail.spi.ops.DeadLetterSignature;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which message attributes a dead letter drops to fit SQS's and SNS's 10 ({@link AwsProducer#droppedFromDeadLetter}). */
class DeadLetterAttributesTest {
    /** Foreign names first, as a sorted header map would give them ("aa-…" before "eventrail_…"). */
    private static List<String> names(int foreign, String... more) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= foreign; i++) {
            names.add("aa-foreign-" + i);
        }
        names.addAll(DeadLetterHeaders.all());
        names.addAll(List.of(more));
        return names;
    }

    @Test
    void nothingIsDroppedWhenTheyFit() {
        assertThat(AwsProducer.droppedFromDeadLetter(names(0, DeadLetterSignature.HEADER, AwsBodies.ENCODING))).isEmpty();
        assertThat(AwsProducer.droppedFromDeadLetter(names(1, DeadLetterSignature.HEADER))).isEmpty();
    }

    @Test
    void theSignatureAndTheStandardHeadersStayTheEventsOwnAttributesGo() {
        assertThat(AwsProducer.droppedFromDeadLetter(names(4, DeadLetterSignature.HEADER)))
                .containsExactly("aa-foreign-2", "aa-foreign-3", "aa-foreign-4");
    }

    @Test
    void theBodyEncodingMarkerStaysToo() {
        assertThat(AwsProducer.droppedFromDeadLetter(names(2, DeadLetterSignature.HEADER, AwsBodies.ENCODING)))
                .containsExactly("aa-foreign-1", "aa-foreign-2");
    }
}
