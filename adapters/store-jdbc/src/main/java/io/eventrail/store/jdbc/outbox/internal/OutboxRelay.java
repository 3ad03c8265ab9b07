package io.eventrail.store.jdbc.outbox.internal;

import io.eventrail.Eventrail;
import io.eventrail.InvalidEventException;
import io.eventrail.store.jdbc.internal.Jdbc;
import io.eventrail.store.jdbc.internal.JdbcSection;
import io.eventrail.store.jdbc.outbox.internal.OutboxTable.Figures;
import io.eventrail.store.jdbc.outbox.internal.OutboxTable.Row;
import io.eventrail.store.spi.StoreContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay of one application: on start opens the outbox's data source and creates the table when asked; once the
 * Camel context is fully started, claims committed rows and publishes them, oldest first, through Eventrail's
 * publisher with their own ids, marking each sent after the broker confirmed; deletes sent rows past their retention
 * and keeps the gauges {@code eventrail.outbox.depth} and {@code eventrail.outbox.lag} current. One relay thread and
 * one housekeeping thread; stops with the context.
 */
public final class OutboxRelay extends ServiceSupport implements StartupListener {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    /** How often the gauges are refreshed (one COUNT over the pending index). */
    static final Duration FIGURES_INTERVAL = Duration.ofSeconds(1);
    /** The pause of the relay after a failed claim or send. */
    static final Duration BACKOFF = Duration.ofSeconds(1);
    /** Rows sent before they are marked sent in one statement: the most a killed relay's successor sends again. */
    static final int MARK_EVERY = 10;

    private final Eventrail eventrail;
    private final OutboxSettings settings;
    private final OutboxTable table;
    private final String owner = UUID.randomUUID().toString();
    private volatile JdbcSection.Source source;
    private volatile Figures figures = new Figures(0, 0);
    private volatile boolean running;
    private ScheduledExecutorService relayThread;
    private ScheduledExecutorService housekeeping;
    private Counter sent;
    private Counter refused;

    public OutboxRelay(Eventrail eventrail, OutboxSettings settings, OutboxTable table) {
        this.eventrail = eventrail;
        this.settings = settings;
        this.table = table;
    }

    @Override
    protected void doStart() {
        CamelContext context = eventrail.camelContext();
        MeterRegistry registry = eventrail.meterRegistry();
        source = JdbcSection.open(new StoreContext(context, OutboxSettings.PREFIX, settings.options(),
                settings.sentRetention(), registry), "outbox");
        try {
            DataSource ds = source.dataSource();
            if (settings.createSchema()) {
                Jdbc.createSchema(ds, "outbox table " + table.name(),
                        table.ddl(Jdbc.dialect(ds)).toArray(String[]::new));
            }
            refreshFigures();
        } catch (RuntimeException e) {
            source.closeQuietly();
            throw e;
        }
        String t = table.name();
        Gauge.builder("eventrail.outbox.depth", this, r -> r.figures.depth()).tag("table", t)
                .description("Committed outbox rows not yet relayed").strongReference(true).register(registry);
        TimeGauge.builder("eventrail.outbox.lag", this, TimeUnit.MILLISECONDS, OutboxRelay::lagMillis).tag("table", t)
                .description("Age of the oldest committed outbox row not yet relayed (0 when none)")
                .strongReference(true).register(registry);
        sent = Counter.builder("eventrail.outbox.sent").tag("table", t)
                .description("Outbox rows relayed (the broker confirmed)").register(registry);
        refused = Counter.builder("eventrail.outbox.refused").tag("table", t)
                .description("Outbox rows the relay's publisher refused as invalid (kept, never sent)").register(registry);
        housekeeping = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "eventrail-outbox-housekeeping");
        housekeeping.scheduleWithFixedDelay(this::refreshFiguresQuietly, FIGURES_INTERVAL.toMillis(),
                FIGURES_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(this::cleanup, settings.cleanupInterval().toMillis(),
                settings.cleanupInterval().toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Eventrail outbox on table {}: {}", t, settings.relay() ? "relaying as " + owner : "not relaying here");
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the publish routes start after this: the relay begins in onCamelContextFullyStarted
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        if (settings.relay() && relayThread == null && isStarted()) {
            running = true;
            relayThread = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "eventrail-outbox-relay");
            relayThread.scheduleWithFixedDelay(this::relay, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private double lagMillis() {
        Figures f = figures;
        return f.depth() == 0 ? 0 : Math.max(0, System.currentTimeMillis() - f.oldestCreatedAt());
    }

    /** Claims and sends batches until one comes back short; a failure pauses the relay for {@link #BACKOFF}. */
    private void relay() {
        try {
            while (running) {
                long now = System.currentTimeMillis();
                long until = now + settings.lease().toMillis();
                List<Row> rows = Jdbc.run(source.dataSource(), "claiming outbox rows",
                        c -> table.claim(c, owner, now, until, settings.batchSize()));
                if (rows.isEmpty() || !send(rows, now) || rows.size() < settings.batchSize()) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Outbox relay of table {} failed, retrying in {}: {}", table.name(), BACKOFF, e.getMessage());
            pause();
        }
    }

    /**
     * Publishes {@code rows} in order, marking them sent in groups of {@link #MARK_EVERY} after the broker confirmed
     * them; stops at a failed send, a lost claim or half the lease, giving the rest back. Returns false when it
     * stopped early.
     */
    private boolean send(List<Row> rows, long claimedAt) {
        long stopAt = claimedAt + settings.lease().toMillis() / 2;
        List<Row> confirmed = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            if (!running || System.currentTimeMillis() > stopAt) {
                return stop(confirmed, rows.subList(i, rows.size()));
            }
            try {
                eventrail.publisher().publish(row.event());
                confirmed.add(row);
            } catch (InvalidEventException e) {
                LOG.error("Outbox row {} (event {}) refused by the publisher, kept with status refused and never sent: {}",
                        row.id(), row.event().getId(), e.getMessage());
                if (!markAll(List.of(row), OutboxTable.REFUSED)) {
                    return stop(confirmed, rows.subList(i + 1, rows.size()));
                }
                refused.increment();
            } catch (RuntimeException e) {
                LOG.warn("Outbox relay could not publish event {} (row {}), retrying in {}: {}", row.event().getId(),
                        row.id(), BACKOFF, e.getMessage());
                stop(confirmed, rows.subList(i, rows.size()));
                pause();
                return false;
            }
            if (confirmed.size() >= MARK_EVERY && !markSent(confirmed)) {
                return stop(List.of(), rows.subList(i + 1, rows.size()));
            }
        }
        return markSent(confirmed);
    }

    /** Marks {@code confirmed} sent and gives {@code rest} back; returns false. */
    private boolean stop(List<Row> confirmed, List<Row> rest) {
        markSent(confirmed);
        giveBack(rest);
        return false;
    }

    /** Marks {@code confirmed} sent and empties it; false when a claim was lost or the mark failed. */
    private boolean markSent(List<Row> confirmed) {
        boolean ok = markAll(confirmed, OutboxTable.SENT);
        sent.increment(confirmed.size());
        confirmed.clear();
        return ok;
    }

    private boolean markAll(List<Row> rows, int status) {
        if (rows.isEmpty()) {
            return true;
        }
        try {
            int kept = Jdbc.run(source.dataSource(), "marking outbox rows",
                    c -> table.mark(c, rows, owner, status, System.currentTimeMillis()));
            if (kept < rows.size()) {
                LOG.warn("Outbox relay lost its claim on {} of {} rows after sending them: another relay took them over"
                        + " after the lease of {}; they may be sent twice", rows.size() - kept, rows.size(), settings.lease());
                return false;
            }
            return true;
        } catch (RuntimeException e) {
            LOG.warn("Outbox relay could not mark {} rows sent; they are sent again after the lease of {}: {}",
                    rows.size(), settings.lease(), e.getMessage());
            return false;
        }
    }

    private void giveBack(List<Row> rows) {
        try {
            Jdbc.run(source.dataSource(), "releasing outbox claims", c -> {
                table.release(c, new ArrayList<>(rows), owner);
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warn("Outbox relay could not give back {} claimed rows; they are taken over after the lease of {}: {}",
                    rows.size(), settings.lease(), e.getMessage());
        }
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(BACKOFF.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void refreshFigures() {
        figures = Jdbc.run(source.dataSource(), "reading the outbox's depth", table::figures);
    }

    private void refreshFiguresQuietly() {
        try {
            refreshFigures();
        } catch (RuntimeException e) {
            LOG.debug("Outbox gauges not refreshed: {}", e.getMessage());
        }
    }

    private void cleanup() {
        try {
            long before = System.currentTimeMillis() - settings.sentRetention().toMillis();
            int deleted = Jdbc.run(source.dataSource(), "deleting sent outbox rows", c -> table.deleteSent(c, before));
            if (deleted > 0) {
                LOG.debug("Outbox cleanup deleted {} sent rows of table {}", deleted, table.name());
            }
        } catch (RuntimeException e) {
            LOG.warn("Outbox cleanup of table {} failed, retrying in {}: {}", table.name(), settings.cleanupInterval(),
                    e.getMessage());
        }
    }

    @Override
    protected void doStop() {
        running = false;
        CamelContext context = eventrail.camelContext();
        if (relayThread != null) {
            context.getExecutorServiceManager().shutdownGraceful(relayThread);
            relayThread = null;
        }
        if (housekeeping != null) {
            context.getExecutorServiceManager().shutdownNow(housekeeping);
            housekeeping = null;
        }
        if (source != null) {
            source.closeQuietly();
        }
    }
}
