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
    Path otherHome = anotherPoolsHome(pool, "other-home");
    Path otherPool = otherHome.resolve(".swamp");
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

  /**
   * A TLS worker (the default) against an --insecure master: the master's Artery resets the
   * worker's TLS connections on their hello, and the worker waited out its give-up time saying
   * nothing. Both kinds exit 3 saying which side to start with or without --insecure: one with a
   * key (another pool's, in a home of its own), which probes with it, and one on the pool's home,
   * where an --insecure master makes no key, which probes while it waits for one. An --insecure
   * worker registers beside them: its own probe takes the master for what it is.
   */
  @Test
  void tlsWorkersOfAnInsecureMasterExit3SayingSoLongBeforeTheyWouldGiveUp(Pool pool)
      throws Exception {
    Master master = pool.startMaster("--insecure", "--local-exec", "never");
    Path keyedHome = anotherPoolsHome(pool, "keyed-home");
    master.awaitHealthy(Pool.STARTUP);
    assertFalse(Files.exists(pool.userHome().resolve(".swamp/pool.p12")),
        "an --insecure master makes no pool key");

    Node member = pool.worker(pool.secret(), master.address(), "member", "--insecure");
    Node keyless = pool.worker(pool.secret(), master.address(), "keyless",
        "--retry-interval", "5s", "--give-up-after", "30m");
    Node keyed = pool.worker(pool.secret(), master.address(), "keyed",
        Map.of("HOME", keyedHome.toString()), "--retry-interval", "5s", "--give-up-after", "30m");
    master.awaitWorkers(Pool.STARTUP, List.of(member), "member");

    for (Node tls : List.of(keyless, keyed)) {
      assertEquals(3, tls.awaitExit(Pool.STARTUP.plusSeconds(30)),
          "exit code of a TLS worker of an --insecure master\n" + tls.tail(30));
      Duration took = tls.age();
      String log = tls.log();
      assertTrue(log.contains("the master at " + master.address() + " speaks plain tcp (it runs"
          + " with --insecure) and this worker TLS: start the worker with --insecure too, or the"
          + " master without it"), "it says so:\n" + tls.tail(30));
      assertEquals(1, log.lines().filter(l -> l.contains(" ERROR ")).count(),
          "one ERROR line says it:\n" + tls.tail(30));
      assertFalse(log.contains("giving up"), tls.tail(30));
      System.out.println("a TLS worker (" + tls.name() + ") of an --insecure master exited 3 after "
          + took.toMillis() + " ms");
    }
    assertTrue(keyless.log().contains("waiting for the pool key"), keyless.tail(30));
    assertTrue(master.isAlive() && member.isAlive());
    assertEquals(java.util.Set.of("member"), master.workerIds());
    // the probes are no noise on the master's side: Artery drops a connection without its magic
    // and says nothing
    assertFalse(master.log().contains("magic"), master.tail(30));
  }

  /**
   * The reverse: an --insecure worker against a TLS master, whose Artery closes the worker's plain
   * connections. The worker's TLS hello gets the master's certificate: it exits 3 saying so.
   */
  @Test
  void anInsecureWorkerOfATlsMasterExits3SayingSo(Pool pool) {
    Master master = pool.master("--local-exec", "never");
    Node plain = pool.worker(pool.secret(), master.address(), "plain", "--insecure",
        "--retry-interval", "5s", "--give-up-after", "30m");

    assertEquals(3, plain.awaitExit(Pool.STARTUP.plusSeconds(30)),
        "exit code of an --insecure worker of a TLS master\n" + plain.tail(30));
    Duration took = plain.age();
    String log = plain.log();
    assertTrue(log.contains("the master at " + master.address() + " speaks TLS (it runs without"
        + " --insecure) and this worker plain tcp (--insecure): start the worker without"
        + " --insecure, with the master's pool key"), "it says so:\n" + plain.tail(30));
    assertTrue(log.contains("or the master with --insecure too"), plain.tail(30));
    assertEquals(1, log.lines().filter(l -> l.contains(" ERROR ")).count(),
        "one ERROR line says it:\n" + plain.tail(30));
    assertFalse(log.contains("giving up"), plain.tail(30));
    assertTrue(master.isAlive());
    assertFalse(master.log().toLowerCase().contains("handshake"), master.tail(30));
    System.out.println("an --insecure worker of a TLS master exited 3 after " + took.toMillis()
        + " ms");
  }

  /**
   * A worker given the master's HTTP port instead of its cluster port (both are numbers a person
   * copies from the master's log) exits 3 within seconds saying so, where it retried until its
   * give-up time (30 minutes) with only Artery's warnings.
   */
  @Test
  void aWorkerGivenTheMastersHttpPortExits3SayingSo(Pool pool) {
    Master master = pool.master("--local-exec", "never");
    Node lost = pool.worker(pool.secret(), "127.0.0.1:" + master.httpPort(), "lost",
        "--retry-interval", "5s", "--give-up-after", "30m");
    assertEquals(3, lost.awaitExit(Pool.STARTUP.plusSeconds(30)), lost.tail(30));
    assertTrue(lost.log().contains("the master address 127.0.0.1:" + master.httpPort()
        + " (--master) is no swamp node's: it answered the TLS hello in HTTP"), lost.tail(30));
    assertTrue(lost.log().contains("Give its cluster port (--port; 17355 unless the master was"
        + " started with another)"), lost.tail(30));
    assertTrue(master.isAlive());
  }

  /**
   * A master killed and started again on its ports with a new pool key (a fresh ~/.swamp): its
   * registered workers can never join it. Each exits 3 naming its key within seconds of the
   * master being up, not after the split-brain resolver has downed it (40-55 s). One of them is
   * frozen (SIGSTOP) until the new master is up, so that it finds the master's port open and
   * silent rather than closed: its MasterWatch, not its next incarnation, ends it.
   */
  @Test
  void registeredWorkersOfAMasterRestartedWithANewPoolKeyExit3NamingTheirKey(Pool pool)
      throws Exception {
    Master master = pool.startMaster("--local-exec", "never");
    master.awaitHealthy(Pool.STARTUP);
    Node w1 = pool.worker(master, "w1", "--slots", "1");
    Node w2 = pool.worker(master, "w2", "--slots", "1");
    master.awaitWorkers(Pool.STARTUP, List.of(w1, w2), "w1", "w2");
    Path poolKey = pool.userHome().resolve(".swamp/pool.p12");

    w2.signal("STOP");
    master.killHard();
    assertTrue(master.awaitExit(Duration.ofSeconds(10)) != 0);
    Path newHome = Files.createDirectories(pool.logDir().resolve("new-home"));
    Master again = pool.restartMaster(master, Map.of("HOME", newHome.toString(),
        "SWAMP_API_TOKEN", pool.apiTokenFile().orElseThrow()), "--local-exec", "never");
    again.awaitHealthy(Pool.STARTUP);
    long upAt = System.nanoTime();
    assertTrue(Files.exists(newHome.resolve(".swamp/pool.p12")), "the master made a new key");
    w2.signal("CONT");

    for (Node w : List.of(w1, w2)) {
      assertEquals(3, w.awaitExit(Duration.ofSeconds(60)),
          "exit code of a worker whose master came back with another key\n" + w.tail(30));
      Duration took = Duration.ofNanos(System.nanoTime() - upAt);
      String log = w.log();
      assertTrue(log.contains("pool key does not match"), "it says the key is wrong:\n" + w.tail(30));
      assertTrue(log.contains(poolKey.toString()), "it names its key file:\n" + w.tail(30));
      assertTrue(log.contains(again.address()), "and the master:\n" + w.tail(30));
      assertEquals(1, log.lines().filter(l -> l.contains(" ERROR ")).count(), w.tail(30));
      System.out.println(w.name() + " exited 3 within " + took.toMillis() + " ms of the restarted"
          + " master's API answering");
      assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, w.name() + " took " + took
          + " from the master being up\n" + w.tail(30));
    }
    // the frozen one found the master's port open and silent: its watch ended it, not a rejoin
    String watched = w2.log();
    assertTrue(watched.contains("has not answered for"), w2.tail(30));
    assertFalse(watched.contains("joining the cluster again"), w2.tail(30));
    assertTrue(again.isAlive());
    assertTrue(again.workerIds().isEmpty(), "neither got into the new pool: " + again.workerIds());
  }

  /**
   * A home whose ~/.swamp holds another pool's key, as a master makes it: an EC key pair,
   * self-signed, CN=swamp-pool, with its password beside it.
   */
  static Path anotherPoolsHome(Pool pool, String name) throws Exception {
    Path home = pool.logDir().resolve(name);
    Path dir = Files.createDirectories(home.resolve(".swamp"));
    String password = "other-pool-" + UUID.randomUUID();
    Files.writeString(dir.resolve("pool.password"), password + "\n");
    ProcessBuilder keytool = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
        "-alias", "swamp", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "3650",
        "-dname", "CN=swamp-pool", "-storetype", "PKCS12",
        "-keystore", dir.resolve("pool.p12").toString(), "-storepass:env", "OTHER_PASSWORD")
        .redirectErrorStream(true);
    keytool.environment().put("OTHER_PASSWORD", password);
    Process k = keytool.start();
    assertTrue(k.waitFor(60, TimeUnit.SECONDS), "keytool finishes");
    assertEquals(0, k.exitValue(), new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    return home;
  }

  /**
   * Several hosts, as loopback addresses: a master started with --host 127.0.0.2 takes a worker on
   * 127.0.0.3, listed with its own host and URL. A worker given localhost for that master (where
   * nothing listens) says so within seconds, and one given localhost for a master of 127.0.0.1
   * (whose port answers it, but which takes only what is sent to 127.0.0.1) says that: both
   * retried until their give-up time, 30 minutes, before saying anything.
   */
  @Test
  void aWorkerGivenAnotherNameForItsMasterSaysWhatIsWrongLongBeforeItGivesUp(Pool pool) {
    Master master = pool.master("--host", "127.0.0.2", "--local-exec", "never");
    Node there = pool.worker(pool.secret(), "127.0.0.2:" + master.clusterPort(), "there",
        "--host", "127.0.0.3");
    Node nowhere = pool.worker(pool.secret(), "localhost:" + master.clusterPort(), "nowhere",
        "--retry-interval", "2s", "--give-up-after", "30m");
    master.awaitWorkers(Pool.STARTUP, List.of(there), "there");
    com.fasterxml.jackson.databind.JsonNode listed = master.get("/api/workers").json().get(0);
    assertEquals("127.0.0.3", listed.path("host").asText(), listed.toString());
    assertTrue(listed.path("url").asText().startsWith("pekko://swamp@127.0.0.3:"), listed.toString());

    Await.until("the worker given localhost to say nothing listens there", Duration.ofSeconds(90),
        () -> {
          assertTrue(nowhere.isAlive(), nowhere.tail(30));
          return nowhere.log().contains("nothing listens at localhost:" + master.clusterPort());
        });
    String said = nowhere.log();
    assertTrue(said.contains("no master has let this worker join for 30s")
        && said.contains("on that host (bin/swamp master --host")
        && said.contains("it keeps trying until --give-up-after (30m)"), nowhere.tail(30));

    Master here = pool.master("--local-exec", "never"); // on 127.0.0.1, with the same pool key
    Node misnamed = pool.worker(pool.secret(), "localhost:" + here.clusterPort(), "misnamed",
        "--retry-interval", "2s", "--give-up-after", "30m");
    Await.until("the worker given localhost for 127.0.0.1 to say why it cannot join",
        Duration.ofSeconds(90), () -> {
          assertTrue(misnamed.isAlive(), misnamed.tail(30));
          return misnamed.log().contains("the master at localhost:" + here.clusterPort()
              + " answers TLS with this worker's pool key, yet has not let it join");
        });
    assertTrue(misnamed.log().contains("if that HOST is not localhost, give the worker --master"
        + " HOST:PORT as it says there"), misnamed.tail(30));
    assertTrue(here.log().contains("master on pekko://swamp@127.0.0.1:" + here.clusterPort()),
        "the master's log says the address the message points to:\n" + here.tail(30));
    assertTrue(here.workerIds().isEmpty() && master.workerIds().equals(java.util.Set.of("there")),
        here.workerIds() + " " + master.workerIds());
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
    assertTrue(log.contains("joining the pool at 127.0.0.1:" + nobody),
        "from its start it says which master it joins:\n" + lonely.tail(30));
    assertTrue(log.contains("nothing listens at 127.0.0.1:" + nobody),
        "and why it found none, its port refusing:\n" + lonely.tail(30));
  }
}
