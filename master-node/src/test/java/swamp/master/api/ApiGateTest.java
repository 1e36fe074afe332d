package swamp.master.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which master node answers the API itself, as real cluster nodes over loopback see it: the
 * oldest master that is Up; the others send clients there, and a node that has not joined yet
 * sends them nowhere.
 */
class ApiGateTest {
  static final Duration WAIT = Duration.ofSeconds(30);

  final List<ActorTestKit> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(ActorTestKit::shutdownTestKit);
  }

  @Test
  void aMasterNodeAnswersOnlyOnceItIsUpAndTheOldest() {
    Cluster a = masterNode("127.0.0.1:8071");
    // not joined yet (a standby serves its API before its join is through): nobody to send to
    ApiGate.Standby joining = ApiGate.standbyOf(a);
    assertNotNull(joining, "a node that has not joined is not the active master");
    assertNull(joining.activeUrl());
    assertTrue(joining.notNow().contains("still joining its cluster"), joining.notNow());

    a.manager().tell(Join.create(a.selfMember().address()));
    awaitUp(a, nodes.get(0));
    assertNull(ApiGate.standbyOf(a), "the first master, Up, is the active one");

    Cluster b = masterNode("127.0.0.1:8072");
    assertNull(ApiGate.standbyOf(b).activeUrl(), "b has not joined");
    b.manager().tell(Join.create(a.selfMember().address()));
    awaitUp(b, nodes.get(1));
    ApiGate.Standby standby = ApiGate.standbyOf(b);
    assertNotNull(standby);
    assertEquals("http://127.0.0.1:8071", standby.activeUrl(), "b sends clients to a");
    assertNull(ApiGate.standbyOf(a), "a is still the active one");
  }

  private Cluster masterNode(String http) {
    Config config = ConfigFactory.parseString("""
            pekko.cluster.roles = [master, "http=%s"]
            pekko.remote.artery.transport = tcp
            pekko.remote.artery.canonical.port = 0
            """.formatted(http))
        .withFallback(ConfigFactory.parseResources("application.conf"))
        .withFallback(ConfigFactory.load("application-test")).resolve();
    ActorTestKit node = ActorTestKit.create("swamp", config);
    nodes.add(node);
    return Cluster.get(node.system());
  }

  /** Waits until {@code cluster}'s node is Up, asking again until {@link #WAIT}. */
  private static void awaitUp(Cluster cluster, ActorTestKit node) {
    node.createTestProbe().awaitAssert(WAIT,
        () -> { assertEquals(MemberStatus.up(), cluster.selfMember().status()); return null; });
  }
}
