package swamp.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class MasterMainTest {

  /**
   * A node whose coordinated shutdown has run every phase but whose system does not terminate (a
   * downed standby, its TLS streams holding the last phase) is not waited for for good: the
   * master exits and lets its ports go; when every actor under its guardian has stopped and only
   * the remote transport is left, that is a clean stop. One that terminates is waited for.
   */
  @Test
  void aShutdownThatRanButLeftTheSystemUpEndsTheWait() {
    com.typesafe.config.Config config = com.typesafe.config.ConfigFactory.parseString(
        "pekko.actor.provider = local\npekko.coordinated-shutdown.terminate-actor-system = off\n"
            + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off\n"
            + "pekko.coordinated-shutdown.run-by-actor-system-terminate = off")
        .withFallback(com.typesafe.config.ConfigFactory.defaultReference());
    org.apache.pekko.actor.typed.ActorSystem<Void> system = org.apache.pekko.actor.typed.ActorSystem.create(
        org.apache.pekko.actor.typed.javadsl.Behaviors.empty(), "stays", config);
    CompletableFuture<Void> guardianStopped = new CompletableFuture<>();
    try {
      org.apache.pekko.actor.CoordinatedShutdown.get(system)
          .runAll(org.apache.pekko.actor.CoordinatedShutdown.unknownReason()).toCompletableFuture().join();
      assertEquals(MasterShutdown.Stopped.NOT_STOPPED, MasterShutdown.awaitStopped(system, guardianStopped),
          "every phase ran; the system and its guardian are still up");
      guardianStopped.complete(null);
      assertEquals(MasterShutdown.Stopped.ALL_BUT_REMOTING, MasterShutdown.awaitStopped(system, guardianStopped),
          "every actor stopped; the system still up");
    } finally {
      system.terminate();
    }
    assertEquals(MasterShutdown.Stopped.TERMINATED, MasterShutdown.awaitStopped(system, guardianStopped),
        "a system that terminates is waited for");
  }

  /**
   * An HTTP port another program has is found before the cluster node starts: the master bound it
   * after, took its workers' registrations and exited 2, and those workers did not register
   * with the next master on the address for minutes.
   */
  @Test
  void anHttpPortThatIsTakenIsFoundBeforeTheClusterStarts() throws Exception {
    int port;
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
      port = taken.getLocalPort();
      java.util.Optional<String> problem = MasterMain.httpPortProblem("127.0.0.1", port);
      assertTrue(problem.isPresent() && problem.get().contains("Address already in use"), problem.toString());
    }
    assertEquals(java.util.Optional.empty(), MasterMain.httpPortProblem("127.0.0.1", port), "free again");
    assertEquals(java.util.Optional.empty(), MasterMain.httpPortProblem("127.0.0.1", 0));
  }

  /**
   * --http-port the same as --port: the cluster node took the port, then the API said "cannot
   * serve HTTP on 127.0.0.1:P: Address already in use", taken by its own master, after its
   * workers had registered. It is refused first, naming both flags.
   */
  @Test
  void anHttpPortThatIsTheClusterPortIsRefused() {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream was = System.err;
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    int code;
    try {
      code = new picocli.CommandLine(new MasterMain()).execute("--port", "17999", "--http-port", "17999");
    } finally {
      System.setErr(was);
    }
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("--http-port 17999 is the cluster port (--port 17999): the API"
        + " needs a port of its own"), err.toString());
  }

  @Test
  void aJournalFileNamedWithItsSuffixIsThatFile() {
    assertEquals(Path.of("/x/j").toAbsolutePath(), MasterMain.h2Base("/x/j.mv.db"));
    assertEquals(Path.of("/x/j").toAbsolutePath(), MasterMain.h2Base("/x/j"));
  }

  /** An empty --journal, or a directory, was taken as a file beside it ($PWD.mv.db, /tmp.mv.db). */
  @Test
  void aJournalThatNamesNoFileIsRefused() {
    for (String bad : new String[] {"", " ", "/tmp", "some/dir/"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MasterMain.h2Base(bad));
      assertTrue(e.getMessage().startsWith("--journal '" + bad + "' names "), e.getMessage());
    }
  }

  /** SWAMP_API_TOKEN=' ' is no token a client would send, and no reason to fall back to the file. */
  @Test
  void aBlankApiTokenIsRefused() {
    var config = com.typesafe.config.ConfigFactory.parseMap(java.util.Map.of("swamp.security.api-token", "  "))
        .withFallback(com.typesafe.config.ConfigFactory.load());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MasterSettings.fromConfig(config));
    assertTrue(e.getMessage().startsWith("the API token (SWAMP_API_TOKEN, swamp.security.api-token) is blank"),
        e.getMessage());
  }

  /** 'The connection attempt failed.' named no reason; the cause that has one is named with it. */
  @Test
  void aJournalThatCannotBeOpenedIsNamedWithItsCause() {
    Exception e = new RuntimeException("The connection attempt failed.",
        new java.io.IOException("wrapped", new java.net.UnknownHostException("db")));
    assertEquals("The connection attempt failed. (java.net.UnknownHostException: db)", MasterMain.withCause(e));
    assertEquals("in use", MasterMain.withCause(new RuntimeException("in use")));
  }

  /** --local-slots 0 ran the master on one slot per processor, as if the flag were not there. */
  @Test
  void noLocalSlotsIsRefused() {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream saved = System.err;
    int code;
    System.setErr(new java.io.PrintStream(err, true));
    try {
      code = new picocli.CommandLine(new MasterMain()).execute("--local-slots", "0", "--port", "1");
    } finally {
      System.setErr(saved);
    }
    assertEquals(2, code);
    assertTrue(err.toString().contains("bad configuration: --local-slots must be at least 1, not 0"), err.toString());
  }

  /** A master on another's journal was told of a master "with --port" of its own port. */
  @Test
  void aJournalInUseNamesTheMastersThatMayHoldIt() {
    Path dir = Path.of("/home/u/.swamp/journal");
    assertEquals("one with --port 17355 and the default journal, or one given the same --journal",
        MasterMain.holders(java.util.Optional.of(dir.resolve("master-17355.mv.db")), dir));
    assertEquals("one given the same --journal",
        MasterMain.holders(java.util.Optional.of(Path.of("/srv/j/shared.mv.db")), dir));
    assertEquals("one given the same --journal",
        MasterMain.holders(java.util.Optional.of(Path.of("/srv/j/master-1.mv.db")), dir));
  }
}
