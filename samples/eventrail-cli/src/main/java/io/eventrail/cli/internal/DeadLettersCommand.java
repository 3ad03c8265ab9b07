package io.eventrail.cli.internal;

import io.eventrail.cli.EventrailCli;
import io.eventrail.cli.internal.ControlCommands.Kind;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code eventrail dead-letters list|show|replay|purge}: the dead-letter control plane. */
@Command(name = "dead-letters", mixinStandardHelpOptions = true, description = "List, show, replay and purge dead letters.",
        subcommands = {DeadLettersCommand.ListCommand.class, DeadLettersCommand.ShowCommand.class,
            DeadLettersCommand.ReplayCommand.class, DeadLettersCommand.PurgeCommand.class})
public final class DeadLettersCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EventrailCli.USAGE;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead letters, oldest last failure first.")
    static final class ListCommand extends ControlCommands.ListBase {
        @Override
        Kind kind() {
            return Kind.DEAD_LETTERS;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one dead letter: payload and failure headers.")
    static final class ShowCommand extends ControlCommands.ShowBase {
        @Override
        Kind kind() {
            return Kind.DEAD_LETTERS;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Replay dead letters (by ID or by filter) to their original destination or --to another one."
                    + " Replayed events keep their id, so consumer groups that already had the effect skip them.")
    static final class ReplayCommand extends ControlCommands.ReplayBase {
        @Override
        Kind kind() {
            return Kind.DEAD_LETTERS;
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true, description = "Remove dead letters for good (by ID, by filter, or --all).")
    static final class PurgeCommand extends ControlCommands.PurgeBase {
        @Override
        Kind kind() {
            return Kind.DEAD_LETTERS;
        }
    }
}
