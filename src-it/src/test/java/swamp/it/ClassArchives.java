package swamp.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Class-data archives (AppCDS) for the masters and workers the tests start, as bin/swamp keeps
 * one for its workers: the classes a master or a worker loads, parsed and verified once and
 * mapped at each start. A master then starts on about 4-5 s of CPU instead of 7-8 on this
 * machine, and the suite starts hundreds of JVMs on two cores. Made once per build (in
 * {@code src-it/target/cds}) by a master and a worker that register, run a job and stop on
 * SIGTERM, which writes each archive as its JVM exits. A JVM passes over an archive it cannot use
 * ({@code -Xshare:auto}, the default), so without one the tests only start slower.
 */
final class ClassArchives {
  private ClassArchives() {}

  static final List<String> KINDS = List.of("master", "worker");

  private static Boolean made;

  /**
   * The flags that start a JVM of {@code kind} from its archive; none when there is none, or when
   * the environment has {@code SWAMP_IT_CDS=off} (to compare, or to rule the archives out).
   */
  static synchronized List<String> flags(String kind) {
    if (made == null) {
      made = !"off".equals(System.getenv("SWAMP_IT_CDS")) && (fresh() || make());
    }
    Path archive = archive(kind);
    return made && Files.isRegularFile(archive)
        ? List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off") : List.of();
  }

  /** The flags that make {@code kind}'s archive when the JVM exits. */
  static List<String> makingFlags(String kind) {
    return List.of("-XX:ArchiveClassesAtExit=" + making(kind), "-Xlog:cds*=off");
  }

  private static Path dir() {
    return Pool.home().resolve("src-it/target/cds");
  }

  private static Path archive(String kind) {
    return dir().resolve(kind + ".jsa");
  }

  private static Path making(String kind) {
    return dir().resolve(kind + ".jsa.new");
  }

  /** Both archives are there and newer than every jar the JVMs start from. */
  private static boolean fresh() {
    try {
      long newestJar = 0;
      for (String module : List.of("master-node", "worker-node")) {
        try (Stream<Path> jars = Stream.concat(Files.list(Pool.home().resolve(module + "/target")),
            Files.list(Pool.home().resolve(module + "/target/lib")))) {
          for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).toList()) {
            newestJar = Math.max(newestJar, Files.getLastModifiedTime(jar).toMillis());
          }
        }
      }
      for (String kind : KINDS) {
        if (!Files.isRegularFile(archive(kind))
            || Files.getLastModifiedTime(archive(kind)).toMillis() < newestJar) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A master and a worker that make the archives; false (and a line why) when that failed. */
  private static boolean make() {
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(dir());
      for (String kind : KINDS) {
        Files.deleteIfExists(archive(kind));
        Files.deleteIfExists(making(kind));
      }
      try (Pool pool = new Pool("ClassArchives", true)) {
        Master master = pool.master("--local-exec", "never");
        Node worker = pool.worker(master, "cds");
        master.awaitWorkers(Pool.STARTUP, List.of(worker), "cds");
        master.awaitFinished(master.submit(Map.of("argv", List.of("echo", "archived"))),
            Pool.STARTUP);
        master.terminate(); // it dismisses the worker; both exit and write their archives
        master.awaitExit(Pool.STARTUP);
        worker.awaitExit(Pool.STARTUP);
      }
      for (String kind : KINDS) {
        if (!Files.isRegularFile(making(kind)) || Files.size(making(kind)) == 0) {
          throw new IllegalStateException("no " + kind + " archive was written");
        }
        Files.move(making(kind), archive(kind), StandardCopyOption.REPLACE_EXISTING);
      }
      System.out.printf("class-data archives of the master and the worker made in %.1f s%n",
          (System.nanoTime() - t0) / 1e9);
      return true;
    } catch (Exception | AssertionError e) {
      System.out.println("no class-data archives (the JVMs start without): " + e);
      return false;
    }
  }
}
