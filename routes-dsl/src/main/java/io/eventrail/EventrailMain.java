package io.eventrail;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;

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
     * configuration problem found on start ({@link EventrailConfigurationException}, an illegal argument or
     * state anywhere in the cause chain) is printed as {@code "<name> did not start: <reason>"} and exits
     * with 2, without a stack trace; anything else is thrown.
     */
    public static void runAndExit(String name, Main main, String... args) throws Exception {
        int code;
        try {
            code = run(main, args);
        } catch (Exception e) {
            Throwable reason = configurationProblem(e);
            if (reason == null) {
                throw e;
            }
            System.err.println(name + " did not start: " + reason.getMessage());
            code = 2;
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The first configuration problem in the cause chain of {@code failure}, or null when it has none. */
    static Throwable configurationProblem(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof EventrailConfigurationException || c instanceof IllegalArgumentException
                    || c instanceof IllegalStateException) {
                return c;
            }
        }
        return null;
    }
}
