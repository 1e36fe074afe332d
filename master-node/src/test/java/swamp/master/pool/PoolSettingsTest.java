package swamp.master.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import swamp.node.ConfigCheck;

/** Reading the worker directory: defaults from scaling, and every mistake named. */
class PoolSettingsTest {

  static PoolSettings read(String hocon) {
    return PoolSettings.fromConfig(ConfigFactory.parseString(hocon)
        .withFallback(ConfigFactory.defaultReference()).resolve());
  }

  static String problem(String hocon) {
    return assertThrows(IllegalArgumentException.class, () -> read(hocon)).getMessage();
  }

  @Test
  void noDirectoryByDefault() {
    assertTrue(read("").sources().isEmpty());
  }

  @Test
  void aSourceTakesWhatItDoesNotSayFromScaling() {
    PoolSettings p = read("swamp.master.scaling { idle-timeout = 3s, max-pending = 5 }\n"
        + "swamp.master.directory = [{ name = cluster, launcher = slurm, max-workers = 16,"
        + " slots = 4, options = [\"--partition=debug\"], walltime = 1h }]");
    SourceSettings s = p.sources().get(0);
    assertEquals(SourceSettings.Kind.SLURM, s.launcher());
    assertEquals(16, s.maxWorkers());
    assertEquals(4, s.slots());
    assertEquals(5, s.maxPending());
    assertEquals(Duration.ofSeconds(3), s.idleTimeout());
    assertEquals(Duration.ofHours(1), s.walltime());
    assertEquals(List.of("--partition=debug"), s.options());
    assertEquals(Duration.ofMinutes(10), s.registrationTimeout());
  }

  @Test
  void theDirectoryPassesTheUnknownSettingsCheck() {
    var config = ConfigFactory.parseString("swamp.master.directory = [{ name = a, launcher = local }]\n"
        + "swamp.master.scaling.idle-timeout = 1s").withFallback(ConfigFactory.defaultReference());
    assertEquals(List.of(), ConfigCheck.unknownSettings(config.resolve()));
    assertTrue(ConfigCheck.load(Map.of(), config).hasPath("swamp.master.directory"));
  }

  /**
   * A directory written as one object, {@code directory = { name = here, launcher = local }},
   * was said to hold unknown settings 'swamp.master.directory.name' and '...launcher'.
   */
  @Test
  void aDirectoryWrittenAsAnObjectIsSaidToBeNoList() {
    var config = ConfigFactory.parseString("swamp.master.directory = { name = here, launcher = local }",
        com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("site.conf"))
        .withFallback(ConfigFactory.defaultReference());
    String problem = assertThrows(IllegalArgumentException.class,
        () -> ConfigCheck.load(Map.of(), config)).getMessage();
    assertEquals("swamp.master.directory must be a list, [ ... ], not an object, { ... } (site.conf: 1)",
        problem);
  }

  /** A duration without its unit is refused, not read as milliseconds: 'idle-timeout = 300' meant 5 minutes. */
  @Test
  void aDurationWithoutItsUnitIsNamed() {
    var config = ConfigFactory.parseString("swamp.master.scaling.idle-timeout = 300\n"
        + "swamp.master.directory = [{ name = a, launcher = local, registration-timeout = \"600\", walltime = 2h }]",
        com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("site.conf"))
        .withFallback(ConfigFactory.defaultReference());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigCheck.load(Map.of(), config));
    assertTrue(e.getMessage().contains("swamp.master.scaling.idle-timeout = 300 (site.conf: 1) needs its unit,"
        + " as 300s or 300m: a bare number would be read as milliseconds"), e.getMessage());
    assertTrue(e.getMessage().contains("the source's registration-timeout in swamp.master.directory = 600 (site.conf: 2)"),
        e.getMessage());
    assertTrue(!e.getMessage().contains("walltime"), e.getMessage());
    IllegalArgumentException flag = assertThrows(IllegalArgumentException.class,
        () -> ConfigCheck.load(Map.of("swamp.master.ask-timeout", "10"), ConfigFactory.defaultReference()));
    assertTrue(flag.getMessage().contains("swamp.master.ask-timeout = 10 (the command line's flags)"), flag.getMessage());
    // a count is a number, as a test's -Dswamp.master.journal.snapshot-every=20 sets it
    ConfigCheck.load(Map.of("swamp.master.journal.snapshot-every", "20"), ConfigFactory.defaultReference());
  }

  @Test
  void everyMistakeIsNamedWithItsSource() {
    String p = problem("swamp.master.directory = [{ name = a, launcher = pbs },"
        + " { name = b, launcher = slurm, max-worker = 3 },"
        + " { name = c, launcher = command },"
        + " { name = d, launcher = local, min-workers = 3, max-workers = 2, slots = 0 }]");
    assertTrue(p.contains("directory[0] (a): launcher must be local, slurm, sge or command, not 'pbs'"), p);
    assertTrue(p.contains("directory[1] (b): unknown setting 'max-worker' (String: 1); did you mean"
        + " 'max-workers'?"), p);
    assertTrue(problem("swamp.master.directory = [{ name = a, launcher = local, flavour = x }]")
        .contains("unknown setting 'flavour' (String: 1); a source may set name, launcher,"), p);
    assertTrue(problem("swamp.master.directory = [{ name = a, launcher = local, walltime = 1h,"
        + " walltime-margin = 2h }]").contains("walltime-margin (2h) must be shorter than walltime"
        + " (1h)"), p);
    assertTrue(p.contains("directory[2] (c): the command launcher needs a submit command"), p);
    assertTrue(p.contains("directory[3] (d): max-workers must be at least 1 and at least min-workers"), p);
    assertTrue(p.contains("directory[3] (d): slots must be between 1"), p);
  }

  /** worker-args = [--capabilty, big] started the master, and every spawn's worker stopped on it. */
  @Test
  void workerArgsThatAreNoWorkerFlagsAreNamed() {
    PoolSettings p = read("swamp.master.directory = [{ name = a, launcher = local,"
        + " worker-args = [--capabilty, big] }, { name = b, launcher = slurm,"
        + " worker-args = [--slots, ten] }, { name = c, launcher = local,"
        + " worker-args = [--allow, python3] }]");
    String problem = assertThrows(IllegalArgumentException.class,
        () -> p.checkWorkerArgs(swamp.worker.WorkerMain::flagsProblem, false)).getMessage();
    assertTrue(problem.startsWith("swamp.master.directory[0] (a): worker-args [--capabilty, big]"
        + " are not flags of bin/swamp worker: Unknown options: '--capabilty', 'big';"
        + " swamp.master.directory[1] (b): worker-args [--slots, ten] are not flags of bin/swamp"
        + " worker: Invalid value for option '--slots': 'ten' is not an int"), problem);
    assertTrue(!problem.contains("(c)"), problem);
  }

  /**
   * worker-args = [--slots, 2] started the master, and every spawn's worker stopped at once
   * (exit 2, "option '--slots' should be specified only once"): the master gives it --slots too.
   */
  @Test
  void workerArgsThatTheMasterSetsItselfAreNamed() {
    PoolSettings p = read("swamp.master.directory = [{ name = a, launcher = local,"
        + " worker-args = [--slots, \"2\"] }, { name = b, launcher = local,"
        + " worker-args = [--give-up-after, 5m] }, { name = c, launcher = local,"
        + " worker-args = [--insecure] }, { name = d, launcher = local,"
        + " worker-args = [--capability, big, --allow, python3] }]");
    String problem = assertThrows(IllegalArgumentException.class,
        () -> p.checkWorkerArgs(swamp.worker.WorkerMain::flagsProblem, true)).getMessage();
    assertTrue(problem.contains("directory[0] (a): worker-args [--slots, 2] are not flags of"
        + " bin/swamp worker: option '--slots' (<slots>) should be specified only once"), problem);
    assertTrue(problem.contains("the master gives each spawned worker --id, --slots"), problem);
    assertTrue(problem.contains("directory[1] (b): worker-args [--give-up-after, 5m]"), problem);
    assertTrue(problem.contains("directory[2] (c): worker-args [--insecure]"), problem);
    assertTrue(!problem.contains("(d)"), problem);
    // a TLS master gives no --insecure: a source's own is its worker's only one
    PoolSettings q = read("swamp.master.directory = [{ name = c, launcher = local,"
        + " worker-args = [--insecure] }]");
    q.checkWorkerArgs(swamp.worker.WorkerMain::flagsProblem, false);
  }

  @Test
  void namesAreUniqueAndUsableInWorkerIds() {
    assertTrue(problem("swamp.master.directory = [{ name = a, launcher = local }, { name = a, launcher = sge }]")
        .contains("another source is also named 'a'"));
    assertTrue(problem("swamp.master.directory = [{ name = \"a b\", launcher = local }]")
        .contains("name 'a b' is not"));
    assertTrue(problem("swamp.master.directory = [{ launcher = local }]")
        .contains("needs a name and a launcher"));
  }

  @Test
  void aWrongMasterAddressOrLabelIsRefused() {
    assertTrue(problem("swamp.master.directory = [{ name = a, launcher = local, master-address = nowhere }]")
        .contains("master-address: 'nowhere' is not HOST:PORT"));
    assertTrue(problem("swamp.master.directory = [{ name = a, launcher = local, capabilities = [\"no way\"] }]")
        .contains("capability label 'no way'"));
  }

  @Test
  void schedulerOptionsAreForSchedulerSources() {
    assertTrue(problem("swamp.master.directory = [{ name = a, launcher = local, options = [-q] }]")
        .contains("options are sbatch's or qsub's; a local source takes worker-args"));
    // a default under scaling does not make a local source wrong
    assertEquals(1, read("swamp.master.scaling.options = [\"--partition=debug\"]\n"
        + "swamp.master.directory = [{ name = a, launcher = local }]").sources().size());
  }

  /**
   * A submit command or worker command that is not there started the master, and every spawn of
   * its source failed with a WARN while the jobs waited; now the master does not start.
   */
  @Test
  void aSourcesProgramThatIsNotThereIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path bin)
      throws Exception {
    for (String program : List.of("sbatch", "scancel", "squeue", "qdel")) {
      java.nio.file.Path p = java.nio.file.Files.writeString(bin.resolve(program), "#!/bin/sh\n");
      p.toFile().setExecutable(true);
    }
    PoolSettings p = read("swamp.master.directory = ["
        + " { name = a, launcher = command, submit = [sbatchh, \"{script}\"], cancel = [scancel, \"{job}\"] },"
        + " { name = b, launcher = local, worker-command = [/opt/nonexist/swamp, worker] },"
        + " { name = c, launcher = slurm },"
        + " { name = d, launcher = sge },"
        + " { name = e, launcher = local } ]");
    String path = bin.toString();
    String problem = assertThrows(IllegalArgumentException.class, () -> p.checkPrograms(path))
        .getMessage();
    assertEquals("swamp.master.directory[0] (a): its submit command 'sbatchh' is not on the"
        + " master's PATH (" + path + "); swamp.master.directory[1] (b): its worker-command's"
        + " program '/opt/nonexist/swamp' does not exist or is not executable;"
        + " swamp.master.directory[3] (d): the sge launcher's submit command 'qsub' is not on the"
        + " master's PATH (" + path + "): is Grid Engine's client installed, its settings.sh"
        + " sourced?; swamp.master.directory[3] (d): the sge launcher's status command 'qstat' is"
        + " not on the master's PATH (" + path + "): is Grid Engine's client installed, its"
        + " settings.sh sourced?", problem);
  }

  @Test
  void templatesAreForTheCommandLauncher() {
    PoolSettings p = read("swamp.master.directory = [{ name = pbs, launcher = command,"
        + " submit = [qsub, -V, \"{script}\"], cancel = [qdel, \"{job}\"] }]");
    assertEquals(List.of("qsub", "-V", "{script}"), p.sources().get(0).submit());
    assertTrue(problem("swamp.master.directory = [{ name = a, launcher = slurm, submit = [x] }]")
        .contains("for the command launcher only"));
  }
}
