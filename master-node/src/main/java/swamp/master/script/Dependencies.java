package swamp.master.script;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import swamp.master.script.Plan.Command;
import swamp.master.script.Plan.Guard;
import swamp.protocol.Redirects;
import swamp.protocol.Stage;

/**
 * Which command of a plan waits for which, from the files each reads and writes, as SWAMP did for
 * NCO scripts.
 *
 * <p>Independent commands may run in parallel; a command waits for every earlier command it
 * conflicts with. Each command reads and writes a set of paths: those its argv names ({@link
 * ArgvFiles}) and its redirections ({@code > f} and {@code >> f} write {@code f}, {@code < f}
 * reads it). Command B depends on an earlier command A when B reads or writes what A writes, or
 * B writes what A reads. When A fails, B still runs, as under bash: it reads what is there (an
 * older copy of the file, or none, and then fails itself). A command that appends ({@code >> log}) writes the file and does not read it. Paths are resolved against the command's directory ({@code cd}), and a
 * directory conflicts with every path beneath it ({@code mkdir out} comes before {@code ncks
 * in.nc out/t.nc}). {@link Plan.Command#dependsOn()} is transitively reduced.
 */
final class Dependencies {

  /**
   * What a command reads and writes (absolute paths): {@code removes} are writes that delete
   * ({@code rm}, {@code mv}'s sources), {@code directories} writes that make directories.
   */
  record Access(Set<String> reads, Set<String> writes, Set<String> removes, Set<String> directories,
      Set<String> streams) {}

  /**
   * A planned command, what it touches, and the exit points it waits for besides: those of the
   * subshells and functions it is in ({@code f() { cmd || return 1; next; }}: {@code next} runs
   * only once it is known that the function did not return).
   */
  record Planned(Command command, Access access, Set<Integer> after) {
    Planned(Command command, Access access) {
      this(command, access, Set.of());
    }
  }

  private Dependencies() {}

  /** What a planned command reads and writes, as absolute paths. */
  static Access access(Command c) {
    Set<String> reads = new LinkedHashSet<>();
    Set<String> writes = new LinkedHashSet<>();
    Set<String> removes = new LinkedHashSet<>();
    Set<String> dirs = new LinkedHashSet<>();
    Set<String> streams = new LinkedHashSet<>();
    for (int i = 0; i < c.stages().size(); i++) {
      Stage s = c.stages().get(i);
      Redirects r = s.redirects();
      ArgvFiles a = ArgvFiles.of(s.argv(), i > 0 || (r != null && r.readsInput()));
      a.reads().forEach(p -> addResolved(reads, c.dir(), p));
      a.writes().forEach(p -> addResolved(writes, c.dir(), p));
      String program = s.argv().get(0).substring(s.argv().get(0).lastIndexOf('/') + 1);
      if (program.equals("rm") || program.equals("rmdir")) {
        a.writes().forEach(p -> addResolved(removes, c.dir(), p));
      } else if (program.equals("mv")) {
        a.writes().stream().filter(a.reads()::contains).forEach(p -> addResolved(removes, c.dir(), p));
      } else if (program.equals("mkdir") || program.equals("find")) { // find's: every path beneath them
        a.writes().forEach(p -> addResolved(dirs, c.dir(), p));
      }
      if (r != null) {
        addResolved(reads, c.dir(), r.stdin());
        addResolved(writes, c.dir(), r.stdout());
        addResolved(writes, c.dir(), r.stderr()); // '>> log' too: it keeps, but does not read, what is there
        addResolved(streams, c.dir(), r.stdout());
        addResolved(streams, c.dir(), r.stderr());
      }
    }
    return new Access(reads, writes, removes, dirs, streams);
  }

  private static void addResolved(Set<String> into, String dir, String path) {
    if (path != null && !path.isEmpty() && !path.equals("-")) {
      String abs = PlannedFiles.resolve(dir, path);
      if (!abs.equals("/dev") && !abs.startsWith("/dev/")) {
        into.add(abs);
      }
    }
  }

  // ---------------------------------------------------------------- dependencies

  /** The plan's commands with their dependencies worked out from what each reads and writes. */
  static List<Command> order(List<Planned> planned) {
    int n = planned.size();
    NavigableMap<String, List<Integer>> writers = new TreeMap<>();
    NavigableMap<String, List<Integer>> readers = new TreeMap<>();
    BitSet[] reach = new BitSet[n]; // reach[k]: every command k transitively waits for
    List<Command> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      Access a = planned.get(k).access();
      Command c = planned.get(k).command();
      TreeSet<Integer> conflicts = new TreeSet<>();
      for (String r : a.reads()) {
        collect(writers, r, conflicts);
      }
      for (String w : a.writes()) {
        collect(writers, w, conflicts);
        collect(readers, w, conflicts);
      }
      for (Guard g : c.guards()) {
        conflicts.add(g.step());
      }
      conflicts.addAll(planned.get(k).after());
      // the directory it runs in: made by an earlier 'mkdir -p logs' before 'cd logs'
      addAll(writers.get(c.dir()), conflicts);
      for (String anc : ArgvFiles.ancestors(c.dir())) {
        addAll(writers.get(anc), conflicts);
      }
      BitSet waits = new BitSet();
      Set<Integer> direct = new TreeSet<>();
      for (int d : conflicts.descendingSet()) {
        if (!waits.get(d)) {
          direct.add(d);
          waits.set(d);
          waits.or(reach[d]);
        }
      }
      reach[k] = waits;
      for (String r : a.reads()) {
        readers.computeIfAbsent(r, x -> new ArrayList<>()).add(k);
      }
      for (String w : a.writes()) {
        writers.computeIfAbsent(w, x -> new ArrayList<>()).add(k);
      }
      out.add(c.withDependencies(direct));
    }
    return List.copyOf(out);
  }

  private static void collect(NavigableMap<String, List<Integer>> index, String p, Set<Integer> into) {
    addAll(index.get(p), into);
    for (String anc : ArgvFiles.ancestors(p)) {
      addAll(index.get(anc), into);
    }
    if (p.equals(".") || p.equals("/")) { // every relative, or every absolute, path
      boolean absolute = p.equals("/");
      for (Map.Entry<String, List<Integer>> e : index.entrySet()) {
        if (e.getKey().startsWith("/") == absolute) {
          addAll(e.getValue(), into);
        }
      }
    } else {
      // '0' is the character after '/': this range is exactly the keys starting with p + "/"
      for (List<Integer> ks : index.subMap(p + "/", true, p + "0", false).values()) {
        addAll(ks, into);
      }
    }
  }

  private static void addAll(List<Integer> ks, Set<Integer> into) {
    if (ks != null) {
      into.addAll(ks);
    }
  }
}
