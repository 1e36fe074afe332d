package swamp.master.pool;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import swamp.protocol.ShellText;

/**
 * What a spawned worker runs: {@code bin/swamp worker}'s flags after the source's worker command
 * (by default the master's own java and class path running {@code swamp.worker.WorkerMain}),
 * the environment that carries the secret, and the job script a scheduler runs.
 */
final class WorkerCommand {
  private WorkerCommand() {}

  /** The worker's argv: never the secret. */
  static List<String> argv(SourceSettings source, String spawnId, String masterAddress) {
    List<String> argv = new ArrayList<>(source.workerCommand().isEmpty()
        ? javaCommand(source.workerJavaOptions()) : source.workerCommand());
    argv.addAll(flags(source, spawnId, masterAddress));
    return argv;
  }

  /**
   * The flags a spawned worker gets after its worker command: the master's own, then the
   * source's {@code worker-args} (checked at the master's start against these, so that one of
   * them given again, {@code worker-args = [--slots, 2]}, is found there and not at each spawn).
   */
  static List<String> flags(SourceSettings source, String spawnId, String masterAddress) {
    List<String> argv = new ArrayList<>();
    argv.addAll(List.of("--master", masterAddress, "--id", spawnId,
        "--slots", String.valueOf(source.slots()),
        // an orphan (no master to register with) ends itself, and with it its grid job
        "--give-up-after", source.registrationTimeout().toMillis() + "ms"));
    for (String label : source.capabilities()) {
      argv.addAll(List.of("--capability", label));
    }
    argv.addAll(source.workerArgs());
    return argv;
  }

  /**
   * The master's own java and a worker of the very same build: on the worker's own class path and
   * with the flags {@code bin/swamp worker} starts one with (its class-data archive), which
   * {@code bin/swamp master} passes in {@value #CLASS_PATH} and {@value #JVM_OPTIONS}; without
   * them, on the master's class path. The source's own options come after, so they win.
   */
  static List<String> javaCommand(List<String> javaOptions) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String o : System.getProperty(JVM_OPTIONS, "").trim().split("\\s+")) {
      if (!o.isEmpty()) {
        cmd.add(o);
      }
    }
    cmd.addAll(javaOptions);
    // a worker site file of the source's (-Dconfig.file=site.conf, which includes worker.conf)
    // stands instead, as under bin/swamp: both stopped every spawned worker at its start
    // ("You set more than one of config.file=..., config.resource=...")
    if (javaOptions.stream().noneMatch(o -> o.startsWith("-Dconfig.file=")
        || o.startsWith("-Dconfig.url=") || o.startsWith("-Dconfig.resource="))) {
      cmd.add("-Dconfig.resource=worker.conf");
    }
    cmd.add("-cp");
    cmd.add(System.getProperty(CLASS_PATH, System.getProperty("java.class.path")));
    cmd.add("swamp.worker.WorkerMain");
    return cmd;
  }

  static final String CLASS_PATH = "swamp.worker.class-path";
  static final String JVM_OPTIONS = "swamp.worker.jvm-options";

  /**
   * The environment of the worker (or of the command that submits it, which hands it on): the
   * master's (the pool scaler adds the master's key store as SWAMP_TLS_*), with
   * the registration secret, and without the master's JAVA_OPTS (which may name the master's own
   * configuration file), API token and journal credentials.
   */
  static Map<String, String> environment(SourceSettings source, String secret) {
    return environment(source, secret, System.getenv());
  }

  static Map<String, String> environment(SourceSettings source, String secret,
      Map<String, String> master) {
    Map<String, String> env = new HashMap<>(master);
    env.remove("SWAMP_API_TOKEN");
    // a worker has no use for the journal database's login, which went with every spawn into
    // its scheduler's job record (sbatch --export=ALL, qsub -V) on every compute node
    env.remove("SWAMP_JOURNAL_USER");
    env.remove("SWAMP_JOURNAL_PASSWORD");
    env.remove("JAVA_OPTS");
    if (!source.workerCommand().isEmpty() && !source.workerJavaOptions().isEmpty()) {
      env.put("JAVA_OPTS", String.join(" ", source.workerJavaOptions()));
    }
    if (secret.isEmpty()) {
      env.remove("SWAMP_SECRET");
    } else {
      env.put("SWAMP_SECRET", secret);
    }
    return env;
  }

  /**
   * The master's environment without the pool's secrets (those no job inherits either): for the
   * commands that start no worker.
   */
  static Map<String, String> withoutSecrets() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.keySet().removeAll(swamp.node.Credentials.SECRET_VARIABLES);
    return env;
  }

  /** A job script that runs the worker; the secret comes from the environment, not from here. */
  static String script(List<String> argv, SourceSettings source, String spawnId) {
    StringBuilder b = new StringBuilder("#!/bin/sh\n");
    b.append("# swamp worker ").append(spawnId).append(" of source ").append(source.name())
        .append(", written by the master at ").append(Instant.now()).append(".\n");
    b.append("# The registration secret comes from the environment (SWAMP_SECRET).\n");
    b.append("exec");
    for (String a : argv) {
      b.append(' ').append(ShellText.quote(a));
    }
    return b.append('\n').toString();
  }
}
