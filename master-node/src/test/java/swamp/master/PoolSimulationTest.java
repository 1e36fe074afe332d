package swamp.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.japi.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.dispatch.Views.JobView;
import swamp.master.dispatch.Views.WorkerView;
import swamp.master.dispatch.Views;
import swamp.master.membership.WorkerRegistry;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.ToMaster.JobFinished;
import swamp.protocol.ToMaster.JobRejected;
import swamp.protocol.ToMaster.JobsFinished;
import swamp.protocol.ToMaster;
import swamp.protocol.ToRegistry.Register;
import swamp.protocol.ToRegistry.RunningJob;
import swamp.protocol.ToRegistry.Unregister;
import swamp.protocol.ToRegistry;
import swamp.protocol.ToWorker.Dismiss;
import swamp.protocol.ToWorker.HandBack;
import swamp.protocol.ToWorker.Job;
import swamp.protocol.ToWorker.NotRegistered;
import swamp.protocol.ToWorker.RegOk;
import swamp.protocol.ToWorker.RegisterAgain;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;

/**
 * A pool of two hundred simulated workers around the real master: they find the registry through
 * the Receptionist, register, run jobs for a random moment; some die holding jobs, some are
 * dismissed half-way and drain, some join late. The master prefetches (its default): a worker
 * holds jobs beyond its slots, in order, and hands back those it has not started when asked.
 * Every job must end SUCCEEDED, reported exactly once.
 */
class PoolSimulationTest {

  static final ActorTestKit testKit = ActorTestKit.create();
  static final String SECRET = "pool-secret";
  static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

  static final int WORKERS = 200;
  static final int LATE_WORKERS = 20; // of WORKERS, they join once the jobs are queued
  static final int CRASHING_WORKERS = 12;
  static final int DISMISSED_WORKERS = 15;
  static final int NCO_WORKERS = 30; // the rest offer no label
  static final int JOBS = 5_000;
  static final int BATCH = 250;
  static final long SEED = 20_240_601L;

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void everyJobSucceedsExactlyOnceWhileWorkersDieLeaveAndJoin() {
    Random random = new Random(SEED);
    Ledger ledger = new Ledger();
    MasterSettings settings = MasterSettings.fromConfig(ConfigFactory.parseMap(Map.of(
        "swamp.master.local-exec", "never", "swamp.security.secret", SECRET))
        .withFallback(testKit.system().settings().config()));
    assertTrue(settings.prefetch() > 0, "the master prefetches by default");
    ActorRef<MasterActor.Command> master = testKit.spawn(MasterActor.create(settings), "master");

    // the pool: who is who is decided up front, from the seed
    List<String> ids = new ArrayList<>();
    Map<String, SimWorker.Plan> plans = new LinkedHashMap<>();
    for (int i = 0; i < WORKERS; i++) {
      String id = "sim-" + i;
      ids.add(id);
      List<String> labels = i < NCO_WORKERS ? List.of("nco") : List.of();
      int crashAfter = i >= NCO_WORKERS && i < NCO_WORKERS + CRASHING_WORKERS
          ? 2 + random.nextInt(5) : 0;
      plans.put(id, new SimWorker.Plan(id, 1 + random.nextInt(4), labels, crashAfter,
          random.nextLong()));
    }
    List<String> dismissed = ids.subList(NCO_WORKERS + CRASHING_WORKERS,
        NCO_WORKERS + CRASHING_WORKERS + DISMISSED_WORKERS);
    List<String> late = ids.subList(WORKERS - LATE_WORKERS, WORKERS);

    Map<String, ActorRef<SimWorker.Msg>> refs = new HashMap<>();
    for (String id : ids.subList(0, WORKERS - LATE_WORKERS)) {
      refs.put(id, testKit.spawn(SimWorker.create(plans.get(id), settings.prefetch(), ledger), id));
    }
    TestProbe<Void> watcher = testKit.createTestProbe();
    watcher.awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(WORKERS - LATE_WORKERS, ledger.registered.size());
      return null;
    });

    // the jobs: one in ten needs nco
    List<String> jobIds = new ArrayList<>();
    Set<String> ncoJobs = new HashSet<>();
    for (int start = 0; start < JOBS; start += BATCH) {
      List<JobSpec> batch = new ArrayList<>();
      for (int i = start; i < start + BATCH; i++) {
        boolean nco = random.nextInt(10) == 0;
        // the simulation loses jobs on purpose; room for more than the default three starts
        batch.add(new JobSpec(List.of(nco ? "ncks" : "echo", "job-" + i), Map.of(), null,
            nco ? List.of("nco") : List.of(), 1, 0, 10));
      }
      List<String> submitted = PoolSimulationTest.<JobDispatcher.Submitted>ask(master, r -> new MasterActor.Dispatch(
          new JobDispatcher.Submit(batch, r))).ids();
      for (int i = 0; i < submitted.size(); i++) {
        if (!batch.get(i).requires().isEmpty()) {
          ncoJobs.add(submitted.get(i));
        }
      }
      jobIds.addAll(submitted);
      if (jobIds.size() == JOBS / 2) {
        // a fifth of the way through, with half the jobs still to come, the pool shrinks
        watcher.awaitAssert(Duration.ofSeconds(15), () -> {
          assertTrue(ledger.reports.size() >= JOBS / 5);
          return null;
        });
        for (String id : dismissed) {
          WorkerRegistry.Dismissed d = ask(master, r -> new MasterActor.Membership(
              new WorkerRegistry.DismissWorkers(id, "the pool shrinks", r)));
          assertNull(d.error());
          assertEquals(List.of(id), d.workerIds());
        }
        // and grows: late workers join before the second half is submitted
        for (String id : late) {
          refs.put(id, testKit.spawn(SimWorker.create(plans.get(id), settings.prefetch(), ledger), id));
        }
        watcher.awaitAssert(Duration.ofSeconds(10), () -> {
          assertEquals(WORKERS, ledger.registered.size());
          return null;
        });
      }
    }

    // every job ends, within the deadline
    Views.Health health = watcher.awaitAssert(Duration.ofSeconds(20), Duration.ofMillis(50), () -> {
      Views.Health h = ask(master, r -> new MasterActor.Dispatch(new JobDispatcher.GetHealth(r)));
      assertEquals(JOBS, h.succeeded() + h.failed() + h.cancelled(), h.toString());
      return h;
    });
    assertEquals(JOBS, health.succeeded(), health.toString());
    assertEquals(0, health.queued() + health.running() + health.failed() + health.cancelled());

    // the master's book: every job SUCCEEDED once, where the workers say it ran
    List<JobView> views = ask(master, r -> new MasterActor.Dispatch(
        new JobDispatcher.ListJobs(null, 2 * JOBS, r)));
    assertEquals(jobIds, views.stream().map(JobView::id).toList());
    for (JobView v : views) {
      assertEquals(JobState.SUCCEEDED, v.state(), v.id());
      assertTrue(v.attempts() >= 1, v.id());
      List<Ledger.Report> reports = ledger.reports.get(v.id());
      assertEquals(1, reports.size(), v.id() + " was reported " + reports);
      assertEquals(new Ledger.Report(v.worker(), v.attempts()), reports.get(0), v.id());
      if (ncoJobs.contains(v.id())) {
        assertTrue(plans.get(v.worker()).labels().contains("nco"), v.id() + " ran on " + v.worker());
      }
    }

    // the workers' side: the lost jobs ran again elsewhere, nothing was over-assigned
    assertEquals(CRASHING_WORKERS, ledger.crashed.size(), "every crashing worker crashed");
    assertTrue(ledger.lost.values().stream().mapToInt(Set::size).sum() >= CRASHING_WORKERS);
    Map<String, JobView> byId = views.stream().collect(Collectors.toMap(JobView::id, v -> v));
    ledger.lost.forEach((jobId, workers) -> {
      JobView v = byId.get(jobId);
      assertTrue(v.attempts() > workers.size(), jobId + " was lost on " + workers + " but ran "
          + v.attempts() + " times");
      assertFalse(workers.contains(v.worker()), jobId);
    });
    assertEquals(List.of(), ledger.overbooked,
        "the master gave a worker more than its slots and prefetch");
    assertTrue(ledger.prefetched.get() > 0, "jobs waited on their workers: prefetch was used");
    System.out.printf("pool simulation: %d jobs waited on a worker for a slot, %d handed back%n",
        ledger.prefetched.get(), ledger.handedBack.get());
    assertEquals(List.of(), ledger.refusals, "no registration may be refused");
    assertTrue(late.stream().allMatch(ledger.ran::containsKey), "late workers got jobs too");

    // the dismissed drained and left; the crashed are gone; the rest are still in the pool
    for (String id : dismissed) {
      watcher.expectTerminated(refs.get(id), Duration.ofSeconds(5));
      assertTrue(ledger.left.contains(id), id + " left without Unregister");
    }
    Set<String> expected = new HashSet<>(ids);
    expected.removeAll(dismissed);
    expected.removeAll(ledger.crashed);
    List<WorkerView> pool = ask(master, r -> new MasterActor.Dispatch(
        new JobDispatcher.ListWorkers(r)));
    assertEquals(expected, pool.stream().map(WorkerView::id).collect(Collectors.toSet()));
    assertTrue(pool.stream().allMatch(w -> w.busy() == 0 && !w.draining()), pool.toString());
  }

  static <T> T ask(ActorRef<MasterActor.Command> master,
      Function<ActorRef<T>, MasterActor.Command> question) {
    return AskPattern.ask(master, question, ASK_TIMEOUT, testKit.scheduler())
        .toCompletableFuture().join();
  }

  /** What the simulated workers did, written from their threads, read by the test. */
  static final class Ledger {
    record Report(String workerId, int attempt) {}

    final Set<String> registered = ConcurrentHashMap.newKeySet();
    final Map<String, List<Report>> reports = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> ran = new ConcurrentHashMap<>();
    /** Job id -> the workers that died holding it. */
    final Map<String, Set<String>> lost = new ConcurrentHashMap<>();
    final Set<String> crashed = ConcurrentHashMap.newKeySet();
    final Set<String> left = ConcurrentHashMap.newKeySet();
    final List<String> overbooked = new CopyOnWriteArrayList<>();
    /** Jobs that waited on a worker for a slot, and those of them handed back. */
    final AtomicInteger prefetched = new AtomicInteger();
    final AtomicInteger handedBack = new AtomicInteger();
    final List<String> refusals = new CopyOnWriteArrayList<>();

    void reported(String jobId, String workerId, int attempt) {
      reports.computeIfAbsent(jobId, k -> new CopyOnWriteArrayList<>())
          .add(new Report(workerId, attempt));
    }
  }

  /**
   * A worker reduced to its protocol: it registers through the Receptionist, runs each job for a
   * random moment (or none), reports it, and on Dismiss drains, unregisters and stops, as the real
   * WorkerActor does. One that is planned to crash stops when its n-th job arrives, holding it.
   */
  static final class SimWorker extends AbstractBehavior<SimWorker.Msg> {

    record Plan(String id, int slots, List<String> labels, int crashAfter, long seed) {}

    private final int prefetch;
    /** Jobs given beyond the free slots, in the order they came. */
    private final java.util.ArrayDeque<Job> waiting = new java.util.ArrayDeque<>();

    interface Msg extends NoSerializationVerificationNeeded {}

    private record FromMaster(ToWorker message) implements Msg {}

    private record Listing(Receptionist.Listing listing) implements Msg {}

    private record Done(String jobId, int attempt) implements Msg {}

    private final Plan plan;
    private final Ledger ledger;
    private final TimerScheduler<Msg> timers;
    private final ActorRef<ToWorker> self;
    private final Random random;
    private final Map<String, Integer> running = new HashMap<>();
    private ActorRef<ToRegistry> registry;
    private ActorRef<ToMaster> master;
    private String dismissedFor;
    private int started;

    static Behavior<Msg> create(Plan plan, int prefetch, Ledger ledger) {
      return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
          new SimWorker(ctx, timers, plan, prefetch, ledger)));
    }

    private SimWorker(ActorContext<Msg> ctx, TimerScheduler<Msg> timers, Plan plan,
        int prefetch, Ledger ledger) {
      super(ctx);
      this.plan = plan;
      this.prefetch = prefetch;
      this.ledger = ledger;
      this.timers = timers;
      this.random = new Random(plan.seed());
      this.self = ctx.messageAdapter(ToWorker.class, FromMaster::new);
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(ToRegistry.KEY,
          ctx.messageAdapter(Receptionist.Listing.class, Listing::new)));
    }

    @Override
    public Receive<Msg> createReceive() {
      return newReceiveBuilder()
          .onMessage(Listing.class, this::onListing)
          .onMessage(FromMaster.class, m -> onMaster(m.message()))
          .onMessage(Done.class, this::onDone)
          .build();
    }

    private Behavior<Msg> onListing(Listing l) {
      Set<ActorRef<ToRegistry>> found =
          l.listing().getServiceInstances(ToRegistry.KEY);
      if (registry == null && !found.isEmpty()) {
        registry = found.iterator().next();
        register();
      }
      return this;
    }

    private void register() {
      List<RunningJob> claims = new ArrayList<>();
      running.forEach((jobId, attempt) -> claims.add(new RunningJob(jobId, attempt)));
      waiting.forEach(j -> claims.add(new RunningJob(j.jobId(), j.attempt())));
      registry.tell(new Register(plan.id(), new WorkerOffer("sim", "sim://" + plan.id(),
          plan.slots(), plan.labels(), List.of("*"), 0, ToRegistry.SOFTWARE_VERSION,
          false), SECRET, ToRegistry.VERSION, claims, 0, self));
    }

    private Behavior<Msg> onMaster(ToWorker message) {
      if (message instanceof RegOk ok) {
        master = ok.master();
        ledger.registered.add(plan.id());
      } else if (message instanceof NotRegistered f) {
        ledger.refusals.add(plan.id() + ": " + f.reason());
      } else if (message instanceof Job job) {
        return onJob(job);
      } else if (message instanceof ToWorker.Jobs jobs) {
        for (Job job : jobs.jobs()) {
          Behavior<Msg> next = onJob(job);
          if (next != this) {
            return next; // it died with the rest of the message, as a worker would
          }
        }
      } else if (message instanceof RegisterAgain) {
        register();
      } else if (message instanceof Dismiss d) {
        dismissedFor = d.reason();
        waiting.forEach(j -> master.tell(new JobRejected(j.jobId(), j.attempt(), plan.id(),
            "worker is draining", self))); // what has not started goes back
        waiting.clear();
        return running.isEmpty() ? leave() : this;
      } else if (message instanceof HandBack back) {
        Job job = waiting.stream().filter(j -> j.jobId().equals(back.jobId())
            && j.attempt() == back.attempt()).findFirst().orElse(null);
        if (job != null) {
          waiting.remove(job);
          ledger.handedBack.incrementAndGet();
          master.tell(new JobRejected(job.jobId(), job.attempt(), plan.id(), "handed back",
              self));
        }
      }
      return this; // CancelJob: nothing is cancelled here
    }

    private Behavior<Msg> onJob(Job job) {
      if (dismissedFor != null) {
        master.tell(new JobRejected(job.jobId(), job.attempt(), plan.id(), "worker is draining",
            self));
        return this;
      }
      int held = waiting.stream().mapToInt(j -> j.spec().slots()).sum();
      if (running.size() + held + job.spec().slots() > plan.slots() + prefetch) {
        ledger.overbooked.add(plan.id() + " got " + job.jobId() + " with " + running.keySet()
            + " running and " + waiting.size() + " waiting");
        master.tell(new JobRejected(job.jobId(), job.attempt(), plan.id(), "no free slot", self));
        return this;
      }
      if (!waiting.isEmpty() || running.size() + job.spec().slots() > plan.slots()) {
        ledger.prefetched.incrementAndGet();
        waiting.addLast(job);
        return this;
      }
      return start(job);
    }

    private Behavior<Msg> start(Job job) {
      running.put(job.jobId(), job.attempt());
      ledger.ran.computeIfAbsent(plan.id(), k -> new AtomicInteger()).incrementAndGet();
      if (plan.crashAfter() > 0 && ++started >= plan.crashAfter()) {
        waiting.forEach(j -> running.put(j.jobId(), j.attempt())); // held: lost with it too
        running.keySet().forEach(id ->
            ledger.lost.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(plan.id()));
        ledger.crashed.add(plan.id());
        return Behaviors.stopped(); // dies mid-job: the master must notice and run them again
      }
      int millis = random.nextInt(6) - 2; // a third finish at once
      if (millis <= 0) {
        return onDone(new Done(job.jobId(), job.attempt()));
      }
      timers.startSingleTimer(job.jobId(), new Done(job.jobId(), job.attempt()),
          Duration.ofMillis(millis));
      return this;
    }

    private Behavior<Msg> onDone(Done done) {
      Integer attempt = running.remove(done.jobId());
      if (attempt == null || attempt != done.attempt()) {
        return this;
      }
      long now = System.currentTimeMillis();
      ledger.reported(done.jobId(), plan.id(), done.attempt());
      master.tell(new JobsFinished(List.of(new JobFinished(done.jobId(), done.attempt(), plan.id(),
          new JobResult(JobState.SUCCEEDED, 0, done.jobId(), "", false, plan.id(), 1L, now, now,
              null))), self));
      // the next waiting job starts at once, without waiting for the master (as the real worker
      // does, in the same message; a crash planned at that start comes after the finish went)
      Behavior<Msg> next = this;
      while (next == this && !waiting.isEmpty()
          && running.size() + waiting.peekFirst().spec().slots() <= plan.slots()) {
        next = start(waiting.pollFirst());
      }
      if (next != this) {
        return next; // it crashed
      }
      return dismissedFor != null && running.isEmpty() ? leave() : this;
    }

    private Behavior<Msg> leave() {
      ledger.left.add(plan.id());
      registry.tell(new Unregister(plan.id(), "dismissed: " + dismissedFor, self));
      return Behaviors.stopped();
    }
  }
}
