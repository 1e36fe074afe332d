package swamp.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import swamp.master.api.MasterAsk;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.dispatch.Views.JobView;
import swamp.master.dispatch.Views.WorkerView;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.ToRegistry;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;
import swamp.worker.Executables;
import swamp.worker.WorkDirs;
import swamp.worker.WorkerActor;
import swamp.worker.WorkerMain;
import swamp.worker.WorkerSettings;

/**
 * The master and its workers as cluster nodes of one JVM: an actor system each, real Artery over
 * loopback, real job processes. What needs no separate process is proven here in seconds:
 * registration, dispatch, the loss of a worker, and a dispatcher that starts again from its
 * journal without its workers noticing.
 */
class ClusterTest {
  static final String SECRET = "s3cret";
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  final List<ActorSystem<?>> systems = new ArrayList<>();

  @AfterEach
  void stop() {
    systems.forEach(ActorSystem::terminate);
    systems.forEach(s -> s.getWhenTerminated().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS)
        .exceptionally(t -> null).join());
  }

  /** A node's settings over plain tcp on a free loopback port, the shared settings under them. */
  static Config node(String... settings) {
    return ConfigFactory.parseString(String.join("\n", settings))
        .withFallback(ConfigFactory.parseString("""
            pekko.remote.artery.transport = tcp
            pekko.remote.artery.canonical.port = 0
            swamp.security.secret = "%s"
            """.formatted(SECRET)))
        .withFallback(ConfigFactory.parseResources("application.conf"))
        .withFallback(ConfigFactory.load("application-test")).resolve();
  }

  /** A master node whose dispatcher journals to the {@link FailingJournal}, empty. */
  MasterAsk master() {
    FailingJournal.clear();
    Config config = node("pekko.cluster.roles = [master]",
        "pekko.persistence.journal.plugin = swamp-test-journal",
        "swamp-test-journal.class = \"" + FailingJournal.class.getName() + "\"",
        "pekko.persistence.snapshot-store.plugin = \"pekko.persistence.snapshot-store.local\"",
        "pekko.persistence.snapshot-store.local.dir = \"" + dir.resolve("snapshots") + "\"",
        "swamp.master.local-exec = never");
    ActorSystem<MasterActor.Command> system = ActorSystem.create(
        MasterActor.create(MasterSettings.fromConfig(config)), WorkerMain.SYSTEM_NAME, config);
    systems.add(system);
    Cluster.get(system).manager().tell(Join.create(Cluster.get(system).selfMember().address()));
    return MasterActor.asker(system, system.scheduler());
  }

  /** A worker node that joins the master's; its exits (a rejoin is one) go to {@code exits}. */
  ActorSystem<WorkerActor.Exit> worker(String id, ActorSystem<?> master, List<WorkerActor.Exit> exits)
      throws java.io.IOException {
    return worker(id, 0, master, exits);
  }

  /** As {@link #worker(String, ActorSystem, List)}, on cluster port {@code port} (0: a free one). */
  ActorSystem<WorkerActor.Exit> worker(String id, int port, ActorSystem<?> master,
      List<WorkerActor.Exit> exits) throws java.io.IOException {
    Config config = node("pekko.cluster.roles = [worker]",
        "pekko.remote.artery.canonical.port = " + port);
    WorkerSettings settings = WorkerSettings.fromConfig(ConfigFactory.parseMap(Map.of(
        "swamp.worker.id", id, "swamp.worker.slots", 2,
        "swamp.worker.work-dir", dir.resolve(id).toString())).withFallback(config));
    WorkDirs.makePrivate(settings.workDir());
    ActorSystem<WorkerActor.Exit> system = ActorSystem.create(Behaviors.setup(ctx -> {
      ctx.spawn(WorkerActor.create(settings, Executables.of(List.of("*")), false, ctx.getSelf()),
          "worker");
      return Behaviors.receive(WorkerActor.Exit.class).onMessage(WorkerActor.Exit.class, e -> {
        exits.add(e);
        return Behaviors.same();
      }).build();
    }), WorkerMain.SYSTEM_NAME, config);
    systems.add(system);
    Cluster.get(system).manager().tell(Join.create(Cluster.get(master).selfMember().address()));
    return system;
  }

  static String submit(MasterAsk master, String... argv) {
    JobDispatcher.Submitted submitted = master.<JobDispatcher.Submitted>dispatcher(
        r -> new JobDispatcher.Submit(List.of(JobSpec.of(List.of(argv))), r), WAIT)
        .toCompletableFuture().join();
    return submitted.ids().get(0);
  }

  static JobView job(MasterAsk master, String id) {
    return master.<Optional<JobView>>dispatcher(r -> new JobDispatcher.GetJob(id, r), WAIT)
        .toCompletableFuture().join().orElseThrow();
  }

  static List<String> workers(MasterAsk master) {
    return master.<List<WorkerView>>dispatcher(JobDispatcher.ListWorkers::new, WAIT)
        .toCompletableFuture().join().stream().map(WorkerView::id).sorted().toList();
  }

  static <T> T await(String what, Supplier<T> value) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      T v = value.get();
      if (v != null) {
        return v;
      }
      try {
        Thread.sleep(50); // polling interval of a condition with a deadline
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("timed out waiting for " + what);
  }

  @Test
  void workersRegisterRunJobsAndALostWorkersJobRunsAgainElsewhere() throws Exception {
    List<WorkerActor.Exit> exits = new java.util.concurrent.CopyOnWriteArrayList<>();
    MasterAsk master = master();
    ActorSystem<?> masterNode = systems.get(0);
    ActorSystem<WorkerActor.Exit> w1 = worker("w1", masterNode, exits);
    ActorSystem<WorkerActor.Exit> w2 = worker("w2", masterNode, exits);
    await("both workers registered", () -> workers(master).equals(List.of("w1", "w2")) ? 1 : null);

    String quick = submit(master, "echo", "hello");
    JobView done = await("the job to succeed",
        () -> job(master, quick).state() == JobState.SUCCEEDED ? job(master, quick) : null);
    assertEquals("hello\n", done.stdout());

    String slow = submit(master, "sleep", "600");
    String first = await("the slow job to run",
        () -> job(master, slow).state() == JobState.RUNNING ? job(master, slow).worker() : null);
    ActorSystem<WorkerActor.Exit> doomed = first.equals("w1") ? w1 : w2;
    doomed.terminate(); // its worker stops, and its job's process with it

    JobView again = await("the job to run again on the other worker", () -> {
      JobView j = job(master, slow);
      return j.state() == JobState.RUNNING && j.attempts() == 2 ? j : null;
    });
    assertNotEquals(first, again.worker(), again.toString());
    master.<JobDispatcher.CancelReply>dispatcher(r -> new JobDispatcher.CancelJob(slow, r), WAIT)
        .toCompletableFuture().join();
  }

  /**
   * A worker started again on the port of one that was removed: its node finds the registry
   * while it still joins the cluster (the Receptionist's data reaches a joining node), and it
   * registers then. It is kept and gets jobs, also once its node is up. It was admitted and
   * dropped a millisecond later: Pekko's death watch took it for the removed one, whose tombstone
   * its address still bears, and said it had stopped, while it went on believing itself
   * registered; and again when its node came up and the removed incarnation was quarantined.
   */
  @Test
  void aWorkerOnThePortOfARemovedOneThatRegistersWhileItsNodeJoinsIsKept() throws Exception {
    MasterAsk master = master();
    ActorSystem<?> masterNode = systems.get(0);
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ActorSystem<WorkerActor.Exit> before = worker("w2", port, masterNode, new ArrayList<>());
    await("the first worker registered", () -> workers(master).equals(List.of("w2")) ? 1 : null);
    var address = Cluster.get(before).selfMember().address();
    before.terminate(); // it leaves the cluster: removed, its address bears a tombstone
    await("the first worker's node removed", () -> workers(master).isEmpty()
        && java.util.stream.StreamSupport.stream(
            Cluster.get(masterNode).state().getMembers().spliterator(), false)
            .noneMatch(m -> m.address().equals(address)) ? 1 : null);

    // the new process on the same port: it registers as its node joins, as soon as it can
    ActorSystem<Void> again = ActorSystem.create(Behaviors.empty(), WorkerMain.SYSTEM_NAME,
        node("pekko.cluster.roles = [worker]", "pekko.remote.artery.canonical.port = " + port));
    systems.add(again);
    TestProbe<ToWorker> worker = TestProbe.create(again);
    var listing = org.apache.pekko.actor.typed.javadsl.AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
        masterNode.receptionist(), r -> Receptionist.find(ToRegistry.KEY, r), WAIT, masterNode.scheduler())
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    ActorRef<ToRegistry> registry = ActorRefResolver.get(again).resolveActorRef(
        ActorRefResolver.get(masterNode).toSerializationFormat(
            listing.getServiceInstances(ToRegistry.KEY).iterator().next()));
    Cluster.get(again).manager().tell(Join.create(Cluster.get(masterNode).selfMember().address()));
    var incarnation = Cluster.get(again).selfMember().uniqueAddress();
    // as a worker's does: its node is a member (joining) when the Receptionist's data reaches it
    await("the new node a member in the master's view", () -> memberStatus(masterNode,
        incarnation) != null ? 1 : null);
    registry.tell(new ToRegistry.Register("w2", new WorkerOffer("127.0.0.1", "", 2, List.of(),
        List.of("*"), 0, ToRegistry.SOFTWARE_VERSION, false), SECRET, ToRegistry.VERSION, List.of(),
        incarnation.longUid(), worker.ref()));
    worker.expectMessageClass(ToWorker.RegOk.class, WAIT);

    String job = submit(master, "echo", "again");
    ToWorker.Job sent = worker.expectMessageClass(ToWorker.Job.class, WAIT);
    assertEquals(job, sent.jobId(), "the master gives the worker its job: it kept it");

    await("the new node up in the master's view", () ->
        memberStatus(masterNode, incarnation) == MemberStatus.up() ? 1 : null);
    String next = submit(master, "echo", "up");
    assertEquals(next, worker.expectMessageClass(ToWorker.Job.class, WAIT).jobId(),
        "the worker gets jobs once its node is up too");
    assertEquals(List.of("w2"), workers(master));
  }

  /** The status of {@code node} in {@code system}'s view of the cluster; null if not a member. */
  static MemberStatus memberStatus(ActorSystem<?> system,
      org.apache.pekko.cluster.UniqueAddress node) {
    for (var m : Cluster.get(system).state().getMembers()) {
      if (m.uniqueAddress().equals(node)) {
        return m.status();
      }
    }
    return null;
  }

  @Test
  void aDispatcherThatStartsAgainFromItsJournalKeepsItsWorkersAndTheirJobs() throws Exception {
    List<WorkerActor.Exit> exits = new java.util.concurrent.CopyOnWriteArrayList<>();
    MasterAsk master = master();
    ActorSystem<?> masterNode = systems.get(0);
    ActorSystem<WorkerActor.Exit> w1 = worker("w1", masterNode, exits);
    await("the worker registered", () -> workers(master).equals(List.of("w1")) ? 1 : null);
    String running = submit(master, "sleep", "3");
    await("the job to run", () -> job(master, running).state() == JobState.RUNNING ? 1 : null);
    var member = Cluster.get(w1).selfMember();

    int recoveries = FailingJournal.recoveries();
    FailingJournal.failNextWrite();
    // this submit's write fails: the dispatcher stops, and starts again from the journal
    master.<JobDispatcher.Submitted>dispatcher(
        r -> new JobDispatcher.Submit(List.of(JobSpec.of(List.of("true"))), r),
        Duration.ofSeconds(2)).toCompletableFuture().exceptionally(t -> null).join();
    await("the dispatcher to read its journal again",
        () -> FailingJournal.recoveries() > recoveries ? 1 : null);

    JobView finished = await("the running job to finish", () -> {
      JobView j = job(master, running);
      return j.state().isFinal() ? j : null;
    });
    assertEquals(JobState.SUCCEEDED, finished.state(), finished.toString());
    assertEquals(1, finished.attempts(), "it ran once, on the worker that had it");
    assertEquals("w1", finished.worker());

    String after = submit(master, "echo", "after");
    JobView ran = await("a new job to run on the same worker",
        () -> job(master, after).state() == JobState.SUCCEEDED ? job(master, after) : null);
    assertEquals("w1", ran.worker());
    List<JobView> jobs = master.<List<JobView>>dispatcher(
        r -> new JobDispatcher.ListJobs(null, 100, r), WAIT).toCompletableFuture().join();
    assertEquals(java.util.Set.of(List.of("sleep", "3"), List.of("echo", "after")),
        jobs.stream().map(JobView::argv).collect(java.util.stream.Collectors.toSet()),
        "the job whose submit was not journaled is not in the book: " + jobs);
    assertEquals(List.of(), exits, "the worker never left to join again");
    assertEquals(member.uniqueAddress(), Cluster.get(w1).selfMember().uniqueAddress());
    assertEquals(MemberStatus.up(), Cluster.get(w1).selfMember().status());
  }
}
