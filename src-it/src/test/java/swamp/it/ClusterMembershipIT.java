package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import swamp.protocol.JobResult;
import swamp.protocol.JobState;
import swamp.protocol.ToMaster.JobFinished;
import swamp.protocol.ToMaster.JobsFinished;
import swamp.protocol.ToRegistry.Register;
import swamp.protocol.ToRegistry.Unregister;
import swamp.protocol.ToRegistry;
import swamp.protocol.ToWorker.RegOk;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;

/**
 * Issue 14, item 1: cluster membership is authenticated. A rogue node, a plain Pekko program in
 * this JVM that has the protocol classes and the master's address but not the pool key, cannot
 * join a default (TLS) master's cluster, so it can neither forge a job's finish, nor unregister a
 * worker, nor down the master. With {@code --insecure} (plain tcp) it joins, and then the master
 * still takes a worker's reports only from the worker that registered.
 */
@ExtendWith(PoolExtension.class)
class ClusterMembershipIT {

  static final Duration ROGUE_TRIES = Duration.ofSeconds(20);

  @Test
  void aNodeWithoutThePoolKeyCannotJoinForgeAFinishUnregisterOrDownTheMaster(Pool pool)
      throws Exception {
    Master master = pool.startMaster("--local-exec", "never");
    Node worker = pool.worker(master, "real", "--slots", "1");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(worker), "real");
    // the first start made the pool key and the API token, readable by their owner only
    Path dir = pool.userHome().resolve(".swamp");
    for (String f : List.of("pool.p12", "pool.password", "api-token")) {
      assertEquals("rw-------", PosixFilePermissions.toString(
          Files.getPosixFilePermissions(dir.resolve(f))), f);
    }
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    String job = master.submit(Map.of("argv", List.of("sleep", "120")));
    awaitRunning(master, job);

    ActorTestKit rogue = rogue(master);
    try {
      Cluster cluster = Cluster.get(rogue.system());
      Address masterAddress = AddressFromURIString.parse("pekko://swamp@" + master.address());
      // all it can do: ask to join, look for the registry, down the master, for a good while
      Await.holds(ROGUE_TRIES, () -> {
        assertFalse(cluster.selfMember().status() == MemberStatus.up(),
            "the rogue node joined the cluster of a TLS master");
        assertTrue(registries(rogue).isEmpty(), "the rogue node found the master's registry");
        cluster.manager().tell(new Down(masterAddress));
      });
    } finally {
      rogue.shutdownTestKit();
    }

    assertTrue(master.isAlive(), "the master was downed\n" + master.tail(30));
    assertEquals("RUNNING", master.job(job).path("state").asText(), master.job(job).toString());
    assertEquals(Set.of("real"), master.workerIds());
    assertTrue(worker.isAlive(), worker.tail(20));
  }

  @Test
  void overInsecureTcpAJoinedNodesForgedFinishAndGoodbyeForAnotherWorkerAreIgnored(Pool pool)
      throws Exception {
    Master master = pool.startMaster("--insecure", "--local-exec", "never");
    Node worker = pool.worker(master, "real", "--slots", "1", "--insecure");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(worker), "real");
    assertTrue(master.log().contains("INSECURE"), "an insecure master says so\n" + master.tail(20));
    assertTrue(worker.log().contains("INSECURE"), "so does its worker\n" + worker.tail(20));
    String job = master.submit(Map.of("argv", List.of("sleep", "120")));
    awaitRunning(master, job);

    ActorTestKit rogue = rogue(master);
    try {
      Cluster cluster = Cluster.get(rogue.system());
      Await.until("the rogue node to join the insecure cluster", Pool.STARTUP,
          () -> cluster.selfMember().status() == MemberStatus.up());
      ActorRef<ToRegistry> registry = Await.value("the rogue to find the registry",
          Pool.STARTUP, () -> registries(rogue).stream().findFirst().orElse(null));
      // an insecure master takes any node as a worker: the rogue registers as itself, which
      // gives it the dispatcher's inbox, and then speaks for the real worker
      TestProbe<ToWorker> self = rogue.createTestProbe();
      registry.tell(new Register("rogue", new WorkerOffer("127.0.0.1", "rogue://", 1, List.of(),
          List.of("sleep"), 0, ToRegistry.SOFTWARE_VERSION, false), "", ToRegistry.VERSION,
          List.of(), 0, self.ref()));
      RegOk ok = self.expectMessageClass(RegOk.class, Pool.STARTUP);
      long now = System.currentTimeMillis();
      ok.master().tell(new JobsFinished(List.of(new JobFinished(job, 1, "real", new JobResult(
          JobState.SUCCEEDED, 0, "forged\n", "", false, "real", 1L, now, now, null))),
          self.ref()));
      registry.tell(new Unregister("real", "forged goodbye", self.ref()));

      Await.until("the master to drop both forgeries", Pool.STARTUP,
          () -> master.log().contains("ignoring the finish of job " + job + " attempt 1")
              && master.log().contains("ignoring a goodbye of worker real"));
    } finally {
      rogue.shutdownTestKit();
    }
    JsonNode j = master.job(job);
    assertEquals("RUNNING", j.path("state").asText(), j.toString());
    assertEquals("real", j.path("worker").asText(), j.toString());
    Await.until("the rogue to be gone from the pool", Pool.STARTUP,
        () -> master.workerIds().equals(Set.of("real")));
    assertTrue(master.isAlive() && worker.isAlive());
  }

  // ---- the rogue ----

  /**
   * A Pekko cluster node of its own in this JVM, named as swamp's nodes are and seeded with the
   * master's address, over plain tcp: it has no pool key.
   */
  static ActorTestKit rogue(Master master) {
    Config config = ConfigFactory.parseMap(Map.of(
            "pekko.actor.provider", "cluster",
            "pekko.remote.artery.transport", "tcp",
            "pekko.remote.artery.canonical.hostname", "127.0.0.1",
            "pekko.remote.artery.canonical.port", 0,
            "pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of("worker")),
            "pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(
                List.of("pekko://swamp@" + master.address()))))
        .withFallback(ConfigFactory.load());
    return ActorTestKit.create("swamp", config);
  }

  static Set<ActorRef<ToRegistry>> registries(ActorTestKit rogue) {
    try {
      Receptionist.Listing listing = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(
              rogue.system().receptionist(), r -> Receptionist.find(ToRegistry.KEY, r),
              Duration.ofSeconds(5), rogue.system().scheduler())
          .toCompletableFuture().get();
      return listing.getServiceInstances(ToRegistry.KEY);
    } catch (Exception e) {
      throw new IllegalStateException("the rogue's receptionist did not answer", e);
    }
  }

  static void awaitRunning(Master master, String job) {
    Await.until("job " + job + " to run", Pool.STARTUP,
        () -> master.job(job).path("state").asText().equals("RUNNING"));
  }
}
