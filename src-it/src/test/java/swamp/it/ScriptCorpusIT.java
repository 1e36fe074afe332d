package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scientists' NCO scripts, unchanged, under {@code bin/swamp run}: every script of the corpus
 * ({@code src-it/src/test/resources/scripts/*.sh}) runs under plain {@code bash} in one directory
 * and under {@code bin/swamp run} on a master with two workers in another, both on the same
 * generated data ({@code scripts/data/make-data.sh}). Both must exit alike and leave the same
 * tree: the same files and directories, netCDF files equal by {@code ncdump} once the times NCO
 * stamps into {@code history} are masked (the command lines there must be equal), every other
 * file byte for byte; and both must print the same standard output, in the script's order.
 *
 * <p>Needs NCO and netCDF's ncgen/ncdump: skipped without them, failed without them in CI (see
 * {@link NcoIT#requireOnPath}). The trees and the outputs are kept under
 * {@code src-it/target/it-logs/ScriptCorpusIT.everyScriptLeavesWhatBashLeaves/SCRIPT/};
 * {@code -Dswamp.it.scripts=NAME,NAME} runs only those scripts (names without {@code .sh}).
 */
@org.junit.jupiter.api.Order(2) // among the longest: started early (junit-platform.properties)
@ExtendWith(PoolExtension.class)
class ScriptCorpusIT {

  static final Path CORPUS = Pool.home().resolve("src-it/src/test/resources/scripts");
  /** How long one script may take, under bash or under swamp, on a busy 2-core machine. */
  static final Duration SCRIPT = Duration.ofSeconds(120);
  /**
   * Global attributes in which NCO stamps the time of each command before its command line:
   * compared with the times masked, so that the command lines must be equal (argv as the script
   * wrote it, {@code ncwa} and not {@code /usr/bin/ncwa}).
   */
  static final Set<String> STAMPED = Set.of("history", "history_of_appended_files");
  /** The stamp, as in "Tue Dec  1 23:09:58 2026: ncra -O u.nc v.nc". */
  static final Pattern TIME = Pattern.compile(
      "[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}: ");

  /** Two slots each, and the default allow-list: what a scientist's script runs must be on it. */
  static final String[] WORKER_ARGS = {"--slots", "2"};

  @TestFactory
  Stream<DynamicTest> everyScriptLeavesWhatBashLeaves(Pool pool) throws Exception {
    NcoIT.requireOnPath("ncks", "ncgen", "ncap2", "ncatted", "ncdump");
    List<Path> scripts;
    try (Stream<Path> s = Files.list(CORPUS)) {
      scripts = s.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
    }
    assertTrue(scripts.size() >= 25, "the corpus holds at least 25 scripts: " + scripts);
    String only = System.getProperty("swamp.it.scripts", "");
    if (!only.isEmpty()) {
      List<String> names = List.of(only.split(","));
      scripts = scripts.stream().filter(p -> names.contains(p.getFileName().toString()
          .replaceFirst("\\.sh$", ""))).toList();
      assertTrue(!scripts.isEmpty(), "-Dswamp.it.scripts=" + only + " names no script of " + CORPUS);
    }
    Path data = makeData(pool.logDir().resolve("data"));

    Master master = pool.startMaster("--local-exec", "never");
    Node one = pool.worker(master, "corpus-1", WORKER_ARGS);
    Node two = pool.worker(master, "corpus-2", WORKER_ARGS);
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(one, two), "corpus-1", "corpus-2");

    return scripts.stream().map(script -> DynamicTest.dynamicTest(
        script.getFileName().toString(), () -> runBoth(pool, master, data, script)));
  }

  /** Runs the script under bash and under bin/swamp run, at once, and compares what they left. */
  private static void runBoth(Pool pool, Master master, Path data, Path script) throws Exception {
    String name = script.getFileName().toString().replaceFirst("\\.sh$", "");
    Path dir = pool.logDir().resolve(name);
    Path bashDir = copyTree(data, dir.resolve("bash"));
    Path swampDir = copyTree(data, dir.resolve("swamp"));
    Files.copy(script, bashDir.resolve("script.sh"));
    Files.copy(script, swampDir.resolve("script.sh"));

    long t0 = System.nanoTime();
    Process bash = new ProcessBuilder("bash", "script.sh").directory(bashDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(dir.resolve("bash.out").toFile())
        .redirectError(dir.resolve("bash.err").toFile())
        .start();
    Node swamp = pool.swamp(master, swampDir, "run", "script.sh");
    // when each ended, for the log: the two run at once and are waited for one after the other
    CompletableFuture<Long> bashEnd = bash.onExit().thenApply(p -> System.nanoTime());
    CompletableFuture<Long> swampEnd = ProcessHandle.of(swamp.pid())
        .map(h -> h.onExit().thenApply(p -> System.nanoTime()))
        .orElseGet(() -> CompletableFuture.completedFuture(System.nanoTime()));
    int bashExit;
    try {
      if (!bash.waitFor(SCRIPT.toMillis(), TimeUnit.MILLISECONDS)) {
        fail("bash " + script + " still runs after " + SCRIPT.toSeconds() + " s");
      }
      bashExit = bash.exitValue();
    } finally {
      bash.descendants().forEach(ProcessHandle::destroyForcibly);
      bash.destroyForcibly();
    }
    int swampExit = swamp.awaitExit(SCRIPT);
    System.out.printf("%s: bash %.1f s, bin/swamp run %.1f s, side by side%n", name,
        (bashEnd.get() - t0) / 1e9, (swampEnd.get() - t0) / 1e9);

    assertEquals(bashExit, swampExit, "bin/swamp run " + name + ".sh exited " + swampExit
        + " where bash exited " + bashExit + " (bash's stderr: " + dir.resolve("bash.err")
        + ")\n" + swamp.tail(60));

    List<String> differences = compareTrees(bashDir, swampDir);
    if (!differences.isEmpty()) {
      fail(name + ".sh: bin/swamp run left another tree than bash (" + bashDir + " vs " + swampDir
          + "):\n" + String.join("\n", differences) + "\n" + swamp.tail(40));
    }
    // what the commands print, in the script's order, as bash printed it (NCO's times masked)
    String bashOut = TIME.matcher(Files.readString(dir.resolve("bash.out"))).replaceAll("<time>: ");
    assertEquals(bashOut, TIME.matcher(swamp.output()).replaceAll("<time>: "), name
        + ".sh: bin/swamp run printed another standard output than bash (" + dir.resolve("bash.out") + ")");
  }

  /** Runs make-data.sh in {@code dir}; returns the directory of the inputs it made, and models.csv. */
  private static Path makeData(Path dir) throws Exception {
    Path gen = Files.createDirectories(dir.resolve("gen"));
    for (String f : List.of("make-data.sh", "grid.cdl")) {
      Files.copy(CORPUS.resolve("data").resolve(f), gen.resolve(f));
    }
    Process p = new ProcessBuilder("bash", "make-data.sh").directory(gen.toFile())
        .redirectErrorStream(true).redirectOutput(dir.resolve("make-data.log").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("make-data.sh did not finish in 5 minutes");
    }
    assertEquals(0, p.exitValue(), "make-data.sh: " + Files.readString(dir.resolve("make-data.log")));
    Path inputs = Files.createDirectories(dir.resolve("inputs"));
    try (Stream<Path> made = Files.list(gen)) {
      for (Path f : made.filter(f -> f.toString().endsWith(".nc")).toList()) {
        Files.copy(f, inputs.resolve(f.getFileName()));
      }
    }
    // a table that scripts read line by line (while read ... done < models.csv), and the scripts
    // that some of them run
    for (String f : List.of("models.csv", "one-model.sh", "member-anomaly.sh")) {
      Files.copy(CORPUS.resolve("data").resolve(f), inputs.resolve(f));
    }
    return inputs;
  }

  private static Path copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  // ---- comparing two trees ----

  /** What differs between the trees {@code a} (bash's) and {@code b} (swamp's); empty if nothing. */
  static List<String> compareTrees(Path a, Path b) throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    SortedSet<String> inA = entries(a);
    SortedSet<String> inB = entries(b);
    for (String e : inA) {
      if (!inB.contains(e)) {
        out.add("  only bash made " + e);
      }
    }
    for (String e : inB) {
      if (!inA.contains(e)) {
        out.add("  only swamp made " + e);
      }
    }
    for (String e : inA) {
      Path fa = a.resolve(e);
      Path fb = b.resolve(e);
      if (!inB.contains(e) || Files.isDirectory(fa) || Files.isDirectory(fb)) {
        if (inB.contains(e) && Files.isDirectory(fa) != Files.isDirectory(fb)) {
          out.add("  " + e + " is a directory in one tree only");
        }
        continue;
      }
      if (Files.mismatch(fa, fb) == -1) {
        continue; // the same bytes: the inputs, and whatever no command stamped
      }
      boolean netcdf = isNetcdf(fa);
      if (netcdf != isNetcdf(fb)) {
        out.add("  " + e + " is a netCDF file in one tree only");
        continue;
      }
      String ta = netcdf ? withoutTimes(ncdump(fa)) : null;
      String tb = netcdf ? withoutTimes(ncdump(fb)) : null;
      if (!netcdf || !ta.equals(tb)) {
        out.add("  " + e + " differs" + (netcdf ? " (ncdump, times in " + STAMPED + " masked)" : "") + ":\n"
            + firstDifference(netcdf ? ta : read(fa), netcdf ? tb : read(fb)));
      }
    }
    return out;
  }

  /** Every file and directory under {@code root}, as a relative path. */
  private static SortedSet<String> entries(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString())
          .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    }
  }

  /** netCDF classic, 64-bit offset, CDF-5 ("CDF" 1/2/5) or netCDF-4 (HDF5's signature). */
  static boolean isNetcdf(Path f) throws IOException {
    byte[] head = new byte[8];
    int n;
    try (InputStream in = Files.newInputStream(f)) {
      n = in.readNBytes(head, 0, head.length);
    }
    boolean cdf = n >= 4 && head[0] == 'C' && head[1] == 'D' && head[2] == 'F'
        && (head[3] == 1 || head[3] == 2 || head[3] == 5);
    boolean hdf = n == 8 && Arrays.equals(head, new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n',
        0x1a, '\n'});
    return cdf || hdf;
  }

  private static String ncdump(Path f) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ncdump", f.getFileName().toString())
        .directory(f.getParent().toFile()).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      fail("ncdump " + f + " failed: " + text);
    }
    return text;
  }

  /**
   * The ncdump text with the times masked in the global attributes of {@link #STAMPED}. A global
   * attribute starts with a line {@code \t\t:name = } after {@code // global attributes:} and
   * ends at the first {@code ;} outside a quoted string: a string attribute of several lines, as
   * {@code history} is, spans several lines.
   */
  static String withoutTimes(String cdl) {
    StringBuilder out = new StringBuilder();
    boolean global = false;
    StringBuilder stamped = null; // a stamped attribute, while its statement has not ended
    for (String line : cdl.split("\n", -1)) {
      if (stamped == null) {
        if (line.equals("// global attributes:")) {
          global = true;
        } else if (line.equals("data:") || line.equals("}")) {
          global = false;
        }
        int eq = line.indexOf(" = ");
        if (global && line.startsWith("\t\t:") && eq > 3 && STAMPED.contains(line.substring(3, eq))) {
          stamped = new StringBuilder();
        }
      }
      if (stamped == null) {
        out.append(line).append('\n');
        continue;
      }
      stamped.append(line).append('\n');
      if (statementEnds(stamped)) {
        out.append(TIME.matcher(stamped).replaceAll("<time>: "));
        stamped = null;
      }
    }
    return out.toString();
  }

  /** Whether a CDL value holds a {@code ;} outside its quoted strings (with backslash escapes). */
  private static boolean statementEnds(CharSequence value) {
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == ';') {
        return true;
      }
    }
    return false;
  }

  /** The first line where the texts differ, with its neighbours, for the failure message. */
  static String firstDifference(String a, String b) {
    String[] la = a.split("\n", -1);
    String[] lb = b.split("\n", -1);
    int i = 0;
    while (i < la.length && i < lb.length && la[i].equals(lb[i])) {
      i++;
    }
    StringBuilder s = new StringBuilder("    first difference at line " + (i + 1) + "\n");
    for (int k = Math.max(0, i - 2); k < Math.min(Math.max(la.length, lb.length), i + 3); k++) {
      s.append("    bash  | ").append(k < la.length ? la[k] : "<end>").append('\n');
      s.append("    swamp | ").append(k < lb.length ? lb[k] : "<end>").append('\n');
    }
    return s.toString();
  }

  private static String read(Path f) {
    try {
      return new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
