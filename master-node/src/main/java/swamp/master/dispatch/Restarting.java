package swamp.master.dispatch;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The one restart policy of the dispatcher: a stable ref in front of an event-sourced child that
 * is made anew, from its journal, whenever it stops (a write the journal refused, a journal that
 * could not be read), after a backoff of 200 ms doubling to 10 s. Commands sent meanwhile wait.
 * What the scaler says stands ({@link JobDispatcher.WatchDemand}, the last {@link
 * JobDispatcher.SourcesFailing}): each new child hears it again.
 *
 * <p>A new child, not a restart of the old: Pekko's own restart of an event-sourced behavior
 * starts the recovery from the state object {@code emptyState()} returned once, and the
 * dispatcher's book is that object, with the failed command's decisions already in it.
 */
final class Restarting {
  private Restarting() {}

  private static final Duration FIRST = Duration.ofMillis(200);
  private static final Duration MOST = Duration.ofSeconds(10);
  /** A child that lived this long failed for a new reason: the backoff starts over. */
  private static final Duration STABLE = Duration.ofSeconds(30);
  private static final int WAITING = 100_000;

  /** The child started at {@code startedAt} stopped. */
  record Stopped(long startedAt) implements JobDispatcher.Lifecycle {}

  enum Start implements JobDispatcher.Lifecycle { INSTANCE }

  static Behavior<JobDispatcher.Command> of(String name,
      Supplier<Behavior<JobDispatcher.Command>> child) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(WAITING,
        stash -> new Restarting.State(ctx, timers, stash, name, child).running(FIRST))));
  }

  private static final class State {
    final ActorContext<JobDispatcher.Command> ctx;
    final TimerScheduler<JobDispatcher.Command> timers;
    final StashBuffer<JobDispatcher.Command> stash;
    final String name;
    final Supplier<Behavior<JobDispatcher.Command>> child;
    int incarnation;
    /** The last command of each kind that stands for every child: what the scaler said. */
    final java.util.Map<Class<?>, JobDispatcher.Command> standing = new java.util.LinkedHashMap<>();

    State(ActorContext<JobDispatcher.Command> ctx, TimerScheduler<JobDispatcher.Command> timers,
        StashBuffer<JobDispatcher.Command> stash, String name,
        Supplier<Behavior<JobDispatcher.Command>> child) {
      this.ctx = ctx;
      this.timers = timers;
      this.stash = stash;
      this.name = name;
      this.child = child;
    }

    /** A new child; {@code backoff} is the wait before the next one, should it stop. */
    Behavior<JobDispatcher.Command> running(Duration backoff) {
      ActorRef<JobDispatcher.Command> current =
          ctx.spawn(child.get(), name + "-" + ++incarnation);
      ctx.watchWith(current, new Stopped(System.currentTimeMillis()));
      standing.values().forEach(current::tell);
      return stash.unstashAll(Behaviors.receive(JobDispatcher.Command.class)
          .onMessage(Stopped.class, s -> {
            Duration wait = System.currentTimeMillis() - s.startedAt() > STABLE.toMillis()
                ? FIRST : backoff;
            ctx.getLog().warn("the dispatcher stopped; a new one reads the journal in {} ms",
                wait.toMillis());
            timers.startSingleTimer(Start.INSTANCE, wait);
            return waiting(wait);
          })
          .onMessage(JobDispatcher.Command.class, c -> {
            if (c instanceof JobDispatcher.WatchDemand || c instanceof JobDispatcher.SourcesFailing) {
              standing.put(c.getClass(), c);
            }
            current.tell(c);
            return Behaviors.same();
          })
          .build());
    }

    Behavior<JobDispatcher.Command> waiting(Duration backoff) {
      return Behaviors.receive(JobDispatcher.Command.class)
          .onMessage(Start.class, s -> {
            Duration next = backoff.multipliedBy(2);
            return running(next.compareTo(MOST) > 0 ? MOST : next);
          })
          .onMessage(JobDispatcher.Command.class, c -> {
            if (stash.isFull()) {
              ctx.getLog().warn("dropping {}: {} commands wait for the dispatcher", c, WAITING);
            } else {
              stash.stash(c);
            }
            return Behaviors.same();
          })
          .build();
    }
  }
}
