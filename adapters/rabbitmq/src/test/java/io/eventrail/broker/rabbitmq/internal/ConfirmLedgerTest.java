package io.eventrail.broker.rabbitmq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.broker.rabbitmq.internal.ConfirmLedger.Entry;
import io.eventrail.broker.rabbitmq.internal.ConfirmLedger.Outcome;
import io.eventrail.broker.rabbitmq.internal.ConfirmLedger.Result;
import io.eventrail.broker.rabbitmq.internal.ConfirmLedger.ReturnKey;
import io.eventrail.broker.rabbitmq.internal.ConfirmLedger.Returned;
import io.eventrail.broker.rabbitmq.internal.ConfirmLedger.Settled;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The delivery-tag bookkeeping of a confirm channel with many unconfirmed publishes: single and multiple acks and
 * nacks, returns tied to their own publish whatever the order of confirms, deadlines and the channel's close. Each
 * publish records what its sink received, so a second outcome or one meant for another publish shows. No broker.
 */
class ConfirmLedgerTest {
    private static final long FAR = Long.MAX_VALUE / 2;
    private final ConfirmLedger ledger = new ConfirmLedger();
    /** what each tag's sink received, in order */
    private final Map<Long, List<Result>> received = new TreeMap<>();

    private List<Result> got(long tag) {
        return received.get(tag);
    }

    private void add(long tag, String id, long deadline) {
        List<Result> mine = new ArrayList<>();
        received.put(tag, mine);
        ledger.add(new Entry(tag, key(id), deadline, mine::add));
    }

    private static ReturnKey key(String id) {
        return new ReturnKey(id, "orders", "order.placed");
    }

    private static Returned noRoute() {
        return new Returned(312, "NO_ROUTE", "orders", "order.placed");
    }

    private Outcome only(long tag) {
        assertThat(received.get(tag)).as("outcomes of tag %d", tag).hasSize(1);
        return received.get(tag).get(0).outcome();
    }

    private int deliver(Settled s) {
        s.deliver();
        return s.freed();
    }

    @Test
    @DisplayName("a multiple ack confirms every tag up to it and no later one; a single ack only its own tag")
    void multipleAndSingleAcks() {
        for (long t = 1; t <= 10; t++) {
            add(t, "e" + t, FAR);
        }
        assertThat(deliver(ledger.confirm(4, true, true))).isEqualTo(4);
        assertThat(deliver(ledger.confirm(7, false, true))).isEqualTo(1);
        for (long t = 1; t <= 4; t++) {
            assertThat(only(t)).isEqualTo(Outcome.ACK);
        }
        assertThat(only(7)).isEqualTo(Outcome.ACK);
        assertThat(got(5)).isEmpty();
        assertThat(got(6)).isEmpty();
        assertThat(ledger.size()).isEqualTo(5);
        assertThat(deliver(ledger.confirm(10, true, true))).isEqualTo(5); // 5, 6, 8, 9, 10 (7 is gone)
        assertThat(ledger.size()).isZero();
        received.keySet().forEach(t -> assertThat(only(t)).isEqualTo(Outcome.ACK));
        assertThat(deliver(ledger.confirm(10, true, true))).as("a repeated ack confirms nothing again").isZero();
        received.keySet().forEach(t -> assertThat(received.get(t)).hasSize(1));
    }

    @Test
    @DisplayName("nacks, single and multiple, fail exactly the publishes they cover")
    void nacks() {
        for (long t = 1; t <= 6; t++) {
            add(t, "e" + t, FAR);
        }
        deliver(ledger.confirm(2, false, false));
        deliver(ledger.confirm(3, true, true)); // 1 and 3
        deliver(ledger.confirm(5, true, false)); // 4 and 5
        deliver(ledger.confirm(6, false, true));
        assertThat(List.of(only(1), only(2), only(3), only(4), only(5), only(6)))
                .containsExactly(Outcome.ACK, Outcome.NACK, Outcome.ACK, Outcome.NACK, Outcome.NACK, Outcome.ACK);
    }

    @Test
    @DisplayName("a return is tied to its own publish by event id, while earlier routed publishes are still unconfirmed")
    void returnTiedByEventIdNotByOrder() {
        add(1, "routed-1", FAR);
        add(2, "lost", FAR);
        add(3, "routed-2", FAR);
        // the broker returns 2 and confirms it at once; 1 and 3 wait for their queue
        assertThat(ledger.returned(key("lost"), noRoute())).isTrue();
        deliver(ledger.confirm(2, false, true));
        assertThat(only(2)).isEqualTo(Outcome.RETURNED);
        assertThat(got(2).get(0).returned()).isEqualTo(noRoute());
        deliver(ledger.confirm(3, true, true));
        assertThat(only(1)).isEqualTo(Outcome.ACK);
        assertThat(only(3)).isEqualTo(Outcome.ACK);
    }

    @Test
    @DisplayName("returns of several publishes confirmed by one multiple ack each reach their own publish")
    void returnsBeforeOneMultipleAck() {
        for (long t = 1; t <= 6; t++) {
            add(t, "e" + t, FAR);
        }
        ledger.returned(key("e2"), noRoute());
        ledger.returned(key("e5"), noRoute());
        assertThat(ledger.returned(key("unknown"), noRoute())).as("a return of no publish in the ledger").isFalse();
        deliver(ledger.confirm(6, true, true));
        assertThat(List.of(only(1), only(2), only(3), only(4), only(5), only(6))).containsExactly(Outcome.ACK,
                Outcome.RETURNED, Outcome.ACK, Outcome.ACK, Outcome.RETURNED, Outcome.ACK);
    }

    @Test
    @DisplayName("the same event id in flight twice: returns go to the oldest publish not yet returned, in order")
    void sameIdTwice() {
        add(1, "dup", FAR);
        add(2, "other", FAR);
        add(3, "dup", FAR);
        ledger.returned(key("dup"), noRoute());
        deliver(ledger.confirm(1, false, true));
        assertThat(only(1)).isEqualTo(Outcome.RETURNED);
        deliver(ledger.confirm(3, true, true));
        assertThat(only(3)).as("the second 'dup' was not returned").isEqualTo(Outcome.ACK);
        // the other way round: the first was confirmed (routed) before the second's return came
        add(4, "dup", FAR);
        add(5, "dup", FAR);
        deliver(ledger.confirm(4, false, true));
        ledger.returned(key("dup"), noRoute());
        deliver(ledger.confirm(5, false, true));
        assertThat(only(4)).isEqualTo(Outcome.ACK);
        assertThat(only(5)).isEqualTo(Outcome.RETURNED);
        // a return keyed by a different exchange or routing key is not this publish's
        add(6, "dup", FAR);
        assertThat(ledger.returned(new ReturnKey("dup", "payments", "order.placed"), noRoute())).isFalse();
        deliver(ledger.confirm(6, false, true));
        assertThat(only(6)).isEqualTo(Outcome.ACK);
    }

    @Test
    @DisplayName("a publish without an event id is tied by exchange and routing key, oldest first")
    void noEventId() {
        add(1, null, FAR);
        add(2, null, FAR);
        ledger.returned(key(null), noRoute());
        deliver(ledger.confirm(2, true, true));
        assertThat(only(1)).isEqualTo(Outcome.RETURNED);
        assertThat(only(2)).isEqualTo(Outcome.ACK);
    }

    @Test
    @DisplayName("a passed deadline fails every awaited publish once; late confirms and returns of them are dropped and free their slots")
    void deadlines() {
        add(1, "a", 100);
        add(2, "b", 200);
        add(3, "c", 300);
        assertThat(deliver(ledger.expire(99))).isZero();
        assertThat(got(1)).isEmpty();
        deliver(ledger.expire(150));
        assertThat(only(1)).isEqualTo(Outcome.TIMEOUT);
        assertThat(only(2)).isEqualTo(Outcome.EARLIER_TIMEOUT);
        assertThat(only(3)).isEqualTo(Outcome.EARLIER_TIMEOUT);
        assertThat(ledger.size()).as("timed-out publishes keep their slots").isEqualTo(3);
        assertThat(ledger.awaited()).isZero();
        deliver(ledger.expire(1000));
        add(4, "a", 1100); // a retry of 'a' while the late answer of the first is still due
        assertThat(ledger.returned(key("a"), noRoute())).isTrue(); // the first 'a' was returned, late
        assertThat(deliver(ledger.confirm(3, true, true))).isEqualTo(3);
        assertThat(got(1)).as("no second outcome").hasSize(1);
        deliver(ledger.confirm(4, false, true));
        assertThat(only(4)).as("the late return was the first publish's, not the retry's").isEqualTo(Outcome.ACK);
        assertThat(ledger.size()).isZero();
    }

    @Test
    @DisplayName("the channel's close fails every awaited publish with its cause, once, and frees every slot")
    void close() {
        add(1, "a", 100);
        add(2, "b", FAR);
        add(3, "c", FAR);
        deliver(ledger.expire(100)); // 1 times out, 2 and 3 with it
        add(4, "d", FAR);
        add(5, "e", FAR);
        deliver(ledger.confirm(4, false, true));
        IOException cause = new IOException("connection reset");
        assertThat(deliver(ledger.closeAll(cause))).isEqualTo(4);
        assertThat(only(4)).isEqualTo(Outcome.ACK);
        assertThat(only(5)).isEqualTo(Outcome.CLOSED);
        assertThat(got(5).get(0).cause()).isSameAs(cause);
        assertThat(only(1)).isEqualTo(Outcome.TIMEOUT);
        assertThat(ledger.size()).isZero();
        assertThat(deliver(ledger.confirm(5, true, true))).isZero();
        assertThat(got(5)).hasSize(1);
    }

    @Test
    @DisplayName("a publish whose message could not be written leaves the ledger without an outcome")
    void removedAfterAFailedWrite() {
        add(1, "a", FAR);
        add(2, "b", FAR);
        assertThat(ledger.remove(2)).isNotNull();
        assertThat(ledger.remove(2)).isNull();
        assertThat(ledger.returned(key("b"), noRoute())).isFalse();
        deliver(ledger.confirm(2, true, true));
        assertThat(only(1)).isEqualTo(Outcome.ACK);
        assertThat(got(2)).isEmpty();
    }

    @Test
    @DisplayName("10,000 publishes confirmed by multiple acks of varying reach: each confirmed exactly once")
    void manyMultipleAcks() {
        int n = 10_000;
        for (long t = 1; t <= n; t++) {
            add(t, "e" + t, FAR);
        }
        int freed = 0;
        for (long upTo = 7; upTo < n; upTo += 1 + (upTo % 13)) {
            freed += deliver(ledger.confirm(upTo, true, true));
        }
        freed += deliver(ledger.confirm(n, true, true));
        assertThat(freed).isEqualTo(n);
        received.keySet().forEach(t -> assertThat(only(t)).isEqualTo(Outcome.ACK));
    }
}
