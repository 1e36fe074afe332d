package swamp.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Worker settings for tests: short timers, a private work directory. */
public final class TestSettings {
  private TestSettings() {}

  public static WorkerSettings worker(String id, Path workDir) {
    return new WorkerSettings(id, "127.0.0.1", "", 2, List.of(), List.of("*"), List.of(), 1024,
        Duration.ofSeconds(5), 0.2, Duration.ofMinutes(30), workDir, Duration.ofSeconds(30),
        Duration.ofSeconds(30), Duration.ofSeconds(1), 64 * 1024, "s3cret", false);
  }
}
