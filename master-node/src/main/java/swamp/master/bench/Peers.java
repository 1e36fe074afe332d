package swamp.master.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What a user would pick instead of swamp, measured in the same run: {@code xargs -P2}, the
 * fork/exec floor, and Dask distributed when {@code python3} can import it (it is never
 * installed by the bench).
 */
final class Peers {

  static final String NO_DASK = "n/a (Dask not installed)";

  private final Lab lab;
  private Boolean daskInstalled;

  Peers(Lab lab) {
    this.lab = lab;
  }

  /** What {@link #xargsLines} runs, for the peers column. */
  static final String XARGS_LINES = "xargs -P2 -L1 /usr/bin/env < the script";

  /** Runs {@code n} {@code /bin/true} with {@code xargs -P2}; returns jobs/s. */
  double xargsTrue(int n) throws IOException, InterruptedException {
    Path input = lab.dir.resolve("xargs-" + n + ".txt");
    if (!Files.exists(input)) {
      Files.writeString(input, IntStream.range(0, n).mapToObj(Integer::toString)
          .collect(Collectors.joining("\n", "", "\n")));
    }
    return n / xargs(input, "-n1", "/bin/true");
  }

  /**
   * Runs {@code n} {@code sleep 0.05} with {@code xargs -P2}; returns its efficiency, % of the
   * ideal {@code n * 0.05 / 2} s: what starting a process costs on this machine without swamp.
   */
  double xargsSleep(int n) throws IOException, InterruptedException {
    Path input = lab.dir.resolve("xargs-sleep-" + n + ".txt");
    if (!Files.exists(input)) {
      Files.writeString(input, "0.05\n".repeat(n));
    }
    return 100 * (n * 0.05 / 2) / xargs(input, "-n1", "sleep");
  }

  /**
   * Runs each of the {@code lines} lines of {@code script} as a command, two at a time, as
   * {@link #XARGS_LINES}: env execs the line's words, so no shell starts per line; returns
   * lines/s.
   */
  double xargsLines(Path script, int lines) throws IOException, InterruptedException {
    return lines / xargs(script, "-L1", "/usr/bin/env");
  }

  /** Runs {@code xargs -P2 ARGS < input}; the seconds it took. Fails unless it exits 0. */
  private static double xargs(Path input, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("xargs", "-P2"));
    command.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(command)
        .redirectInput(input.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    long t0 = System.nanoTime();
    Process p = b.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      Lab.end(p, 1_000);
      throw new IllegalStateException("xargs did not finish in 10 minutes");
    }
    long t1 = System.nanoTime();
    if (p.exitValue() != 0) {
      throw new IllegalStateException("xargs exited with " + p.exitValue());
    }
    return (t1 - t0) / 1e9;
  }

  /** The first of these that imports distributed runs the Dask peer (Debian's is the last). */
  static final List<String> PYTHONS = List.of("python3", "/usr/bin/python3");

  private String python;

  boolean daskInstalled() {
    if (daskInstalled == null) {
      daskInstalled = false;
      for (String candidate : PYTHONS) {
        try {
          Process p = new ProcessBuilder(candidate, "-c", "import distributed")
              .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
          boolean ok = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
          if (p.isAlive()) {
            p.destroyForcibly();
          }
          if (ok) {
            python = candidate;
            daskInstalled = true;
            break;
          }
        } catch (IOException | InterruptedException e) {
          // not this one
        }
      }
    }
    return daskInstalled;
  }

  /**
   * Dask's figure for one measure ({@code noop}, {@code true} or {@code register}, see
   * dask_peer.py), summarised for the peers column; {@link #NO_DASK} when it is not installed.
   */
  String dask(String what, int n, int reps, String unit, int decimals, Duration timeout) {
    if (!daskInstalled()) {
      return NO_DASK;
    }
    try {
      Path script = lab.dir.resolve("dask_peer.py");
      if (!Files.exists(script)) {
        Files.write(script, Lab.resource("dask_peer.py"));
      }
      Path out = lab.dir.resolve("dask-" + what + ".out");
      Process p = new ProcessBuilder(python, script.toString(), what, "" + n, "" + reps)
          .directory(lab.dir.toFile())
          .redirectOutput(out.toFile())
          .redirectError(lab.log("dask-" + what).toFile())
          .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        Lab.end(p, 5_000);
        return "Dask: timed out after " + timeout.toSeconds() + " s";
      }
      List<Double> xs = new ArrayList<>();
      for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          xs.add(Double.parseDouble(line.trim()));
        }
      }
      if (p.exitValue() != 0 || xs.isEmpty()) {
        lab.keep = true;
        return "Dask: failed (exit " + p.exitValue() + "; see " + lab.log("dask-" + what) + ")";
      }
      return "Dask: " + summary(xs, unit, decimals);
    } catch (IOException | RuntimeException e) {
      lab.keep = true;
      return "Dask: failed (" + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "Dask: interrupted";
    }
  }

  /** "2,080 jobs/s (1,990-2,120)": the median, and the range when there is more than one. */
  static String summary(List<Double> xs, String unit, int decimals) {
    Row r = new Row("", "", unit, "", decimals);
    r.samples.addAll(xs);
    String s = Row.fmt(r.median(), decimals) + " " + unit;
    return xs.size() < 2 ? s : s + " (" + Row.fmt(r.min(), decimals) + "-" + Row.fmt(r.max(), decimals) + ")";
  }
}
