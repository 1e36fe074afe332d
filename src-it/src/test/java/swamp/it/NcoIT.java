package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The NCO example of the README on a real worker. It needs NCO and netCDF's ncgen: in CI their
 * absence is a failure (CI must install them), elsewhere the test is skipped.
 */
@ExtendWith(PoolExtension.class)
class NcoIT {

  @Test
  void climatologyScriptRunsOnAWorker(Pool pool) throws IOException, InterruptedException {
    requireOnPath("ncks", "ncgen");
    Path dir = Files.createDirectories(pool.logDir().resolve("nco"));
    Process ncgen = new ProcessBuilder("ncgen", "-o", dir.resolve("temperature.nc").toString(),
        Pool.home().resolve("examples/nco/temperature.cdl").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("ncgen.log").toFile()).start();
    assertTrue(ncgen.waitFor(60, TimeUnit.SECONDS), "ncgen did not finish");
    assertEquals(0, ncgen.exitValue(), "ncgen: " + Files.readString(dir.resolve("ncgen.log")));

    Master master = pool.startMaster("--local-exec", "never");
    Node worker = pool.worker(master, "nco-worker", "--slots", "2");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(worker), "nco-worker");

    Node run = pool.swamp(master, Pool.home(), "run", "--work-dir", dir.toString(),
        "examples/nco/climatology.swamp");
    assertEquals(0, run.awaitExit(Duration.ofSeconds(120)),
        "bin/swamp run --work-dir DIR examples/nco/climatology.swamp\n" + run.tail(80));
    String out = run.output();
    assertTrue(out.contains("T = 290.9583"), "the mean temperature is printed:\n" + out);
    assertTrue(run.errors().contains("on nco-worker"), "the jobs ran on the worker:\n" + run.errors());
    assertTrue(Files.isRegularFile(dir.resolve("t_mean.nc")), "the outputs are in the work dir");
  }

  static void requireOnPath(String... programs) {
    for (String program : programs) {
      boolean found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
          .filter(d -> !d.isEmpty())
          .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
      if (!found) {
        String why = program + " is not on the PATH; the NCO example needs NCO and netCDF's ncgen:"
            + " nco and netcdf-bin must be installed (Debian/Ubuntu: apt-get install nco netcdf-bin)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
          fail("CI=true and " + why);
        }
        Assumptions.abort(why + " (skipped outside CI, where CI=true makes it fail)");
      }
    }
  }
}
