package io.eventrail.samples.signup;

import io.eventrail.Event;
import io.eventrail.EventrailConfigurationException;
import io.eventrail.EventrailMain;
import io.eventrail.samples.signup.http.HttpIngestRoutes;
import java.util.function.Consumer;
import org.apache.camel.main.Main;

/**
 * The runnable user-signup sample: a camel-main application with the signup routes, HTTP ingest on
 * {@code POST /events} and the demo events. Arguments {@code --key=value} set any property
 * ({@code --eventrail.broker=kafka}, {@code --camel.server.port=9090}, {@code --signup.demo.enabled=false}).
 */
public final class UserSignupApplication {

    private UserSignupApplication() {
    }

    public static void main(String[] args) throws Exception {
        int code;
        try {
            code = EventrailMain.run(create(event -> { }), args);
        } catch (Exception e) {
            // a configuration problem is a message for the user, not a stack trace
            Throwable reason = null;
            for (Throwable c = e; c != null && reason == null; c = c.getCause() == c ? null : c.getCause()) {
                if (c instanceof EventrailConfigurationException || c instanceof IllegalArgumentException
                        || c instanceof IllegalStateException) {
                    reason = c;
                }
            }
            if (reason == null) {
                throw e;
            }
            System.err.println("user-signup did not start: " + reason.getMessage());
            code = 2;
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * A configured, not yet started application; {@code onSignup} sees every processed signup (tests use
     * it). Apply arguments with {@link EventrailMain#applyPropertyArguments}, then start or run it.
     */
    public static Main create(Consumer<Event> onSignup) {
        Main main = new Main();
        main.configure().addRoutesBuilder(new SignupRoutes(onSignup));
        main.configure().addRoutesBuilder(new HttpIngestRoutes());
        main.configure().addRoutesBuilder(new DemoEvents());
        return main;
    }
}
