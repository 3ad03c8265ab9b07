package io.eventrail.management.internal;

import io.eventrail.management.ControlPlane;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Replays run as jobs on threads of their own, never on the thread of the request that asked for them nor on the
 * HTTP server's: at most {@value #MAX_RUNNING} at once per resource (another is refused with 429, nothing done); the
 * request waits for its job up to {@link #WAIT} and then answers with the job's id to poll, and the last
 * {@value #KEPT} finished jobs are kept for that poll. Thread-safe.
 */
final class ReplayJobs {
    /** The most replays that run at once. */
    public static final int MAX_RUNNING = 2;
    /** How long a request waits for its replay before answering 202 with the job to poll. */
    public static final Duration WAIT = Duration.ofSeconds(10);
    /** How many jobs (running or finished) are remembered for polling. */
    static final int KEPT = 100;

    /** One replay: its id, when it started, and its result once finished. */
    record Job(String id, Instant started, CompletableFuture<ControlPlane.Result> result) {
        /** {@code running}, {@code completed} or {@code failed}. */
        public String status() {
            return !result.isDone() ? "running" : result.isCompletedExceptionally() ? "failed" : "completed";
        }
    }

    private final ThreadPoolExecutor executor;
    private final Map<String, Job> jobs = new LinkedHashMap<>();

    /** @param name names the threads ({@code eventrail-replay-<name>-N}) */
    public ReplayJobs(String name) {
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(0, MAX_RUNNING, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "eventrail-replay-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts {@code replay} as a job.
     *
     * @throws HttpError 429 when {@value #MAX_RUNNING} replays are running already
     */
    public Job start(Supplier<ControlPlane.Result> replay) {
        CompletableFuture<ControlPlane.Result> future = new CompletableFuture<>();
        Job job = new Job(UUID.randomUUID().toString(), Instant.now(), future);
        try {
            executor.execute(() -> {
                try {
                    future.complete(replay.get());
                } catch (RuntimeException | Error e) {
                    future.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new ControlPlaneHandler.HttpError(429, MAX_RUNNING + " replays are running already; try again once one finished");
        }
        synchronized (jobs) {
            jobs.put(job.id(), job);
            while (jobs.size() > KEPT) {
                String oldest = jobs.keySet().iterator().next();
                jobs.remove(oldest);
            }
        }
        return job;
    }

    /** The result of {@code job} once it finished within {@code wait}, else empty; a failed job throws its failure. */
    public static Optional<ControlPlane.Result> await(Job job, Duration wait) {
        try {
            return Optional.of(job.result().get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The job {@code id}, if it is still remembered. */
    public Optional<Job> job(String id) {
        synchronized (jobs) {
            return Optional.ofNullable(jobs.get(id));
        }
    }

    /** Stops the threads; running replays are interrupted (a replay stops between two events). */
    public void close() {
        executor.shutdownNow();
    }
}
