package swamp.master.api;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.dispatch.Views;
import swamp.master.dispatch.Watchers;
import swamp.master.membership.WorkerRegistry;
import swamp.master.pool.DirectoryView;
import swamp.master.pool.PoolScaler;

/**
 * {@code GET /metrics}: the pool in Prometheus' text format, through the Prometheus Java client.
 * What stands now (workers, slots, jobs, the queue, the directory's spawns) is read from the
 * master at each scrape; what happens (dispatch and run times, registrations) is counted as the
 * dispatcher, its journal and the registry report it.
 */
final class PoolMetrics {

  private final ApiRoutes api;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Gauge workers = Gauge.builder().name("swamp_workers")
      .help("Workers by state: registered, draining, and spawns of the directory not registered yet")
      .labelNames("state").register(registry);
  private final Gauge slots = Gauge.builder().name("swamp_slots")
      .help("Slots of the registered workers, busy or free").labelNames("state").register(registry);
  private final Gauge jobs = Gauge.builder().name("swamp_jobs")
      .help("Jobs the master holds, by state").labelNames("state").register(registry);
  private final Gauge queue = Gauge.builder().name("swamp_queue_length")
      .help("Jobs waiting for a slot").register(registry);
  private final Histogram dispatch = Histogram.builder().name("swamp_dispatch_latency_seconds")
      .help("From a job's submission to the start of its last attempt, observed when it ends")
      .classicOnly().register(registry);
  private final Histogram duration = Histogram.builder().name("swamp_job_duration_seconds")
      .help("How long a job's last attempt ran, observed when it ends")
      .classicOnly().register(registry);
  private final Histogram journalWrites = Histogram.builder().name("swamp_journal_write_seconds")
      .help("Writes of the job journal: from the dispatcher's decision to the end of its group"
          + " commit, fsync included")
      .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
      .classicOnly().register(registry);
  private final Counter registrations = Counter.builder().name("swamp_registrations_total")
      .help("Worker registrations accepted").register(registry);
  private final Counter refusals = Counter.builder().name("swamp_registration_refusals_total")
      .help("Worker registrations refused for good (a wrong secret, a bad offer)").register(registry);
  private volatile List<DirectoryView.SourceView> sources = List.of();
  private final java.util.Set<String> seenStates =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  {
    seenStates.addAll(List.of("registered", "draining"));
  }

  PoolMetrics(ActorSystem<?> system, MasterAsk master, ApiRoutes api) {
    this.api = api;
    CounterWithCallback.builder().name("swamp_spawns_total")
        .help("Workers a launcher submitted (a process started, a grid job queued), per source").labelNames("source")
        .callback(cb -> sources.forEach(s -> cb.call(s.spawned(), s.name()))).register(registry);
    CounterWithCallback.builder().name("swamp_spawn_failures_total")
        .help("Spawns that failed, per source").labelNames("source")
        .callback(cb -> sources.forEach(s -> cb.call(s.failed(), s.name()))).register(registry);
    system.systemActorOf(listener(system, master), "metrics", Props.empty());
  }

  /** What the listener hears: the dispatcher's changes, its journal writes, registrations. */
  private sealed interface Heard {}

  private record JobsEnded(Watchers.Ended ended) implements Heard {}

  private record Written(JobDispatcher.JournalWritten write) implements Heard {}

  private record Registration(WorkerRegistry.RegistrationSeen seen) implements Heard {}

  private Behavior<Heard> listener(ActorSystem<?> system, MasterAsk master) {
    return Behaviors.setup(ctx -> {
      system.eventStream().tell(new EventStream.Subscribe<>(WorkerRegistry.RegistrationSeen.class,
          ctx.messageAdapter(WorkerRegistry.RegistrationSeen.class, Registration::new)));
      system.eventStream().tell(new EventStream.Subscribe<>(JobDispatcher.JournalWritten.class,
          ctx.messageAdapter(JobDispatcher.JournalWritten.class, Written::new)));
      // from the dispatcher on this node, whenever it runs here (a standby's once it took over)
      system.eventStream().tell(new EventStream.Subscribe<>(Watchers.Ended.class,
          ctx.messageAdapter(Watchers.Ended.class, JobsEnded::new)));
      return Behaviors.receive(Heard.class)
          .onMessage(JobsEnded.class, e -> {
            e.ended().jobs().forEach(this::observe);
            return Behaviors.same();
          })
          .onMessage(Written.class, w -> {
            journalWrites.observe(w.write().nanos() / 1e9);
            return Behaviors.same();
          })
          .onMessage(Registration.class, r -> {
            (r.seen().accepted() ? registrations : refusals).inc();
            return Behaviors.same();
          })
          .build();
    });
  }

  private void observe(Watchers.EndedJob job) {
    if (job.startedAt() > 0 && job.submittedAt() > 0) {
      dispatch.observe(seconds(job.submittedAt(), job.startedAt()));
    }
    if (job.startedAt() > 0 && job.finishedAt() > 0) {
      duration.observe(seconds(job.startedAt(), job.finishedAt()));
    }
  }

  private static double seconds(long fromMillis, long toMillis) {
    return Math.max(0, toMillis - fromMillis) / 1e3;
  }

  Route route() {
    return path("metrics", () -> get(() -> QueryParams.noQuery(() -> completeWithFuture(scrape()))));
  }

  private CompletionStage<HttpResponse> scrape() {
    CompletionStage<Views.Health> health = api.askDispatcher(r -> new JobDispatcher.GetHealth(r));
    CompletionStage<List<DirectoryView.SourceView>> sourceViews =
        api.askScaler(r -> new PoolScaler.ListSources(r));
    return api.workerList().thenCombine(health, (ws, h) -> {
      update(ws, h);
      return h;
    }).thenCombine(sourceViews, (h, s) -> {
      sources = s;
      return text();
    });
  }

  private void update(List<Views.WorkerView> ws, Views.Health h) {
    Map<String, Integer> byState = new TreeMap<>();
    seenStates.forEach(state -> byState.put(state, 0)); // a state no worker is in now counts 0
    int busy = 0;
    int free = 0;
    for (Views.WorkerView w : ws) {
      byState.merge(w.state(), 1, Integer::sum);
      if (w.registeredAt() != null) {
        busy += w.busy();
        free += Math.max(0, w.slots() - w.busy());
      }
    }
    seenStates.addAll(byState.keySet());
    byState.forEach((state, n) -> workers.labelValues(state).set(n));
    slots.labelValues("busy").set(busy);
    slots.labelValues("free").set(free);
    jobs.labelValues("QUEUED").set(h.queued());
    jobs.labelValues("RUNNING").set(h.running());
    jobs.labelValues("SUCCEEDED").set(h.succeeded());
    jobs.labelValues("FAILED").set(h.failed());
    jobs.labelValues("CANCELLED").set(h.cancelled());
    queue.set(h.queued());
  }

  private HttpResponse text() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HttpResponse.create().withEntity(HttpEntities.create(
        ContentTypes.parse(writer.getContentType()), out.toByteArray()));
  }
}
