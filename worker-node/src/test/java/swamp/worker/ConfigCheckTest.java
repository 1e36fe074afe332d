package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import swamp.node.ConfigCheck;
import org.junit.jupiter.api.Test;

/** {@link ConfigCheck} against the worker's settings. */
class ConfigCheckTest {

  @Test
  void aTypoInASettingsNameIsNamedWithWhereItWasAndWhatWasMeant() {
    var file = ConfigFactory.parseString("swamp.worker.retry-intervall = 2s", 
        com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("site.conf"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigCheck.load(Map.of(), file.withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("unknown setting 'swamp.worker.retry-intervall' (site.conf"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'swamp.worker.retry-interval'?"), e.getMessage());
  }

  /** Pekko reads only the settings it knows: one misspelt would leave its default without a word. */
  /** A worker given a master's setting was told it is an "unknown setting". */
  @Test
  void aMastersSettingInAWorkersFileIsNamedAsTheMasters() {
    var file = ConfigFactory.parseString("swamp.master.prefetch = 1\nswamp.master.scaling.slots = 2",
        com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("site.conf"));
    var problems = ConfigCheck.unknownSettings(file.withFallback(ConfigFactory.load()));
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).matches("'swamp\\.master\\.(prefetch|scaling\\.slots)' \\(site\\.conf: [12]\\) is a"
        + " master's setting, which this node does not take: give the master its own file.*"),
        problems.get(0));
  }

  @Test
  void aTypoInAPekkoSettingsNameIsNamedButASitesOwnNamesAreNot() {
    var file = ConfigFactory.parseString("pekko.remote.artery.advanced.maximum-frame-sise = 2MiB\n"
        + "pekko.log-level = DEBUG\npekko.actor.serialize-mesages = on\n"
        + "pekko.cluster.split-brain-resolvr.active-strategy = keep-oldest\n"
        + "pekko.actor.serializers.mine = \"x.Mine\"\npekko.actor.my-dispatcher { type = Dispatcher }\n"
        + "pekko.actor.serialization-bindings { \"x.Message\" = mine }",
        com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("site.conf"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigCheck.load(Map.of(), file.withFallback(ConfigFactory.load())));
    for (String named : java.util.List.of(
        "unknown setting 'pekko.remote.artery.advanced.maximum-frame-sise' (site.conf: 1); did you mean"
            + " 'pekko.remote.artery.advanced.maximum-frame-size'?",
        "unknown setting 'pekko.log-level' (site.conf: 2); did you mean 'pekko.loglevel'?",
        "'pekko.actor.serialize-mesages' (site.conf: 3); did you mean 'pekko.actor.serialize-messages'?",
        "'pekko.cluster.split-brain-resolvr' (site.conf: 4); did you mean 'pekko.cluster.split-brain-resolver'?")) {
      assertTrue(e.getMessage().contains(named), named + " in: " + e.getMessage());
    }
    assertEquals(4, e.getMessage().split("; did you mean").length - 1, e.getMessage());
    // the settings every node reads have none
    assertEquals(java.util.List.of(), ConfigCheck.unknownSettings(ConfigFactory.load()));
  }

  /** A value of the wrong kind, or a negative duration, stops the node at start, named. */
  @Test
  void aValueOfTheWrongKindOrANegativeDurationIsNamed() {
    var file = ConfigFactory.parseString("swamp.worker.slots = many\nswamp.worker.term-grace = -5s\n"
        + "swamp.worker.max-output = lots\nswamp.worker.labels = gpu",
        com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("site.conf"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigCheck.load(Map.of("swamp.worker.give-up-after", "-1m"), file.withFallback(ConfigFactory.load())));
    for (String named : java.util.List.of("swamp.worker.slots has type STRING rather than NUMBER",
        "swamp.worker.term-grace = -5s (site.conf: 2) must not be negative",
        "swamp.worker.give-up-after = -1m (the command line's flags) must not be negative",
        "'swamp.worker.max-output'", "swamp.worker.labels has type STRING rather than LIST")) {
      assertTrue(e.getMessage().contains(named), named + " in: " + e.getMessage());
    }
  }

  @Test
  void aRetryJitterOutsideZeroToOneIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorkerSettings
        .fromConfig(ConfigCheck.load(Map.of("swamp.worker.retry-jitter", 5), ConfigFactory.load())));
    assertTrue(e.getMessage().contains("swamp.worker.retry-jitter"), e.getMessage());
  }

  /** What {@code bin/swamp worker ARGS} exits with, and what it says on stderr. */
  private record Ended(int code, String err) {}

  private static Ended worker(String... args) {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream saved = System.err;
    int code;
    System.setErr(new java.io.PrintStream(err, true));
    try {
      code = new picocli.CommandLine(new WorkerMain()).execute(args);
    } finally {
      System.setErr(saved);
    }
    return new Ended(code, err.toString());
  }

  /**
   * {@code --retry-interval 0s} sent a registration every millisecond, and {@code
   * --give-up-after 0s} gave up at once ("no master registered this worker within 0ms").
   */
  @Test
  void aRetryIntervalOrGiveUpTimeOfZeroIsRefused() {
    Ended retry = worker("--master", "127.0.0.1:9", "--retry-interval", "0s", "--give-up-after", "5s");
    assertEquals(2, retry.code(), retry.err());
    assertTrue(retry.err().contains("swamp.worker.retry-interval (--retry-interval) must be longer"
        + " than 0, not 0s"), retry.err());
    Ended giveUp = worker("--master", "127.0.0.1:9", "--give-up-after", "0s");
    assertEquals(2, giveUp.code(), giveUp.err());
    assertTrue(giveUp.err().contains("swamp.worker.give-up-after (--give-up-after) must be longer"
        + " than 0, not 0s"), giveUp.err());
  }

  /** {@code --port 70000} ended in Pekko's stack trace and exit 1. */
  @Test
  void aPortOutOfRangeIsRefusedNamed() {
    Ended e = worker("--master", "127.0.0.1:9", "--port", "70000");
    assertEquals(2, e.code(), e.err());
    assertTrue(e.err().contains("swamp worker: bad configuration: --port must be a port from 0 to"
        + " 65535, not 70000"), e.err());
  }

  /**
   * An id or label the master refuses (exit 3) was found out only from a master: with none up,
   * the worker retried until its give-up time and exited 4. Here no master listens (port 9).
   */
  @Test
  void anOfferTheMasterWouldRefuseStopsTheWorkerAtItsStart() {
    Ended e = worker("--master", "127.0.0.1:9", "--capability", "gpu;rm -rf", "--id", "a b",
        "--give-up-after", "5s");
    assertEquals(2, e.code(), e.err());
    assertTrue(e.err().contains("worker id 'a b' is not 1-128 letters, digits or ._@:- (--id,"
        + " swamp.worker.id)"), e.err());
    assertTrue(e.err().contains("capability label 'gpu;rm -rf' is not 1-64 letters, digits or ._-"
        + " (--capability, swamp.worker.labels)"), e.err());
    IllegalArgumentException slots = assertThrows(IllegalArgumentException.class, () ->
        WorkerSettings.fromConfig(ConfigCheck.load(Map.of("swamp.worker.slots", -3), ConfigFactory.load())));
    assertTrue(slots.getMessage().contains("swamp.worker.slots (--slots) must be from 1 to 4096, or"
        + " 0 for one per processor, not -3"), slots.getMessage());
  }

  /**
   * {@code --capability nco} on a node without NCO took the jobs that require nco and failed each
   * ("program 'ncks' was not found on the PATH"), where they should have waited.
   */
  @Test
  void theNcoCapabilityWithoutNcksIsRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path bin)
      throws Exception {
    List<String> defaults = ConfigFactory.load().getStringList("swamp.worker.allowed-executables");
    Executables without = Executables.of(defaults, bin.toString(), List.of());
    String why = RegistryLink.unbackedClaim(List.of("big", "nco"), without).orElseThrow();
    assertTrue(why.startsWith("the capability nco (--capability, swamp.worker.labels) says this"
        + " worker runs NCO's operators, and ncks is not on its PATH"), why);
    assertEquals(java.util.Optional.empty(), RegistryLink.unbackedClaim(List.of("big"), without));
    java.nio.file.Files.writeString(bin.resolve("ncks"), "#!/bin/sh\n").toFile().setExecutable(true);
    Executables with = Executables.of(defaults, bin.toString(), List.of());
    assertEquals(java.util.Optional.empty(), RegistryLink.unbackedClaim(List.of("nco"), with));
  }

  /** {@code --allow ''} (a variable that was not set) allowed nothing, and said nothing. */
  @Test
  void anEmptyOrManyWordedProgramToAllowIsRefusedNamed() {
    Ended ended = worker("--master", "127.0.0.1:9", "--allow", "");
    assertEquals(2, ended.code());
    assertTrue(ended.err().contains("swamp worker: bad configuration: --allow is an empty name, which"
        + " allows nothing"), ended.err());

    var file = ConfigFactory.parseString("swamp.worker.allowed-executables += \"awk python3\"",
        com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("site.conf"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WorkerSettings
        .fromConfig(ConfigCheck.load(Map.of(), file.withFallback(ConfigFactory.load()).resolve())));
    assertTrue(e.getMessage().contains("swamp.worker.allowed-executables holds 'awk python3', which"
        + " is no program's name (it holds a space)"), e.getMessage());
  }

  @Test
  void knownSettingsPassAndOverridesWin() {
    var config = ConfigCheck.load(Map.of("swamp.worker.slots", 3), ConfigFactory.load());
    assertEquals(3, config.getInt("swamp.worker.slots"));
  }

  /** A site file that ends inside a '{' was said to lack a ')'. */
  @Test
  void aFileThatEndsInsideABraceSaysSo() {
    com.typesafe.config.ConfigException e = assertThrows(com.typesafe.config.ConfigException.class,
        () -> ConfigFactory.parseString("swamp.worker { slots = 3\n",
            com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("site.conf")));
    assertTrue(ConfigCheck.message(e).endsWith("end of file (is a '{' or '[' not closed?)"), ConfigCheck.message(e));
    assertEquals("x", ConfigCheck.message(new IllegalArgumentException("x")));
  }

  /** {@code slots = ${SLOTS}} with SLOTS unset, and an include of a file that is not there. */
  @Test
  void anUnsetVariableAndAMissingIncludeSayWhatToWrite() {
    var options = com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("site.conf");
    com.typesafe.config.ConfigException unset = assertThrows(com.typesafe.config.ConfigException.class,
        () -> ConfigFactory.parseString("swamp.worker.slots = ${SWAMP_NO_SUCH_VARIABLE}", options)
            .resolve());
    assertTrue(ConfigCheck.message(unset).endsWith("${SWAMP_NO_SUCH_VARIABLE} (neither a setting"
        + " nor an environment variable of that name is set here; ${?NAME} is left out when it is"
        + " not)"), ConfigCheck.message(unset));
    com.typesafe.config.ConfigException missing = assertThrows(com.typesafe.config.ConfigException.class,
        () -> ConfigFactory.parseString("include required(\"no-such-site.conf\")", options));
    assertTrue(ConfigCheck.message(missing).endsWith("(an include is looked for beside the file"
        + " that includes it; include required(file(\"/path/name.conf\")) names it by its path)"),
        ConfigCheck.message(missing));
  }
}
