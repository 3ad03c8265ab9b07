package io.eventrail.it.kafka;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node KRaft broker and controller in this JVM, from a {@code server.properties} of the test's own (such
 * as {@link KafkaProcess#serverProperties()} with listeners of its choice): formatted with {@code StorageTool}, then
 * {@link KafkaRaftServer}. Starting in the test JVM takes a second or two where a separate JVM on the test
 * classpath takes much longer on a busy machine. {@link #close()} shuts it down; the caller deletes the folders.
 */
public final class KafkaInJvm implements AutoCloseable {
    private final KafkaRaftServer server;

    /** Formats the log directories of {@code serverProperties} and starts the broker. */
    public KafkaInJvm(Path serverProperties) throws Exception {
        KafkaTestCluster.guardExit();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int formatted = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
                serverProperties.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8));
        if (formatted != 0) {
            throw new AssertionError("formatting the Kafka log directory failed: " + out.toString(StandardCharsets.UTF_8));
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(serverProperties)) {
            props.load(in);
        }
        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
