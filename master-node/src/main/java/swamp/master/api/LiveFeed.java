package swamp.master.api;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import swamp.master.dispatch.Views;
import swamp.master.dispatch.Views.JobView;
import swamp.master.dispatch.Views.WorkerView;
import swamp.master.dispatch.Watchers;
import swamp.master.pool.DirectoryView;

/**
 * {@code GET /api/events}: the dashboard's live feed, one server-sent-event stream per open page,
 * fed by the dispatcher's changes ({@link Watchers}) and the worker directory's ({@link
 * DirectoryView.DirectoryChanged}) as they happen. A page that reads slowly
 * gets the changes merged: at most {@link #MAX_JOBS} jobs wait per stream (beyond, the page is
 * told to read the job list again), and only the newest workers and counts, so a page left open
 * for hours costs the master a bounded amount of memory.
 */
final class LiveFeed {

  /** Changed jobs one stream holds for its page at most, before it asks the page to resync. */
  static final int MAX_JOBS = 500;
  /** Updates a page gets per second at most: changes in between are merged. */
  static final int PER_SECOND = 4;
  static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private final MasterAsk master;
  private final ActorSystem<?> system;

  LiveFeed(ActorSystem<?> system, MasterAsk master) {
    this.system = system;
    this.master = master;
  }

  Route route() {
    return pathPrefix("api", () -> path("events", () -> get(() -> QueryParams.noQuery(() ->
        completeOK(events(), EventStreamMarshalling.toEventStream())))));
  }

  /**
   * One page's stream: it starts watching the dispatcher and the worker directory, and stops when
   * the page goes.
   */
  Source<ServerSentEvent, NotUsed> events() {
    Source<Object, NotUsed> pool = ActorSource.<Watchers.Changed>actorRef(c -> false,
            c -> Optional.empty(), 16, OverflowStrategy.dropHead())
        .mapMaterializedValue(ref -> {
          master.tellDispatcher(new Watchers.Watch(ref));
          return NotUsed.getInstance();
        })
        .map(c -> (Object) c);
    Source<Object, NotUsed> directory = ActorSource.<DirectoryView.DirectoryChanged>actorRef(
            c -> false, c -> Optional.empty(), 4, OverflowStrategy.dropHead())
        .watchTermination((ref, done) -> {
          system.eventStream().tell(new EventStream.Subscribe<>(DirectoryView.DirectoryChanged.class,
              ref));
          done.whenComplete((d, e) -> system.eventStream().tell(new EventStream.Unsubscribe<>(ref)));
          return NotUsed.getInstance();
        })
        .map(d -> (Object) d);
    return pool.merge(directory)
        .conflateWithSeed(Update::of, Update::add)
        .throttle(PER_SECOND, Duration.ofSeconds(1))
        .map(Update::event)
        .keepAlive(HEARTBEAT, ServerSentEvent::heartbeat);
  }

  /**
   * What a page has not been sent yet: the jobs that changed since (the newest view of each), and
   * the newest workers and counts.
   */
  record Update(Map<String, JobView> jobs, List<WorkerView> workers, Views.Health health,
      boolean runsChanged, boolean resync, DirectoryView.DirectoryChanged directory) {

    static Update of(Object change) {
      return new Update(new LinkedHashMap<>(), null, null, false, false, null).add(change);
    }

    /** A change of the dispatcher's or of the worker directory's, over what waits. */
    Update add(Object change) {
      if (change instanceof DirectoryView.DirectoryChanged d) {
        return new Update(jobs, workers, health, runsChanged, resync, d);
      }
      return add((Watchers.Changed) change);
    }

    Update add(Watchers.Changed c) {
      boolean again = resync || c.jobsDropped();
      if (!again) {
        c.jobs().forEach(j -> jobs.put(j.id(), j));
        if (jobs.size() > MAX_JOBS) {
          jobs.clear();
          again = true;
        }
      }
      return new Update(jobs, c.workers(), c.health(), runsChanged || c.runsChanged(), again,
          directory);
    }

    ServerSentEvent event() {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("jobs", List.copyOf(jobs.values()));
      data.put("workers", workers);
      data.put("health", health);
      data.put("runsChanged", runsChanged);
      data.put("resync", resync);
      if (directory != null) { // as GET /api/workers and /api/sources show them
        Map<String, Object> dir = new LinkedHashMap<>();
        dir.put("pending", PoolView.withSpawns(List.of(), directory.spawns()));
        Map<String, String> spawnedBy = new LinkedHashMap<>();
        directory.spawns().forEach(s -> spawnedBy.put(s.id(), s.source()));
        dir.put("spawnedBy", spawnedBy);
        dir.put("sources", directory.sources());
        data.put("directory", dir);
      }
      try {
        return ServerSentEvent.create(ApiReplies.JSON.writeValueAsString(data), "pool");
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot render a live update", e);
      }
    }
  }
}
