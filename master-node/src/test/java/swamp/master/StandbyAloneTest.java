package swamp.master;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/** A standby started while its active master is not up says why it waits. */
class StandbyAloneTest {
  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * A standby whose active master was not running waited for good, its log only Pekko's
   * "Couldn't join seed nodes" every 5 s and its API "still joining its cluster": a standby
   * never starts a pool itself. It says so once, naming the active master's address.
   */
  @Test
  void aStandbyThatCannotJoinItsActiveMasterSaysWhy() throws Exception {
    int self = freePort();
    int peer = freePort(); // nothing listens there
    String peerAddress = "pekko://swamp@127.0.0.1:" + peer;
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "swamp", ConfigFactory
        .parseString("pekko.remote.artery.transport = tcp\n"
            + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
            + "pekko.remote.artery.canonical.port = " + self + "\n"
            + "pekko.cluster.seed-nodes = [\"" + peerAddress + "\", \"pekko://swamp@127.0.0.1:"
            + self + "\"]\n")
        .withFallback(ConfigFactory.parseResources("application.conf"))
        .withFallback(ConfigFactory.load("application-test")).resolve());
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger)
        org.slf4j.LoggerFactory.getLogger("swamp.master.MasterMain"); // MasterNode logs as the master
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    logger.addAppender(seen);
    try {
      MasterNode.warnIfStandbyAlone(system, Duration.ofSeconds(1));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      List<String> lines = List.of();
      while (lines.isEmpty() && System.nanoTime() < end) {
        Thread.sleep(50);
        lines = seen.list.stream().map(ILoggingEvent::getFormattedMessage)
            .filter(m -> m.startsWith("this standby has not joined")).toList();
      }
      assertTrue(!lines.isEmpty(), "no warning");
      assertTrue(lines.get(0).startsWith("this standby has not joined its active master at "
          + peerAddress + " within 1s: a standby never starts a pool by itself"), lines.get(0));
    } finally {
      logger.detachAppender(seen);
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
