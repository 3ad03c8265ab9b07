package io.eventrail.cli.internal;

import io.eventrail.cli.EventrailCli;
import io.eventrail.cli.internal.ControlCommands.Kind;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code eventrail stored-events list|show|replay|purge}: the store for later in the control plane. */
@Command(name = "stored-events", mixinStandardHelpOptions = true,
        description = "List, show, replay and purge events kept in the store for later (no consumer, no handler yet).",
        subcommands = {StoredEventsCommand.ListCommand.class, StoredEventsCommand.ShowCommand.class,
            StoredEventsCommand.ReplayCommand.class, StoredEventsCommand.PurgeCommand.class})
public final class StoredEventsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EventrailCli.USAGE;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List stored events, in storing order.")
    static final class ListCommand extends ControlCommands.ListBase {
        @Override
        Kind kind() {
            return Kind.STORED_EVENTS;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show one stored event: payload, why and where it was kept, its CloudEvents attributes.")
    static final class ShowCommand extends ControlCommands.ShowBase {
        @Override
        Kind kind() {
            return Kind.STORED_EVENTS;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Replay stored events (by ID or by filter): no-consumer ones are published again, no-handler ones"
                    + " go through their group's pipeline once it has the handler; or --to another destination. They keep"
                    + " their id, so groups that already had the effect skip them; those still without a consumer or"
                    + " handler stay stored (waiting).")
    static final class ReplayCommand extends ControlCommands.ReplayBase {
        @Override
        Kind kind() {
            return Kind.STORED_EVENTS;
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true, description = "Remove stored events for good (by ID, by filter, or --all).")
    static final class PurgeCommand extends ControlCommands.PurgeBase {
        @Override
        Kind kind() {
            return Kind.STORED_EVENTS;
        }
    }
}
