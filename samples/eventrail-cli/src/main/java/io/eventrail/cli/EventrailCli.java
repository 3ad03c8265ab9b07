package io.eventrail.cli;

import io.eventrail.cli.internal.AsyncApiCommand;
import io.eventrail.cli.internal.CliException;
import io.eventrail.cli.internal.DeadLettersCommand;
import io.eventrail.cli.internal.HealthCommand;
import io.eventrail.cli.internal.StoredEventsCommand;
import io.eventrail.cli.internal.Terminal;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code eventrail} command: health and the control plane (dead letters, stored events) of a running Eventrail
 * application, over its management port ({@code eventrail.management.enabled=true}). Exit codes:
 * {@value #OK} done, {@value #FAILED} the server answered that it failed (not found, some items failed,
 * DOWN), {@value #USAGE} bad arguments (checked here or refused by the server), {@value #UNREACHABLE}
 * the server cannot be reached, {@value #UNAUTHORIZED} the token is missing, wrong or lacks the right.
 */
@Command(name = "eventrail", mixinStandardHelpOptions = true, version = "eventrail 0.1.0",
        description = {"Operate a running Eventrail application through its management port,",
            "or write the AsyncAPI document of its routes (asyncapi)."},
        subcommands = {HealthCommand.class, DeadLettersCommand.class, StoredEventsCommand.class, AsyncApiCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the server reported a failure (not found, items failed, DOWN)",
            "2:bad arguments", "3:management server unreachable", "4:token missing or wrong, or without the right (a read-only token replaying or purging)"})
public final class EventrailCli implements Callable<Integer> {
    /** Done. */
    public static final int OK = 0;
    /** The server answered that the operation failed. */
    public static final int FAILED = 1;
    /** Bad arguments. */
    public static final int USAGE = 2;
    /** The management server cannot be reached. */
    public static final int UNREACHABLE = 3;
    /** The token is missing or wrong. */
    public static final int UNAUTHORIZED = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** Runs the command with {@code args}, writing to the given streams; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new EventrailCli());
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setExitCodeExceptionMapper(t -> t instanceof CliException c ? c.code() : FAILED);
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("eventrail: " + Terminal.safe(ex.getMessage()));
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for more information.");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("eventrail: " + Terminal.safe(ex.getMessage()));
            return ex instanceof CliException c ? c.code() : FAILED;
        });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }
}
