package io.eventrail.it.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.eventrail.lambda.SqsEventHandler;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Run by {@link LambdaColdStartIT} in a JVM of its own whose class path is the sample function's deployment package
 * (plus this class): what a Lambda execution environment does on a cold start — construct the handler with its
 * no-argument constructor, invoke it — then warm invocations of 10 messages. Prints one line of figures. Uses only
 * the JDK and the package's classes. Settings come as {@code -D} system properties.
 */
public final class ColdStartMain {
    private ColdStartMain() {
    }

    public static void main(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long mainStart = System.currentTimeMillis();
        int invocations = Integer.parseInt(args.length > 0 ? args[0] : "50");
        SqsEventHandler handler = new SqsEventHandler();
        long t0 = System.nanoTime();
        SQSBatchResponse first = handler.handleRequest(batch(1), null);
        long firstNanos = System.nanoTime() - t0;
        if (!first.getBatchItemFailures().isEmpty()) {
            throw new IllegalStateException("the first invocation reported failures: " + first);
        }
        long t1 = System.nanoTime();
        SQSBatchResponse second = handler.handleRequest(batch(1), null);
        long secondNanos = System.nanoTime() - t1;
        long[] times = new long[invocations];
        for (int i = 0; i < invocations; i++) {
            SQSEvent event = batch(10);
            long t = System.nanoTime();
            SQSBatchResponse r = handler.handleRequest(event, null);
            times[i] = System.nanoTime() - t;
            if (!r.getBatchItemFailures().isEmpty() || !second.getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("a warm invocation reported failures: " + r);
            }
        }
        long[] last = Arrays.copyOfRange(times, invocations / 2, invocations); // after the JIT warmed up
        Arrays.sort(last);
        Arrays.sort(times);
        System.out.printf("COLD START: JVM start to main %d ms; first invocation (1 message) %d ms; second "
                        + "invocation (1 message) %.1f ms; warm invocations of 10 messages: median %.1f ms overall, "
                        + "%.1f ms over the last %d (%.2f ms per message), max %.1f ms%n",
                mainStart - jvmStart, firstNanos / 1_000_000, secondNanos / 1e6, times[invocations / 2] / 1e6,
                last[last.length / 2] / 1e6, last.length, last[last.length / 2] / 1e6 / 10, times[invocations - 1] / 1e6);
        handler.close();
        System.exit(0);
    }

    /** {@code n} valid ORDER_PLACED messages as the Lambda SQS poller hands them (fresh ids, first receive). */
    private static SQSEvent batch(int n) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = UUID.randomUUID().toString();
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId(UUID.randomUUID().toString());
            m.setReceiptHandle("AQEB" + id);
            m.setBody("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"urn:shop\",\"type\":\"ORDER_PLACED\","
                    + "\"datacontenttype\":\"application/json\",\"data\":{\"orderId\":\"" + id + "\",\"amount\":42.5}}");
            m.setAttributes(Map.of("ApproximateReceiveCount", "1", "SentTimestamp", "1545082649183"));
            m.setMessageAttributes(Map.of());
            m.setEventSource("aws:sqs");
            m.setEventSourceArn("arn:aws:sqs:us-east-1:000000000000:orders");
            m.setAwsRegion("us-east-1");
            records.add(m);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }
}
