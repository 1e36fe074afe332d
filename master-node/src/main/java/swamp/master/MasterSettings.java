package swamp.master;

import com.typesafe.config.Config;
import java.time.Duration;
import swamp.master.dispatch.LocalExec;

/** The master's settings, read once from {@code swamp.master} and {@code swamp.security}. */
public record MasterSettings(
    String httpHost,
    int httpPort,
    LocalExec localExec,
    int localSlots,
    int retainFinished,
    Duration retainFor,
    long retainedOutputBudget,
    int snapshotEvery,
    int prefetch,
    Duration recoveryGrace,
    Duration askTimeout,
    Duration dismissTimeout,
    Duration probeInterval,
    boolean insecure,
    String secret,
    String apiToken) {

  public static MasterSettings fromConfig(Config config) {
    Config m = config.getConfig("swamp.master");
    int localSlots = m.getInt("local-slots");
    if (localSlots < 0) {
      throw new IllegalArgumentException("swamp.master.local-slots must not be negative");
    }
    String apiToken = config.getString("swamp.security.api-token");
    if (!apiToken.isEmpty() && apiToken.isBlank()) { // a token of spaces: who sends that?
      throw new IllegalArgumentException("the API token (SWAMP_API_TOKEN, swamp.security.api-token)"
          + " is blank: give a token, or unset it to use ~/.swamp/api-token");
    }
    swamp.node.NodeAddress.checkPort(m.getInt("http-port"), "swamp.master.http-port (--http-port)");
    swamp.node.NodeAddress.checkPort(config.getInt("pekko.remote.artery.canonical.port"), "the cluster port (--port)");
    return new MasterSettings(
        m.getString("http-host"),
        m.getInt("http-port"),
        LocalExec.parse(m.getString("local-exec")),
        localSlots == 0 ? Runtime.getRuntime().availableProcessors() : localSlots,
        positive(m, "retain-finished"),
        m.getDuration("retain-for"),
        outputBudget(m),
        positive(m, "journal.snapshot-every"),
        notNegative(m, "prefetch"),
        m.getDuration("journal.recovery-grace"),
        m.getDuration("ask-timeout"),
        m.getDuration("dismiss-timeout"),
        m.getDuration("probe-interval"),
        m.getBoolean("insecure"),
        config.getString("swamp.security.secret"),
        apiToken);
  }

  /** {@code retained-output-budget}: a size, or {@code auto} for an eighth of the heap. */
  private static long outputBudget(Config m) {
    if (m.getString("retained-output-budget").equals("auto")) {
      return Runtime.getRuntime().maxMemory() / 8;
    }
    long bytes = m.getBytes("retained-output-budget");
    if (bytes < 0) {
      throw new IllegalArgumentException("swamp.master.retained-output-budget must be auto or a"
          + " size, not negative");
    }
    return bytes;
  }

  private static int notNegative(Config m, String key) {
    int n = m.getInt(key);
    if (n < 0) {
      throw new IllegalArgumentException("swamp.master." + key + " must be 0 or more, not " + n);
    }
    return n;
  }

  private static int positive(Config m, String key) {
    int n = m.getInt(key);
    if (n < 1) {
      throw new IllegalArgumentException("swamp.master." + key + " must be at least 1, not " + n);
    }
    return n;
  }

  @Override
  public String toString() { // the secret stays out of every log line
    return "MasterSettings[http=" + httpHost + ":" + httpPort + ", localExec=" + localExec
        + ", localSlots=" + localSlots + ", insecure=" + insecure
        + ", apiToken=" + (apiToken.isEmpty() ? "not set" : "set") + "]";
  }
}
