package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorPaths;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import swamp.protocol.ToRegistry;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;

/** Which registry a worker registers with, from the Receptionist's listing. */
class RegistryLinkTest {
  static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  @TempDir
  Path workDir;

  /** A registry on another node: a ref whose path has a host, as the cluster lists one. */
  @SuppressWarnings("unchecked")
  static ActorRef<ToRegistry> remoteRegistry() {
    ActorPath path = ActorPaths.fromString("pekko://swamp@10.1.2.3:17355/system/singletonManagermaster/master/registry");
    return (ActorRef<ToRegistry>) Proxy.newProxyInstance(RegistryLinkTest.class.getClassLoader(),
        new Class<?>[] {ActorRef.class}, (proxy, m, args) -> switch (m.getName()) {
          case "path" -> path;
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          case "toString" -> "Actor[" + path + "]";
          default -> throw new UnsupportedOperationException(m.getName());
        });
  }

  RegistryLink link(boolean embedded) {
    WorkerSettings ws = TestSettings.worker(embedded ? "master" : "w1", workDir);
    WorkerOffer offer = RegistryLink.offer(ws, Executables.of(List.of("echo"), List.of()),
        embedded, "");
    TestProbe<ToWorker> self = testKit.createTestProbe();
    return new RegistryLink(ws, offer, self.ref(), 1, LoggerFactory.getLogger(getClass()));
  }

  /**
   * A standby master node's embedded worker found the active master's registry in the cluster's
   * listing and asked it to register as "master" every retry interval, for as long as both ran:
   * declined each time ("worker id master is registered by another live worker"), a line in the
   * standby's log every 5 s. It takes only its own node's registry, the one of a node that took
   * over; a worker of its own takes whichever the cluster lists.
   */
  @Test
  void theEmbeddedWorkerTakesOnlyItsOwnNodesRegistry() {
    ActorRef<ToRegistry> remote = remoteRegistry();
    TestProbe<ToRegistry> local = testKit.createTestProbe();

    RegistryLink embedded = link(true);
    assertFalse(embedded.listed(Receptionist.listing(ToRegistry.KEY, Set.of(remote))));
    assertNull(embedded.registry(), "a standby's embedded worker sends nothing to the active master");
    assertTrue(embedded.listed(Receptionist.listing(ToRegistry.KEY, Set.of(local.ref()))));
    assertEquals(local.ref(), embedded.registry(), "its own node took over");

    RegistryLink worker = link(false);
    assertTrue(worker.listed(Receptionist.listing(ToRegistry.KEY, Set.of(remote))));
    assertEquals(remote, worker.registry());
  }
}
