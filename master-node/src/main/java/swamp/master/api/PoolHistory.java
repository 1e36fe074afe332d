package swamp.master.api;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.server.Route;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.dispatch.Views;
import swamp.master.dispatch.Watchers;

/**
 * {@code GET /api/history}: the queue, the running jobs and the jobs finished per second, sampled
 * every {@link #INTERVAL} for the last {@link #KEEP} samples (an hour), so that the dashboard's
 * plot shows the recent past as soon as a page opens. Kept in memory: a master that starts again
 * starts a new history. The counts come from one ask of the dispatcher per sample; the finishes
 * are counted as the dispatcher reports them ({@link Watchers.Ended}), so a master that drops
 * old jobs (retention) still shows them finishing. A standby takes no samples: its dispatcher is
 * the active master's, which its node's messages cannot reach, until it takes over.
 */
final class PoolHistory {

  static final Duration INTERVAL = Duration.ofSeconds(5);
  /** An hour of samples. */
  static final int KEEP = 720;

  /** One sample: when (epoch ms), the queue, the running jobs, and the jobs finished per second since the last. */
  record Sample(long at, int queued, int running, double finishedPerSecond) {

    /** The counts at {@code now}, with the jobs {@code ended} since the last sample, taken at {@code since}. */
    static Sample of(long now, Views.Health health, int ended, long since) {
      return new Sample(now, health.queued(), health.running(), ended * 1000.0 / Math.max(1, now - since));
    }
  }

  /** The newest samples, at most {@code keep}: the oldest go as new ones come. */
  static final class Samples {
    private final int keep;
    private final ArrayDeque<Sample> kept = new ArrayDeque<>();

    Samples(int keep) {
      this.keep = keep;
    }

    synchronized void add(Sample s) {
      kept.addLast(s);
      while (kept.size() > keep) {
        kept.removeFirst();
      }
    }

    synchronized List<Sample> all() {
      return List.copyOf(kept);
    }
  }

  private final Samples samples = new Samples(KEEP);
  private final MasterAsk master;
  private final Duration askTimeout;
  private volatile long masterEpoch;
  private volatile java.util.function.BooleanSupplier standby = () -> false;

  PoolHistory(ActorSystem<?> system, MasterAsk master, Duration askTimeout) {
    this.master = master;
    this.askTimeout = askTimeout;
    system.systemActorOf(sampler(), "history", Props.empty());
  }

  /** Asked before each sample: true on a standby, which then takes none. */
  void sampleUnless(java.util.function.BooleanSupplier standby) {
    this.standby = standby;
  }

  Route route() {
    return pathPrefix("api", () -> path("history", () -> get(() -> QueryParams.noQuery(() ->
        complete(ApiReplies.Answer.ok(answer()).response())))));
  }

  /** {@code {"masterEpoch", "interval" (seconds), "samples": [{"at", "queued", "running", "finishedPerSecond"}]}}. */
  Map<String, Object> answer() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("masterEpoch", masterEpoch);
    out.put("interval", INTERVAL.toSeconds());
    out.put("samples", samples.all().stream().map(s -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", Instant.ofEpochMilli(s.at()).toString());
      m.put("queued", s.queued());
      m.put("running", s.running());
      m.put("finishedPerSecond", Math.round(s.finishedPerSecond() * 100) / 100.0);
      return m;
    }).toList());
    return out;
  }

  /** What the sampler hears: its timer, the dispatcher's counts, and the jobs that ended. */
  private sealed interface Heard {}

  private enum Tick implements Heard { INSTANCE }

  /** The dispatcher's counts; null when it did not answer (no sample then). */
  private record Counted(Views.Health health) implements Heard {}

  private record JobsEnded(int jobs) implements Heard {}

  private static final String TICK_KEY = "sample";

  private Behavior<Heard> sampler() {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      // from the dispatcher on this node, whenever it runs here (a standby's once it took over)
      ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(Watchers.Ended.class,
          ctx.messageAdapter(Watchers.Ended.class, e -> new JobsEnded(e.jobs().size()))));
      timers.startTimerWithFixedDelay(TICK_KEY, Tick.INSTANCE, INTERVAL);
      return sampling(ctx, 0, System.currentTimeMillis());
    }));
  }

  /** Counting the jobs {@code ended} since the last sample, taken at {@code since}. */
  private Behavior<Heard> sampling(org.apache.pekko.actor.typed.javadsl.ActorContext<Heard> ctx,
      int ended, long since) {
    return Behaviors.receive(Heard.class)
        .onMessage(JobsEnded.class, e -> sampling(ctx, ended + e.jobs(), since))
        .onMessageEquals(Tick.INSTANCE, () -> {
          if (standby.getAsBoolean()) {
            return sampling(ctx, 0, System.currentTimeMillis());
          }
          ctx.pipeToSelf(master.<Views.Health>dispatcher(JobDispatcher.GetHealth::new, askTimeout),
              (h, failure) -> new Counted(h));
          return Behaviors.same();
        })
        .onMessage(Counted.class, c -> {
          if (c.health() == null) {
            return Behaviors.same();
          }
          long now = System.currentTimeMillis();
          masterEpoch = c.health().masterEpoch();
          samples.add(Sample.of(now, c.health(), ended, since));
          return sampling(ctx, 0, now);
        })
        .build();
  }
}
