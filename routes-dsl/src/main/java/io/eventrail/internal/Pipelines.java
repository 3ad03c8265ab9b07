package io.eventrail.internal;

import io.eventrail.store.EventStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;

/**
 * The consumer pipelines declared in one Camel context, by id, in declaration order, and which of them run.
 * Thread-safe.
 */
public final class Pipelines {
    /** The route id prefix of a consumer pipeline's route (followed by the pipeline id). */
    public static final String ROUTE_PREFIX = "eventrail-consume-";

    private final CamelContext context;
    private final Map<String, ConsumerPipeline> byId = new LinkedHashMap<>();

    private final LeaseRenewals leaseRenewals;

    public Pipelines(CamelContext context) {
        this.context = context;
        this.leaseRenewals = new LeaseRenewals(context);
    }

    /** Adds {@code pipeline}; @throws IllegalArgumentException when its id is taken */
    /** The lease renewals shared by the pipelines of this context (one scheduler thread). */
    public LeaseRenewals leaseRenewals() {
        return leaseRenewals;
    }

    public synchronized void add(ConsumerPipeline pipeline) {
        String id = pipeline.spec().id();
        if (byId.putIfAbsent(id, pipeline) != null) {
            throw new IllegalArgumentException("pipeline id '" + id + "' is declared twice; name one with .id(...)");
        }
    }

    /** The ids declared so far, in declaration order. */
    public synchronized List<String> ids() {
        return List.copyOf(byId.keySet());
    }

    /** The pipeline {@code id}, or null. */
    public synchronized ConsumerPipeline get(String id) {
        return byId.get(id);
    }

    /** The pipeline whose consumer route is {@code routeId}, or null. */
    public synchronized ConsumerPipeline ofRoute(String routeId) {
        return routeId.startsWith(ROUTE_PREFIX) ? byId.get(routeId.substring(ROUTE_PREFIX.length())) : null;
    }

    /** The pipelines whose route is running (or starting), in declaration order. */
    public synchronized List<ConsumerPipeline> running() {
        List<ConsumerPipeline> result = new ArrayList<>();
        for (ConsumerPipeline p : byId.values()) {
            if (isRunning(p)) {
                result.add(p);
            }
        }
        return result;
    }

    /** The running pipeline in this context of the group, destination and broker {@code e} was kept for, or null. */
    public synchronized ConsumerPipeline localPipeline(EventStore.StoredEvent e) {
        for (ConsumerPipeline p : byId.values()) {
            ConsumerPipeline.Spec spec = p.spec();
            if (spec.destination().name().equals(e.destination()) && spec.subscription().group().equals(e.group())
                    && spec.broker().name().equals(e.broker()) && isRunning(p)) {
                return p;
            }
        }
        return null;
    }

    /** Started, or still starting (a route-started notification can come before the status says Started). */
    private boolean isRunning(ConsumerPipeline p) {
        ServiceStatus status = context.getRouteController().getRouteStatus(ROUTE_PREFIX + p.spec().id());
        return status != null && (status.isStarted() || status.isStarting());
    }
}
