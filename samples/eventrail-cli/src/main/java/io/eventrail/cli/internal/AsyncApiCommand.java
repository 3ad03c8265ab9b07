package io.eventrail.cli.internal;

import io.eventrail.EventRoutes;
import io.eventrail.EventrailConfigurationException;
import io.eventrail.asyncapi.AsyncApi;
import io.eventrail.asyncapi.AsyncApiDocument;
import io.eventrail.asyncapi.AsyncApiOptions;
import io.eventrail.cli.EventrailCli;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.lang.reflect.Constructor;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code eventrail asyncapi}: writes the AsyncAPI document of an {@link EventRoutes} class without starting it or any
 * broker (the class is instantiated with its no-argument constructor, its declarations collected with the
 * application's properties, the broker instances opened but never connected).
 */
@Command(name = "asyncapi", mixinStandardHelpOptions = true,
        description = "Write the AsyncAPI 3.0 document of an EventRoutes class, without starting it or any broker.")
public final class AsyncApiCommand implements Callable<Integer> {
    @Option(names = "--routes", required = true, paramLabel = "CLASS",
            description = "The EventRoutes class (needs a public no-argument constructor).")
    String routes;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the document (default: standard output).")
    Path out;

    @Option(names = "--format", paramLabel = "json|yaml",
            description = "json or yaml (default: from the --out extension, else yaml).")
    String format;

    @Option(names = "--properties", paramLabel = "FILE",
            description = "The application's properties (repeatable; default: application.properties on the class path).")
    List<Path> properties = new ArrayList<>();

    @Option(names = {"--classpath", "--cp"}, paramLabel = "PATH",
            description = "Jars and folders of the application, separated by '${sys:path.separator}', when not on the tool's class path.")
    String classpath;

    @Option(names = "--title", description = "info.title (default: camel.main.name, else the class's simple name).")
    String title;

    @Option(names = "--api-version", defaultValue = AsyncApiOptions.DEFAULT_VERSION,
            description = "info.version (default ${DEFAULT-VALUE}).")
    String version;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        String f = format != null ? format : out != null && out.toString().endsWith(".json") ? "json" : "yaml";
        if (!List.of("json", "yaml", "yml").contains(f.toLowerCase(Locale.ROOT))) {
            throw new CliException(EventrailCli.USAGE, "--format must be json or yaml, got '" + f + "'");
        }
        ClassLoader loader = loader();
        EventRoutes instance = instantiate(loader);
        Properties props = properties(loader);
        String t = title != null ? title : props.getProperty("camel.main.name", instance.getClass().getSimpleName());
        AsyncApiDocument document;
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            document = AsyncApi.describe(instance, props, new AsyncApiOptions(t, version, null));
        } catch (EventrailConfigurationException e) {
            throw new CliException(EventrailCli.USAGE, "the routes cannot be described: " + e.getMessage());
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        String text = document.as(f);
        if (out == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        } else {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, text, StandardCharsets.UTF_8);
            spec.commandLine().getOut().println("AsyncAPI document of " + routes + " written to " + out);
        }
        return EventrailCli.OK;
    }

    private ClassLoader loader() {
        ClassLoader parent = AsyncApiCommand.class.getClassLoader();
        if (classpath == null || classpath.isBlank()) {
            return parent;
        }
        List<URL> urls = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!Files.exists(p)) {
                throw new CliException(EventrailCli.USAGE, "--classpath entry '" + entry + "' does not exist");
            }
            try {
                urls.add(p.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new CliException(EventrailCli.USAGE, "--classpath entry '" + entry + "' is not a path: " + e.getMessage());
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), parent);
    }

    private EventRoutes instantiate(ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(routes, false, loader);
        } catch (ClassNotFoundException e) {
            throw new CliException(EventrailCli.USAGE, "class '" + routes + "' is not on the class path (add --classpath)");
        }
        if (!EventRoutes.class.isAssignableFrom(type)) {
            throw new CliException(EventrailCli.USAGE, "class '" + routes + "' is not an io.eventrail.EventRoutes");
        }
        try {
            Constructor<?> c = type.getConstructor();
            return (EventRoutes) c.newInstance();
        } catch (NoSuchMethodException e) {
            throw new CliException(EventrailCli.USAGE, "class '" + routes + "' has no public no-argument constructor");
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new CliException(EventrailCli.FAILED, "cannot create '" + routes + "': " + cause);
        }
    }

    private Properties properties(ClassLoader loader) throws IOException {
        Properties p = new Properties();
        if (properties.isEmpty()) {
            try (InputStream in = loader.getResourceAsStream("application.properties")) {
                if (in != null) {
                    p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                }
            }
        }
        for (Path file : properties) {
            if (!Files.isReadable(file)) {
                throw new CliException(EventrailCli.USAGE, "--properties file '" + file + "' cannot be read");
            }
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        return p;
    }
}
