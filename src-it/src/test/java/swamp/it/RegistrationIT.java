package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How a worker process ends when it cannot join: the exit codes and messages of the contract. */
@ExtendWith(PoolExtension.class)
class RegistrationIT {

  @Test
  void workerWithTheWrongSecretExits3AndSaysWhy(Pool pool) throws IOException {
    Master master = pool.startMaster();
    String wrong = "wrong-" + UUID.randomUUID();
    Node intruder = pool.worker(wrong, master.address(), "intruder", "--give-up-after", "2m");
    master.awaitHealthy(Pool.STARTUP);

    assertEquals(3, intruder.awaitExit(Pool.STARTUP), "exit code of a refused worker\n" + intruder.tail(30));
    assertTrue(intruder.log().contains("wrong registration secret"),
        "the worker says why it was refused:\n" + intruder.tail(30));
    assertFalse(master.workerIds().contains("intruder"), "the refused worker is not in the pool");
    assertTrue(master.isAlive());

    // the secret is in the environment only: never on a command line, never in a log line
    for (Node n : pool.nodes()) {
      for (String secret : new String[] {wrong, pool.secret()}) {
        assertFalse(n.log().contains(secret), n.name() + "'s output shows a secret");
      }
    }
    String commands = Files.readString(pool.logDir().resolve("commands.txt"));
    assertFalse(commands.contains(wrong) || commands.contains(pool.secret()),
        "a secret was on a command line: " + commands);
  }

  @Test
  void workerWithNoMasterGivesUpWithExit4(Pool pool) {
    int nobody = Pool.freePort(); // nothing listens there
    Node lonely = pool.worker(pool.secret(), "127.0.0.1:" + nobody, "lonely", "--give-up-after", "3s");

    assertEquals(4, lonely.awaitExit(Duration.ofSeconds(45)), "exit code of a worker that gave up\n"
        + lonely.tail(30));
    assertTrue(lonely.age().compareTo(Duration.ofSeconds(3)) >= 0,
        "it gave up after its give-up timeout, not before: " + lonely.age());
    String log = lonely.log();
    assertTrue(log.contains("giving up") || log.contains("gave up"),
        "the worker says it gave up:\n" + lonely.tail(30));
    assertTrue(log.contains("3s"), "and after how long:\n" + lonely.tail(30));
  }
}
