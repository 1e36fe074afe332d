package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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

  /**
   * A worker with another pool's key (here: its HOME's ~/.swamp is another pool's directory) never
   * completes Artery's TLS handshake with the master. It must not wait out its give-up time with
   * nothing to say: it probes the master's TLS, exits 3 and names the key it used. A worker with
   * the master's key registers beside it.
   */
  @Test
  void workerWithAnotherPoolsKeyExits3NamingTheKeyLongBeforeItWouldGiveUp(Pool pool)
      throws Exception {
    Master master = pool.startMaster("--local-exec", "never");
    Path otherHome = pool.logDir().resolve("other-home");
    Path otherPool = Files.createDirectories(otherHome.resolve(".swamp"));
    String password = "other-pool-" + UUID.randomUUID();
    Files.writeString(otherPool.resolve("pool.password"), password + "\n");
    // another pool's key, as a master makes it: an EC key pair, self-signed, CN=swamp-pool
    ProcessBuilder keytool = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
        "-alias", "swamp", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3650",
        "-dname", "CN=swamp-pool", "-storetype", "PKCS12",
        "-keystore", otherPool.resolve("pool.p12").toString(), "-storepass:env", "OTHER_PASSWORD")
        .redirectErrorStream(true);
    keytool.environment().put("OTHER_PASSWORD", password);
    Process k = keytool.start();
    assertTrue(k.waitFor(60, TimeUnit.SECONDS), "keytool finishes");
    assertEquals(0, k.exitValue(), new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    master.awaitHealthy(Pool.STARTUP);

    Node member = pool.worker(master, "member", "--slots", "1");
    // the real default retry interval, and a give-up far away
    Node stranger = pool.worker(pool.secret(), master.address(), "stranger",
        Map.of("HOME", otherHome.toString()), "--retry-interval", "5s", "--give-up-after", "30m");
    master.awaitWorkers(Pool.STARTUP, List.of(member), "member");

    assertEquals(3, stranger.awaitExit(Pool.STARTUP.plusSeconds(30)),
        "exit code of a worker whose pool key the master does not accept\n" + stranger.tail(30));
    Duration took = stranger.age();
    String log = stranger.log();
    assertTrue(log.contains("pool key does not match"), "it says the key is wrong:\n" + stranger.tail(30));
    assertTrue(log.contains(otherPool.resolve("pool.p12").toString()),
        "it names the key file it used:\n" + stranger.tail(30));
    assertTrue(log.contains(master.address()), "and the master:\n" + stranger.tail(30));
    assertEquals(1, log.lines().filter(l -> l.contains(" ERROR ")).count(),
        "one ERROR line says it:\n" + stranger.tail(30));
    assertFalse(log.contains("giving up"), stranger.tail(30));
    assertFalse(master.workerIds().contains("stranger"), "it never got into the pool");
    assertTrue(master.isAlive() && member.isAlive());
    // the probes are no noise on the master's side
    assertFalse(master.log().toLowerCase().contains("handshake"), master.tail(30));
    System.out.println("a worker with another pool's key exited 3 after " + took.toMillis() + " ms");
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
