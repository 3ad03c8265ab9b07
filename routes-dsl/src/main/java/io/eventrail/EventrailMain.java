package io.eventrail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.util.ObjectHelper;

/**
 * Command-line support for camel-main applications: camel-main's {@link Main} only knows its own
 * single-dash options, so {@code --key=value}, {@code --key value} and {@code -Dkey=value} arguments are
 * turned into override properties here (the highest precedence, above properties files, environment
 * variables and system properties), where {@code eventrail.*} settings and {@code camel.*} options read
 * them. Stateless and thread-safe.
 */
public final class EventrailMain {

    private EventrailMain() {
    }

    /**
     * Adds every property argument of {@code args} to {@code main} as an override property and returns
     * the other arguments, in order, for camel-main's own parser.
     *
     * @throws IllegalArgumentException for a property argument without a key, or {@code --key} without a value
     */
    public static String[] applyPropertyArguments(BaseMainSupport main, String... args) {
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String kv;
            if (arg.startsWith("--") && arg.length() > 2) {
                kv = arg.substring(2);
                if (kv.indexOf('=') < 0) {
                    if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
                        throw new IllegalArgumentException("argument '" + arg + "' needs a value: --" + kv + "=VALUE");
                    }
                    kv = kv + "=" + args[++i];
                }
            } else if (arg.startsWith("-D") && arg.length() > 2 && arg.indexOf('=') > 2) {
                kv = arg.substring(2);
            } else {
                rest.add(arg);
                continue;
            }
            int eq = kv.indexOf('=');
            String key = kv.substring(0, eq).trim();
            if (key.isEmpty()) {
                throw new IllegalArgumentException("argument '" + arg + "' has no property key");
            }
            main.addOverrideProperty(key, kv.substring(eq + 1));
        }
        return rest.toArray(String[]::new);
    }

    /**
     * Applies the property arguments of {@code args} to {@code main}, then runs it with the rest until it
     * stops; returns its exit code.
     */
    public static int run(Main main, String... args) throws Exception {
        return main.run(applyPropertyArguments(main, args));
    }

    /**
     * The body of an application's {@code main}: {@link #run} and exit with its code when it is not 0. A
     * configuration problem found on start ({@link EventrailConfigurationException}, else an illegal argument or
     * state in the cause chain) is printed to standard error as {@code "<name> did not start: <reason>"}, the last
     * line of the run, and exits with 2, without a stack trace; anything else is thrown.
     */
    public static void runAndExit(String name, Main main, String... args) throws Exception {
        runAndExit(name, main, () -> { }, args);
    }

    /**
     * As {@link #runAndExit(String, Main, String...)}, and {@code afterStop} runs once {@code main} has stopped
     * (its run ended, a SIGTERM stopped it, or its start failed), before the JVM ends: the JVM's shutdown waits
     * for it. Give it the logging backend's shutdown (log4j2's {@code LogManager::shutdown}, with the backend's own
     * shutdown hook disabled) so that what Camel and the pipelines log while they stop is written, not cut off.
     */
    public static void runAndExit(String name, Main main, Runnable afterStop, String... args) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread awaitStop = new Thread(() -> awaitStop(main, stopped), "eventrail-main-stop");
        Runtime.getRuntime().addShutdownHook(awaitStop);
        int code;
        String refusal = null;
        try {
            code = run(main, args);
        } catch (Exception e) {
            Throwable reason = configurationProblem(e);
            if (reason == null) {
                stopped(afterStop, stopped);
                throw e;
            }
            refusal = name + " did not start: " + reason.getMessage();
            code = 2;
        }
        stopped(afterStop, stopped);
        if (refusal != null) {
            System.err.println(refusal);
            System.err.flush();
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    private static void stopped(Runnable afterStop, CountDownLatch stopped) {
        try {
            afterStop.run();
        } finally {
            stopped.countDown();
        }
    }

    /** In a shutdown hook: waits until the main thread has stopped Camel and run its after-stop action. */
    private static void awaitStop(Main main, CountDownLatch stopped) {
        CamelContext context = main.getCamelContext();
        long seconds = main.configure().getExtraShutdownTimeout() + 5 + (context == null ? 45
                : context.getShutdownStrategy().getTimeUnit().toSeconds(context.getShutdownStrategy().getTimeout()));
        try {
            stopped.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The configuration problem in the cause chain of {@code failure}, or null when it has none: an
     * {@link EventrailConfigurationException}, else an {@link IllegalArgumentException}, else an
     * {@link IllegalStateException} (the innermost of its type, as camel-util's {@link ObjectHelper#getException} finds it).
     */
    static Throwable configurationProblem(Throwable failure) {
        for (Class<? extends Throwable> type : List.of(EventrailConfigurationException.class,
                IllegalArgumentException.class, IllegalStateException.class)) {
            Throwable found = ObjectHelper.getException(type, failure);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
