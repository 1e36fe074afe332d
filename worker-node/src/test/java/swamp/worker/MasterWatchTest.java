package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import swamp.protocol.ToRegistry;

/**
 * The watch of a registered worker's master, in real time: a master whose port is open and that
 * does not answer is asked about through the key check, and one that answers is not.
 */
class MasterWatchTest {

  static final long EPOCH = 42;

  ActorTestKit kit;
  ServerSocket port; // open: the kernel takes connections, nobody answers
  TestProbe<ToRegistry> registry;
  TestProbe<MasterWatch.Told> rejects;

  @BeforeEach
  void start() throws Exception {
    // a cluster node, as a worker's is (not joined: the watch only subscribes to its events)
    kit = ActorTestKit.create(ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.transport = tcp
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        """).withFallback(ConfigFactory.load("application-test")));
    port = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    registry = kit.createTestProbe();
    rejects = kit.createTestProbe();
  }

  @AfterEach
  void stop() throws Exception {
    kit.shutdownTestKit();
    port.close();
  }

  ActorRef<MasterWatch.Command> watch(KeyCheck check) {
    Address master = new Address("pekko", "swamp", "127.0.0.1", port.getLocalPort());
    return kit.spawn(MasterWatch.create(master, EPOCH, registry.ref(), "w1", check, rejects.ref()));
  }

  @Test
  void aSilentMasterWithItsPortOpenThatCannotTakeTheWorkerIsToldToIt() {
    // the first check finds nothing to say (a master slow to start), the next one a verdict
    WorkerActorTest.FakeKeyCheck check = new WorkerActorTest.FakeKeyCheck(
        List.of(Optional.empty(), Optional.of("the pool key does not match the master's")));
    long start = System.nanoTime();
    watch(check);
    MasterWatch.Rejects r = rejects.expectMessageClass(MasterWatch.Rejects.class,
        Duration.ofSeconds(20));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertEquals("the pool key does not match the master's", r.reason());
    assertEquals(2, check.calls.get());
    // silent for KEY_CHECK_AFTER before the first check, and KeyCheck.EVERY between the two
    assertTrue(took.compareTo(MasterWatch.KEY_CHECK_AFTER.plus(KeyCheck.EVERY)) >= 0,
        "checks spaced: " + took);
    assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "within seconds: " + took);
  }

  @Test
  void aMasterThatAnswersIsNotChecked() {
    WorkerActorTest.FakeKeyCheck check =
        new WorkerActorTest.FakeKeyCheck(List.of(Optional.of("never asked")));
    watch(check);
    // past KEY_CHECK_AFTER and an ask more: a watch that checked regardless would have by then
    long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    while (System.nanoTime() < until) { // every question answered, as a live master does
      ToRegistry.WhichMaster q = registry.expectMessageClass(ToRegistry.WhichMaster.class,
          Duration.ofSeconds(5));
      assertEquals("w1", q.workerId(), "it asks for its worker");
      q.replyTo().tell(new ToRegistry.MasterIs(EPOCH, true));
    }
    rejects.expectNoMessage(Duration.ofMillis(200));
    assertEquals(0, check.calls.get(), "a master that answers needs no key check");
  }

  /** The same master answering that it does not list the worker: the worker is told, to register again. */
  @Test
  void aMasterThatNoLongerListsTheWorkerIsToldToIt() {
    watch(null);
    registry.expectMessageClass(ToRegistry.WhichMaster.class, Duration.ofSeconds(5))
        .replyTo().tell(new ToRegistry.MasterIs(EPOCH, true));
    rejects.expectNoMessage(Duration.ofMillis(200));
    registry.expectMessageClass(ToRegistry.WhichMaster.class, Duration.ofSeconds(5))
        .replyTo().tell(new ToRegistry.MasterIs(EPOCH, false));
    rejects.expectMessage(Duration.ofSeconds(5), new MasterWatch.Unlisted());
  }
}
