package swamp.master.api;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.NotUsed;
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

/**
 * {@code GET /api/events}: the dashboard's live feed, one server-sent-event stream per open page,
 * fed by the dispatcher's changes ({@link Watchers}) as they happen. A page that reads slowly
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

  LiveFeed(MasterAsk master) {
    this.master = master;
  }

  Route route() {
    return pathPrefix("api", () -> path("events", () -> get(() ->
        completeOK(events(), EventStreamMarshalling.toEventStream()))));
  }

  /** One page's stream: it starts watching the dispatcher, and stops when the page goes. */
  Source<ServerSentEvent, NotUsed> events() {
    return ActorSource.<Watchers.Changed>actorRef(c -> false, c -> Optional.empty(), 16,
            OverflowStrategy.dropHead())
        .mapMaterializedValue(ref -> {
          master.tellDispatcher(new Watchers.Watch(ref));
          return NotUsed.getInstance();
        })
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
      boolean runsChanged, boolean resync) {

    static Update of(Watchers.Changed c) {
      return new Update(new LinkedHashMap<>(), List.of(), null, false, c.jobsDropped()).add(c);
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
      return new Update(jobs, c.workers(), c.health(), runsChanged || c.runsChanged(), again);
    }

    ServerSentEvent event() {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("jobs", List.copyOf(jobs.values()));
      data.put("workers", workers);
      data.put("health", health);
      data.put("runsChanged", runsChanged);
      data.put("resync", resync);
      try {
        return ServerSentEvent.create(ApiReplies.JSON.writeValueAsString(data), "pool");
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot render a live update", e);
      }
    }
  }
}
