package io.eventrail.bench;

import io.eventrail.EventRoutes;
import io.eventrail.Eventrail;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.impl.DefaultCamelContext;

/** Heap and RSS of a JVM running Eventrail with 1 or 10 consumer pipelines; each measurement in a fresh child JVM. */
final class Footprint {
    private static final int EVENTS_PER_PIPELINE = 200;

    private Footprint() {
    }

    static void report(List<String> brokers) throws Exception {
        Bench.line("## Footprint (fresh JVM, -Xmx512m; after " + EVENTS_PER_PIPELINE
                + " events per pipeline and a full GC; MiB)");
        Bench.line("");
        Bench.line("| broker | pipelines | heap used before start | RSS before start | heap used | RSS |");
        Bench.line("|---|---|---|---|---|---|");
        for (String broker : brokers) {
            for (int pipelines : new int[] {1, 10}) {
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m", "-cp", System.getProperty("java.class.path")));
                System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench."))
                        .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
                cmd.addAll(List.of(Bench.class.getName(), "footprint", broker.trim(), Integer.toString(pipelines)));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String result = null;
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        if (l.startsWith("FOOTPRINT ")) {
                            result = l.substring("FOOTPRINT ".length());
                        }
                    }
                }
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                if (result == null) {
                    throw new IllegalStateException("footprint child for " + broker + " x" + pipelines + " failed (exit "
                            + p.exitValue() + ")");
                }
                Bench.line("| " + broker.trim() + " | " + pipelines + " | " + result.replace(" ", " | ") + " |");
            }
        }
        Bench.line("");
    }

    /** In the child JVM: measures, starts {@code pipelines} pipelines, sends events through each, measures again. */
    static void child(String broker, int pipelines) throws Exception {
        String before = heapMiB() + " " + rssMiB();
        String run = UUID.randomUUID().toString().substring(0, 8);
        CountDownLatch all = new CountDownLatch(pipelines * EVENTS_PER_PIPELINE);
        DefaultCamelContext ctx = new DefaultCamelContext();
        Properties p = new Properties();
        p.putAll(Bench.Brokers.properties(broker));
        ctx.getPropertiesComponent().setInitialProperties(p);
        ctx.getPropertiesComponent().setOverrideProperties(p);
        ctx.addRoutes(new EventRoutes() {
            @Override
            protected void configureEvents() {
                for (int i = 0; i < pipelines; i++) {
                    String dest = "bench-fp-" + run + "-" + i;
                    eventType(Sides.TYPE + "_" + i).destination(dest).schema("classpath:bench/bench-event.json");
                    consume(dest).group(dest).on(Sides.TYPE + "_" + i, e -> all.countDown());
                }
            }
        });
        ctx.start();
        var publisher = Eventrail.of(ctx).publisher();
        String pad = "x".repeat(60);
        for (int e = 0; e < EVENTS_PER_PIPELINE; e++) {
            for (int i = 0; i < pipelines; i++) {
                publisher.publish(Sides.TYPE + "_" + i, Map.of("t", Long.toString(System.nanoTime()), "pad", pad), "k" + e);
            }
        }
        if (!all.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(all.getCount() + " events not consumed");
        }
        System.gc();
        System.gc();
        System.out.println("FOOTPRINT " + before + " " + heapMiB() + " " + rssMiB());
        ctx.stop();
        System.exit(0);
    }

    private static long heapMiB() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }

    private static long rssMiB() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", "")) >> 10;
            }
        }
        return -1;
    }
}
