package io.eventrail.samples.signup;

import io.eventrail.Event;
import io.eventrail.EventrailMain;
import java.util.function.Consumer;
import org.apache.camel.main.Main;
import org.apache.logging.log4j.LogManager;

/**
 * The runnable user-signup sample: a camel-main application with the signup routes, HTTP ingest on
 * {@code POST /events} (the eventrail-http-ingest module, {@code eventrail.http.enabled=true}) and the demo events. Arguments {@code --key=value} set any property
 * ({@code --eventrail.broker=kafka}, {@code --camel.server.port=9090}, {@code --signup.demo.enabled=false}).
 */
public final class UserSignupApplication {

    private UserSignupApplication() {
    }

    public static void main(String[] args) throws Exception {
        // log4j2's own shutdown hook is disabled (log4j2.xml): stop it after Camel, so no line logged while stopping is lost
        EventrailMain.runAndExit("user-signup", create(event -> { }), LogManager::shutdown, args);
    }

    /**
     * A configured, not yet started application; {@code onSignup} sees every processed signup (tests use
     * it). Apply arguments with {@link EventrailMain#applyPropertyArguments}, then start or run it.
     */
    public static Main create(Consumer<Event> onSignup) {
        Main main = new Main();
        main.configure().addRoutesBuilder(new SignupRoutes(onSignup));
        main.configure().addRoutesBuilder(new DemoEvents());
        return main;
    }
}
