package io.eventrail.asyncapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventrail.EventRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A committed AsyncAPI document of a routes class (e.g. {@code docs/asyncapi/user-signup.yaml}) and what the code
 * generates for it now, with the application's {@code application.properties} from the test class path, as
 * {@code eventrail asyncapi --routes <class>} writes it. With {@code -Dasyncapi.write=true} the generated
 * document is written over the committed one (to regenerate it). A sample's test extends it, naming its routes and
 * its document.
 */
public abstract class CommittedDocument {
    /** The system property that makes {@link #generated} write the committed file (not under eventrail.*: those are settings). */
    public static final String WRITE = "asyncapi.write";

    private final Supplier<EventRoutes> routes;
    private final String document;

    /**
     * @param routes   a new instance of the routes the committed document describes
     * @param document the committed document, relative to the repository root, e.g. {@code docs/asyncapi/user-signup.yaml}
     */
    protected CommittedDocument(Supplier<EventRoutes> routes, String document) {
        this.routes = routes;
        this.document = document;
    }

    @Test
    @DisplayName("the committed AsyncAPI document is the one the routes and application.properties generate")
    void committedDocumentIsCurrent() throws Exception {
        Path committed = file(document);
        String generated = generated(routes.get(), committed);
        assertThat(committed).exists();
        assertThat(Files.readString(committed))
                .as(document + " is out of date: regenerate it with mvn -pl <sample> test -Dtest=AsyncApiDocumentTest"
                        + " -D" + WRITE + "=true (or eventrail asyncapi --routes " + routes.get().getClass().getName()
                        + " --out " + document + ") and commit it")
                .isEqualTo(generated);
    }

    @Test
    @DisplayName("the AsyncAPI parser finds no error in the committed document")
    void parserAcceptsCommittedDocument() throws Exception {
        Path committed = file(document);
        generated(routes.get(), committed);
        assertThat(AsyncApiParser.errors(committed)).isEmpty();
    }

    /** The committed file {@code relative} to the repository root (two levels above the module under test). */
    public static Path file(String relative) {
        Path module = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
        return module.resolve("../..").resolve(relative).normalize();
    }

    /**
     * The YAML document of {@code routes} with the class path's {@code application.properties} and the title its
     * {@code camel.main.name} gives; written to {@code committed} first when {@value #WRITE} is true.
     */
    public static String generated(EventRoutes routes, Path committed) throws IOException {
        Properties p = new Properties();
        try (InputStream in = routes.getClass().getClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) {
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        }
        String title = p.getProperty("camel.main.name", routes.getClass().getSimpleName());
        String yaml = AsyncApi.describe(routes, p, AsyncApiOptions.titled(title)).toYaml();
        if (Boolean.getBoolean(WRITE)) {
            Files.createDirectories(committed.getParent());
            Files.writeString(committed, yaml, StandardCharsets.UTF_8);
        }
        return yaml;
    }
}
