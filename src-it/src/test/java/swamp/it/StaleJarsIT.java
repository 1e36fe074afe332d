package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code bin/swamp} builds the jars when a source is newer, but Maven rewrites each jar in place,
 * under any JVM that runs from it and reads its classes from it as it first needs them. While a
 * JVM of the checkout runs, {@code bin/swamp} names it and goes on with the jars as they are.
 *
 * <p>The checkout here is a scratch one: a copy of {@code bin/swamp} beside links to the built
 * jars, and empty poms, so that a build it tries fails at once and touches nothing.
 */
@ExtendWith(PoolExtension.class)
class StaleJarsIT {

  @Test
  void noBuildWhileAWorkerRunsFromTheJars(Pool pool) throws Exception {
    Path checkout = scratchCheckout(pool);
    Master master = pool.master("--local-exec", "never");
    Node worker = pool.swampAt(checkout, master, pool.logDir(),
        Map.of("SWAMP_SECRET", pool.secret()),
        "worker", "--master", master.address(), "--id", "w1", "--retry-interval", "500ms");
    master.awaitWorkers(Pool.STARTUP, List.of(worker), "w1");

    // a source newer than every jar: the jars are outdated
    Path source = Files.createDirectories(checkout.resolve("worker-node/src/main/java"))
        .resolve("Changed.java");
    Files.writeString(source, "class Changed {}\n");
    Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(60)));

    Node status = pool.swampAt(checkout, master, pool.logDir(), Map.of(), "workers");
    assertEquals(0, status.awaitExit(Duration.ofSeconds(60)), status.tail(20));
    String said = status.errors();
    assertTrue(said.contains("the sources are newer than the jars")
            && said.contains(String.valueOf(worker.pid())),
        "bin/swamp names the worker that runs from the jars instead of building: " + said);
    assertTrue(status.output().contains("w1"), status.tail(20));

    // the worker it left alone still runs jobs, and stops on SIGTERM as it should
    Path dir = Files.createDirectories(pool.logDir().resolve("jobs"));
    JsonNode job = master.awaitFinished(master.submit(Map.of("argv", List.of("touch", "done"),
        "workDir", dir.toString())), Duration.ofSeconds(60));
    assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
    worker.terminate();
    assertEquals(0, worker.awaitExit(Duration.ofSeconds(60)), worker.tail(30));

    // with no JVM of the checkout left, bin/swamp builds (and here fails: the poms are empty)
    Await.until("no JVM to run from the scratch checkout's jars", Duration.ofSeconds(60),
        () -> jvmsOf(checkout).isEmpty());
    Node build = pool.swampAt(checkout, master, pool.logDir(), Map.of(), "workers");
    assertEquals(2, build.awaitExit(Duration.ofSeconds(120)), build.tail(20));
    assertTrue(build.errors().contains("outdated"),
        "with nothing running from them, bin/swamp builds the outdated jars: " + build.tail(20));
  }

  /** bin/swamp copied (it finds its checkout from its own path) and links to the built jars. */
  private static Path scratchCheckout(Pool pool) throws IOException {
    Path home = Pool.home();
    Path checkout = Files.createDirectories(pool.logDir().resolve("checkout"));
    Files.createDirectories(checkout.resolve("bin"));
    Path swamp = Files.copy(home.resolve("bin/swamp"), checkout.resolve("bin/swamp"));
    assertTrue(swamp.toFile().setExecutable(true));
    // what bin/swamp compares with the jars, older than them; the poms empty
    FileTime old = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    for (String file : List.of("pom.xml", "application.conf")) {
      Files.setLastModifiedTime(Files.createFile(checkout.resolve(file)), old);
    }
    for (String module : List.of("shared-protocol", "worker-node", "master-node")) {
      Files.createDirectories(checkout.resolve(module).resolve("src/main"));
      Files.setLastModifiedTime(Files.createFile(checkout.resolve(module).resolve("pom.xml")), old);
      Path target = Files.createDirectories(checkout.resolve(module).resolve("target"));
      try (Stream<Path> built = Files.list(home.resolve(module).resolve("target"))) {
        for (Path p : built.filter(p -> p.getFileName().toString().endsWith(".jar")
            || p.getFileName().toString().equals("lib")).toList()) {
          Files.createSymbolicLink(target.resolve(p.getFileName()), p);
        }
      }
    }
    return checkout;
  }

  /** The JVMs whose command line names a path of {@code checkout}, read from /proc. */
  private static List<Path> jvmsOf(Path checkout) {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().matches("[0-9]+"))
          .filter(p -> {
            try {
              return Files.readString(p.resolve("comm")).strip().equals("java")
                  && new String(Files.readAllBytes(p.resolve("cmdline")))
                      .contains(checkout.toString());
            } catch (IOException gone) {
              return false;
            }
          })
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
