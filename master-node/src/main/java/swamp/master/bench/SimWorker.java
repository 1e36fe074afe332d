package swamp.master.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import swamp.protocol.JobResult;
import swamp.protocol.JobState;
import swamp.protocol.ToMaster.JobFinished;
import swamp.protocol.ToMaster.JobsFinished;
import swamp.protocol.ToMaster;
import swamp.protocol.ToRegistry.Register;
import swamp.protocol.ToRegistry;
import swamp.protocol.ToWorker.Job;
import swamp.protocol.ToWorker.NotRegistered;
import swamp.protocol.ToWorker.RegOk;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;

/**
 * A simulated worker: registers through the real registry like a WorkerActor and answers every
 * {@link Job} with its {@link JobFinished} at once, without a process. While held it keeps the jobs
 * it
 * gets and answers them when let go, so a bench can fill a queue first and time it draining.
 */
final class SimWorker extends AbstractBehavior<SimWorker.Command> {

  sealed interface Command {}

  /** Register with {@code registry}, offering {@code slots}. */
  record RegisterWith(ActorRef<ToRegistry> registry, int slots, String secret) implements Command {}

  /** Stop answering jobs until {@link Go}. */
  enum Hold implements Command { INSTANCE }

  /** Answer the held jobs, and every job from now on at once. */
  enum Go implements Command { INSTANCE }

  private record FromMaster(ToWorker message) implements Command {}

  /** A count that the bench can wait on: when it reaches a target, the moment is recorded. */
  static final class Counter {
    private final AtomicLong count = new AtomicLong();
    private volatile long target = Long.MAX_VALUE;
    private volatile CompletableFuture<Long> reached = new CompletableFuture<>();

    long get() {
      return count.get();
    }

    /** Completes with System.nanoTime() when the count reaches {@code target}. */
    CompletableFuture<Long> when(long target) {
      CompletableFuture<Long> f = new CompletableFuture<>();
      reached = f;
      this.target = target;
      if (count.get() >= target) {
        f.complete(System.nanoTime());
      }
      return f;
    }

    void increment() {
      if (count.incrementAndGet() == target) {
        reached.complete(System.nanoTime());
      }
    }
  }

  /** What every simulated worker of one bench counts: jobs received, and RegOks. */
  static final class Tally {
    final Counter jobs = new Counter();
    final Counter regOks = new Counter();

    CompletableFuture<Long> whenJobs(long target) {
      return jobs.when(target);
    }

    CompletableFuture<Long> whenRegistered(long target) {
      return regOks.when(target);
    }
  }

  static WorkerOffer offer(int slots) {
    return new WorkerOffer("127.0.0.1", "sim://", slots, List.of(), List.of("*"), 1024,
        ToRegistry.SOFTWARE_VERSION, false);
  }

  static Behavior<Command> create(String id, Tally tally, boolean held) {
    return Behaviors.setup(ctx -> new SimWorker(ctx, id, tally, held));
  }

  private final String id;
  private final Tally tally;
  private final JobResult done;
  private final List<Job> held = new ArrayList<>();
  private boolean holding;
  private ActorRef<ToMaster> master;
  private final ActorRef<ToWorker> self;

  private SimWorker(ActorContext<Command> context, String id, Tally tally, boolean holding) {
    super(context);
    this.self = context.messageAdapter(ToWorker.class, FromMaster::new);
    this.id = id;
    this.tally = tally;
    this.holding = holding;
    this.done = new JobResult(JobState.SUCCEEDED, 0, "", "", false, id, null, 0, 0, null);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RegisterWith.class, r -> {
          r.registry().tell(new Register(id, offer(r.slots()), r.secret(), ToRegistry.VERSION,
              List.of(), 0, self));
          return this;
        })
        .onMessage(FromMaster.class, m -> m.message() instanceof Job, m -> onJob((Job) m.message()))
        .onMessage(FromMaster.class, m -> m.message() instanceof ToWorker.Jobs, m -> {
          ((ToWorker.Jobs) m.message()).jobs().forEach(this::onJob);
          return this;
        })
        .onMessage(FromMaster.class, m -> m.message() instanceof RegOk, m -> onRegOk((RegOk) m.message()))
        .onMessage(FromMaster.class, m -> m.message() instanceof NotRegistered, m -> {
          throw new IllegalStateException("simulated worker " + id + " refused: "
              + ((NotRegistered) m.message()).reason());
        })
        .onMessage(FromMaster.class, m -> this) // FinishAck and the rest: nothing to do
        .onMessage(Hold.class, h -> {
          holding = true;
          return this;
        })
        .onMessage(Go.class, g -> {
          holding = false;
          held.forEach(this::finish);
          held.clear();
          return this;
        })
        .build();
  }

  private Behavior<Command> onJob(Job job) {
    if (holding) {
      held.add(job);
    } else {
      finish(job);
    }
    tally.jobs.increment(); // after the finish is sent: a barrier behind the count sees it
    return this;
  }

  private Behavior<Command> onRegOk(RegOk ok) {
    if (master == null) {
      master = ok.master();
      tally.regOks.increment();
    }
    return this;
  }

  private void finish(Job job) {
    master.tell(new JobsFinished(List.of(new JobFinished(job.jobId(), job.attempt(), id, done)),
        self));
  }
}
