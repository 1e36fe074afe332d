package swamp.master.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import swamp.master.MasterActor;
import swamp.master.MasterSettings;
import swamp.master.dispatch.JobDispatcher;
import swamp.protocol.JobSpec;
import swamp.protocol.ToRegistry;

/**
 * The in-JVM measures, each run by {@link Bench} in a child JVM of its own: the real MasterActor
 * (its JobDispatcher and WorkerRegistry) on an actor system with the local provider, driven by
 * {@link SimWorker}s. Prints {@code result NAME VALUE} lines on standard output; logs go to
 * standard error, which the bench keeps in a file.
 *
 * <pre>
 * InJvm dispatch JOBS WORKERS SLOTS BATCH REPS   one "result jobs/s" per repetition
 * InJvm registration WORKERS REPS                one "result ms" per repetition
 * InJvm memory QUEUED WINDOW                     heap after GC with QUEUED queued, and the µs
 *                                                per dispatch with 1,000 and with QUEUED queued
 * </pre>
 */
public final class InJvm {
  private InJvm() {}

  static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final String SECRET = "bench-" + System.nanoTime();
  /** Jobs per message the bench submits in, and the slots of the one worker of the memory bench. */
  static final int SUBMIT_BATCH = 10_000;
  static final int MEMORY_WORKER_SLOTS = 100;

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "dispatch" -> dispatch(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
          Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
      case "registration" -> registration(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      case "memory" -> memory(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      default -> throw new IllegalArgumentException("unknown measure " + args[0]);
    }
    System.exit(0);
  }

  /** A job as the HTTP API makes one: its own strings and lists, a 3-word argv. */
  static JobSpec spec(long i) {
    List<String> argv = new ArrayList<>(3);
    argv.add(new String("echo"));
    argv.add(new String("job"));
    argv.add(Long.toString(i));
    return new JobSpec(argv, new LinkedHashMap<>(), null, new ArrayList<>(), 1, 0,
        JobSpec.DEFAULT_MAX_ATTEMPTS);
  }

  // ---- the measures ----

  /** Throughput: 100 instant workers, {@code jobs} submitted in batches; a warm-up round first. */
  static void dispatch(int jobs, int workers, int slots, int batch, int reps) throws Exception {
    for (int rep = 0; rep <= reps; rep++) {
      int n = rep == 0 ? Math.max(batch, jobs / 4) : jobs; // rep 0 warms the JIT up, uncounted
      List<List<JobSpec>> batches = batches(0, n, batch);
      try (Master m = new Master()) {
        SimWorker.Tally tally = new SimWorker.Tally();
        m.registerWorkers(workers, slots, tally, false);
        CompletableFuture<Long> allDone = tally.whenJobs(n);
        long t0 = System.nanoTime();
        for (List<JobSpec> b : batches) {
          m.submit(b);
        }
        allDone.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        m.barrier();
        long t1 = System.nanoTime();
        if (rep > 0) {
          result("jobs/s", n / ((t1 - t0) / 1e9));
        }
      }
    }
  }

  /** {@code workers} simulated workers Register at once; the time until the last has RegOk. */
  static void registration(int workers, int reps) throws Exception {
    for (int rep = 0; rep < reps; rep++) {
      try (Master m = new Master()) {
        SimWorker.Tally tally = new SimWorker.Tally();
        List<ActorRef<SimWorker.Command>> refs = new ArrayList<>(workers);
        for (int i = 0; i < workers; i++) {
          refs.add(m.spawn("sim-" + i, tally, false));
        }
        CompletableFuture<Long> allIn = tally.whenRegistered(workers);
        long t0 = System.nanoTime();
        for (int i = 0; i < workers; i++) {
          refs.get(i).tell(new SimWorker.RegisterWith(m.registry, 1, SECRET));
        }
        long t1 = allIn.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        result("ms", (t1 - t0) / 1e6);
      }
    }
  }

  /**
   * Memory and dispatch cost against queue length: heap after GC with {@code queued} jobs
   * waiting, and the µs per dispatch while draining 1,000 queued jobs and while draining the
   * first {@code window} of {@code queued}. One held worker fills its slots first, so both drains
   * start the same way: its held jobs finish and every finish frees a slot for the next job.
   */
  static void memory(int queued, int window) throws Exception {
    try (Master m = new Master()) {
      SimWorker.Tally tally = new SimWorker.Tally();
      int slots = MEMORY_WORKER_SLOTS;
      ActorRef<SimWorker.Command> w = m.registerWorkers(1, slots, tally, false).get(0);

      // warm up the dispatch path
      int warm = warmUpJobs(window);
      CompletableFuture<Long> warmed = tally.whenJobs(warm);
      submitInBatches(m, 0, warm);
      warmed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      m.barrier();
      long seq = warm;

      // 1,000 queued
      int small = 1_000;
      w.tell(SimWorker.Hold.INSTANCE);
      long base = tally.jobs.get();
      CompletableFuture<Long> filled = tally.whenJobs(base + slots);
      submitInBatches(m, seq, slots + small);
      seq += slots + small;
      filled.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      m.barrier();
      CompletableFuture<Long> drained = tally.whenJobs(base + slots + small);
      long t0 = System.nanoTime();
      w.tell(SimWorker.Go.INSTANCE);
      long t1 = drained.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      result("us-per-dispatch-small", (t1 - t0) / 1e3 / small);
      m.barrier();

      // the big queue: its memory, then its first window drained
      w.tell(SimWorker.Hold.INSTANCE);
      long before = heapAfterGc();
      base = tally.jobs.get();
      filled = tally.whenJobs(base + slots);
      submitInBatches(m, seq, slots + queued);
      filled.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      m.barrier();
      long after = heapAfterGc();
      result("heap-mib", after / (1024.0 * 1024));
      result("bytes-per-job", (after - before) / (double) queued);
      drained = tally.whenJobs(base + slots + window);
      t0 = System.nanoTime();
      w.tell(SimWorker.Go.INSTANCE);
      t1 = drained.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      result("us-per-dispatch-big", (t1 - t0) / 1e3 / window);
    }
  }

  /** The jobs the memory measure dispatches first, to warm its dispatch path up. */
  static int warmUpJobs(int window) {
    return Math.min(50_000, Math.max(5_000, window));
  }

  /** Submits jobs {@code from}..{@code from+n} in batches, each answered before the next. */
  private static void submitInBatches(Master m, long from, int n) throws Exception {
    for (List<JobSpec> b : batches(from, n, SUBMIT_BATCH)) {
      m.submit(b).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** Jobs {@code from}..{@code from+n} in lists of {@code size}. */
  private static List<List<JobSpec>> batches(long from, int n, int size) {
    List<List<JobSpec>> batches = new ArrayList<>();
    for (int i = 0; i < n; i += size) {
      List<JobSpec> b = new ArrayList<>(size);
      for (int j = i; j < Math.min(n, i + size); j++) {
        b.add(spec(from + j));
      }
      batches.add(b);
    }
    return batches;
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  // ---- the bench's side ----

  /** Runs one measure in a child JVM of its own (logs to {@code <name>.log}); its output lines. */
  static List<String> run(Lab lab, String name, List<String> args) throws Exception {
    return lab.run(name, lab.jvm(Lab.MASTER_JVM, null, lab.masterCp, InJvm.class.getName(), args),
        Duration.ofMinutes(5));
  }

  /** The values of the {@code result KEY VALUE} lines of {@code lines}. */
  static List<Double> results(List<String> lines, String key) {
    List<Double> xs = new ArrayList<>();
    for (String l : lines) {
      String[] w = l.split(" ");
      if (w.length == 3 && w[0].equals("result") && w[1].equals(key)) {
        xs.add(Double.parseDouble(w[2]));
      }
    }
    return xs;
  }

  static void result(String name, double value) {
    System.out.println("result " + name + " " + value);
    System.out.flush();
  }

  /** The master's actors on an actor system of their own, local provider, local-exec never. */
  static final class Master implements AutoCloseable {
    final ActorSystem<MasterActor.Command> system;
    final ActorRef<ToRegistry> registry;

    Master() throws Exception {
      // the classpath's application.conf asks for the cluster provider: override it
      Config config = ConfigFactory.parseMap(Map.of(
              "pekko.actor.provider", "local",
              "swamp.master.local-exec", "never",
              "swamp.security.secret", SECRET))
          .withFallback(ConfigFactory.load());
      system = ActorSystem.create(MasterActor.create(MasterSettings.fromConfig(config)), "swamp",
          config);
      registry = findRegistry();
    }

    private ActorRef<ToRegistry> findRegistry() throws Exception {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        Receptionist.Listing l = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
                system.receptionist(), r -> Receptionist.find(ToRegistry.KEY, r),
                Duration.ofSeconds(10), system.scheduler())
            .toCompletableFuture().get();
        Set<ActorRef<ToRegistry>> found = l.getServiceInstances(ToRegistry.KEY);
        if (!found.isEmpty()) {
          return found.iterator().next();
        }
        Thread.sleep(5);
      }
      throw new IllegalStateException("the registry never showed up at the receptionist");
    }

    ActorRef<SimWorker.Command> spawn(String id, SimWorker.Tally tally, boolean held) {
      return system.systemActorOf(SimWorker.create(id, tally, held), id, Props.empty());
    }

    /** Spawns and registers {@code n} workers and waits until all have RegOk. */
    List<ActorRef<SimWorker.Command>> registerWorkers(int n, int slots, SimWorker.Tally tally, boolean held)
        throws Exception {
      List<ActorRef<SimWorker.Command>> refs = new ArrayList<>(n);
      CompletableFuture<Long> in = tally.whenRegistered(tally.regOks.get() + n);
      for (int i = 0; i < n; i++) {
        String id = "sim-" + i;
        ActorRef<SimWorker.Command> ref = spawn(id, tally, held);
        ref.tell(new SimWorker.RegisterWith(registry, slots, SECRET));
        refs.add(ref);
      }
      in.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return refs;
    }

    CompletableFuture<List<String>> submit(List<JobSpec> specs) {
      return AskPattern.<MasterActor.Command, JobDispatcher.Submitted>ask(system,
              r -> new MasterActor.Dispatch(new JobDispatcher.Submit(specs, r)), TIMEOUT,
              system.scheduler())
          .thenApply(JobDispatcher.Submitted::ids)
          .toCompletableFuture();
    }

    /** Answers once the dispatcher has handled every message sent to it before. */
    void barrier() throws Exception {
      submit(List.of()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }
  }
}
