package swamp.master.script;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The files as the script will see them: what exists now, plus what earlier lines will write,
 * minus what they will remove. Tests ({@code [ -f x ]}), globs and {@code ls} while planning look
 * here, so {@code ncea *_xy.nc avg.nc} after a loop that makes the {@code _xy} files sees them all.
 * Paths are absolute and normalized.
 */
final class PlannedFiles {

  /** Planned state of a path: true it will exist, false it will be gone. */
  private final Map<String, Boolean> planned = new HashMap<>();
  private final Set<String> plannedDirs = new HashSet<>();
  /** Planned files known to be empty when written ({@code : > log}). */
  private final Set<String> emptied = new HashSet<>();
  /** Planned files that are symbolic links ({@code ln -s}), and where each points (null: not known). */
  private final Map<String, String> links = new HashMap<>();
  /** Planned files a command's output goes to ({@code grep x > hits.txt}): they may be empty. */
  private final Set<String> streamed = new HashSet<>();
  /** Planned files whose whole text is known while planning: {@code cat > sub.sh <<EOF}. */
  private final Map<String, String> texts = new HashMap<>();
  /** Planned paths by their directory, for globs and ls. */
  private final Map<String, Set<String>> byParent = new HashMap<>();
  /**
   * Paths a command writes or removes only if an earlier job's status says so ({@code cmd && mv
   * tmp.nc out.nc}, {@code if ncks ...; then ...}): why, for the notes of what planning assumed.
   */
  private final Map<String, String> conditional = new HashMap<>();
  /** What planning assumed about such paths where a glob, test or {@code ls} saw them. */
  private final Set<String> assumed = new java.util.LinkedHashSet<>();
  /** The step that makes each planned file that was not there before it, and only that one. */
  private final Map<String, Marks.Made> made = new HashMap<>();

  /**
   * Whether {@code path} is there depends on a job's status ({@code why}), or, with {@code why}
   * null, no longer does: a later step writes or removes it whatever the statuses.
   */
  void conditional(String path, String why) {
    path = real(path);
    if (why == null) {
      conditional.remove(path);
    } else {
      conditional.put(path, why);
    }
  }

  /**
   * The step that makes {@code path}, which was not there before it ({@code made}), or, with
   * null, none that alone decides it (it was there, a later step writes it again or removes it).
   */
  void made(String path, Marks.Made made) {
    path = real(path);
    if (made == null) {
      this.made.remove(path);
    } else {
      this.made.put(path, made);
    }
  }

  /**
   * Every command planned so far has run ({@link Waits#awaitAll}): the files are as they are on
   * disk now, and what earlier lines write is known from there.
   */
  void settle() {
    planned.clear();
    plannedDirs.clear();
    emptied.clear();
    links.clear();
    streamed.clear();
    texts.clear();
    byParent.clear();
    conditional.clear();
    made.clear();
  }

  /** The step that makes {@code path}, where the plan has it there; null if none alone decides it. */
  Marks.Made madeBy(String path) {
    path = real(path);
    return Boolean.TRUE.equals(planned.get(path)) ? made.get(path) : null;
  }

  /** What globs, tests and {@code ls} while planning assumed of files whose being there a job decides. */
  List<String> assumed() {
    return List.copyOf(assumed);
  }

  /**
   * The script looks at {@code path} while planning (a glob matched it, a test or {@code ls} named
   * it): if a job's status decides whether it is there, note what planning assumed.
   */
  void consulted(String path) {
    path = real(path);
    String why = conditional.get(path);
    if (why != null) {
      assumed.add(path + " is planned as " + (Boolean.TRUE.equals(planned.get(path)) ? "there" : "gone") + "; " + why);
    }
  }

  void write(String path, boolean directory) {
    path = real(path);
    planned.put(path, true);
    emptied.remove(path);
    links.remove(path);
    streamed.remove(path);
    texts.remove(path);
    if (directory) {
      plannedDirs.add(path);
    }
    byParent.computeIfAbsent(parent(path), p -> new TreeSet<>()).add(name(path));
  }

  /**
   * An earlier line copies or moves the directory {@code from} to {@code to} ({@code mv run1
   * done}, {@code cp -r d copy}): what is beneath it, planned or on disk, is beneath {@code to}.
   */
  void copyTree(String from, String to) {
    from = realDirectory(from);
    to = real(to);
    List<String[]> copies = new ArrayList<>();
    for (Map.Entry<String, Boolean> e : planned.entrySet()) {
      if (e.getValue() && e.getKey().startsWith(from + "/")) {
        copies.add(new String[] {e.getKey(), plannedDirs.contains(e.getKey()) ? "d" : ""});
      }
    }
    if (Files.isDirectory(Path.of(from))) {
      try (Stream<Path> s = Files.walk(Path.of(from))) {
        s.skip(1).forEach(p -> copies.add(new String[] {p.toString(), Files.isDirectory(p) ? "d" : ""}));
      } catch (IOException | java.io.UncheckedIOException e) {
        // what cannot be read is not copied by cp or mv either
      }
    }
    write(to, true);
    for (String[] c : copies) {
      if (!Boolean.FALSE.equals(state(c[0]))) {
        write(to + c[0].substring(from.length()), !c[1].isEmpty());
      }
    }
  }

  /** An earlier line sends a command's output to {@code path}, which may stay empty. */
  void stream(String path) {
    path = real(path);
    write(path, false);
    streamed.add(path);
  }

  /** An earlier line makes {@code path} an empty file ({@code : > log}, {@code true > log}). */
  void empty(String path) {
    path = real(path);
    write(path, false);
    emptied.add(path);
  }

  void remove(String path) {
    path = real(path);
    planned.put(path, false);
    emptied.remove(path);
    streamed.remove(path);
    texts.remove(path);
    plannedDirs.remove(path);
    String prefix = path + "/";
    for (Map.Entry<String, Boolean> e : planned.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        e.setValue(false);
      }
    }
  }

  /** An earlier line writes {@code text}, known now, as the whole of {@code path}. */
  void written(String path, String text) {
    path = real(path);
    if (text.isEmpty()) {
      empty(path);
    } else {
      write(path, false);
    }
    texts.put(path, text);
  }

  /** The text an earlier line writes as the whole of {@code path}; null when not known. */
  String text(String path) {
    path = real(path);
    return texts.get(path);
  }

  /** True if an earlier line writes or removes this path or something beneath it. */
  /** An earlier line changes the file's mode ({@code chmod +x run.sh}), which it has once that ran. */
  void modeChanged(String path) {
    modesChanged.add(real(path));
  }

  /** Whether an earlier line changes the file's mode: its mode now is not the one it will have. */
  boolean modeChanges(String path) {
    return modesChanged.contains(real(path));
  }

  private final Set<String> modesChanged = new java.util.HashSet<>();

  boolean touched(String path) {
    path = real(path);
    if (planned.containsKey(path)) {
      return true;
    }
    String prefix = path.endsWith("/") ? path : path + "/";
    for (String p : planned.keySet()) {
      if (p.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  boolean exists(String path) {
    path = real(path);
    Boolean p = state(path);
    return p != null ? p : Files.exists(Path.of(path));
  }

  boolean isDirectory(String path) {
    return isDirectory(real(path), 0);
  }

  /** As bash's test sees it: a link to a directory is one; {@code hops} links followed so far. */
  private boolean isDirectory(String path, int hops) {
    Boolean p = state(path);
    if (p != null) {
      String target = links.get(path);
      if (p && target != null && hops < 40) { // 'ln -s run_v1 current': as run_v1 is
        return isDirectory(target, hops + 1);
      }
      return p && (plannedDirs.contains(path) || Files.isDirectory(Path.of(path)));
    }
    return Files.isDirectory(Path.of(path));
  }

  boolean isFile(String path) {
    path = real(path);
    return exists(path) && !isDirectory(path);
  }

  /**
   * Whether the file is there and not empty: a file a program writes (an NCO output) is, once
   * written; null when an earlier line sends a command's output there, which may be nothing.
   */
  Boolean nonEmpty(String path) {
    path = real(path);
    Boolean p = state(path);
    if (p != null) {
      return !p || emptied.contains(path) ? Boolean.FALSE : streamed.contains(path) ? null : Boolean.TRUE;
    }
    try {
      Path f = Path.of(path);
      return Files.exists(f) && (Files.isDirectory(f) || Files.size(f) > 0);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * An earlier line makes {@code path} a symbolic link ({@code ln -s}) to {@code target} (an
   * absolute path; null when not known).
   */
  void link(String path, String target) {
    path = real(path);
    write(path, false);
    links.put(path, target);
  }

  boolean isSymbolicLink(String path) {
    path = real(path);
    Boolean p = state(path);
    return p != null ? p && links.containsKey(path) : Files.isSymbolicLink(Path.of(path));
  }

  /** The names in a directory, existing and planned, sorted; hidden ones only when asked. */
  List<String> list(String dir, boolean hidden) {
    dir = realDirectory(dir);
    TreeSet<String> names = new TreeSet<>();
    Path d = Path.of(dir);
    if (Files.isDirectory(d)) {
      try (Stream<Path> s = Files.list(d)) {
        s.forEach(p -> names.add(p.getFileName().toString()));
      } catch (IOException | java.io.UncheckedIOException e) {
        // an unreadable directory lists nothing, as a glob in bash would
      }
    }
    names.addAll(byParent.getOrDefault(dir, Set.of()));
    List<String> out = new ArrayList<>();
    for (String n : names) {
      String full = dir.equals("/") ? "/" + n : dir + "/" + n;
      if ((hidden || !n.startsWith(".")) && exists(full)) {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * {@code path} as the file it names: a planned link among its directories ({@code ln -s run_v1
   * current}, then {@code current/T.nc}) replaced by where it points ({@code run_v1/T.nc}), so
   * that both names are one file to tests, globs and the order of the commands. The last name
   * stays: {@code current} itself is the link.
   */
  String real(String path) {
    if (links.isEmpty() || path.equals("/")) {
      return path;
    }
    String parent = realDirectory(parent(path));
    return (parent.equals("/") ? "" : parent) + "/" + name(path);
  }

  /**
   * {@code pwd -P}: the directory with every link in it resolved, those earlier lines make and
   * those on disk.
   */
  String physical(String dir) {
    String planned = realDirectory(dir);
    try {
      return Path.of(planned).toRealPath().toString();
    } catch (IOException e) { // made by an earlier line: not on disk yet
      return planned;
    }
  }

  /**
   * The links earlier lines make that {@code path} goes through ({@code latest} for {@code
   * latest/T.nc}), as the names of the links themselves: a command that reads through one comes
   * after the command that made it point where it points.
   */
  List<String> linksOn(String path) {
    if (links.isEmpty()) {
      return List.of();
    }
    List<String> on = new ArrayList<>();
    for (String anc = parent(path); !anc.equals("/") && !anc.isEmpty(); anc = parent(anc)) {
      String link = real(anc); // its directories resolved, its own name kept
      if (links.containsKey(link) && Boolean.TRUE.equals(planned.get(link))) {
        on.add(link);
      }
    }
    return on;
  }

  /**
   * What reading {@code path} reads: the path with every planned link in it, itself too, replaced
   * by where it points ({@code jan.nc} after {@code ln -s ccsm_01.nc jan.nc} is {@code ccsm_01.nc}).
   */
  String pointedTo(String path) {
    return realDirectory(path);
  }

  /** A directory's path with every planned link in it, itself too, replaced by where it points. */
  private String realDirectory(String dir) {
    for (int hops = 0; hops < 40 && !links.isEmpty(); hops++) {
      String resolved = null;
      for (String anc = dir; !anc.equals("/") && !anc.isEmpty(); anc = parent(anc)) {
        String target = links.get(anc);
        if (target != null && Boolean.TRUE.equals(planned.get(anc))) {
          resolved = target + dir.substring(anc.length());
          break;
        }
      }
      if (resolved == null) {
        return dir;
      }
      dir = resolved;
    }
    return dir;
  }

  /** The planned state of the path or of its nearest planned ancestor that was removed. */
  private Boolean state(String path) {
    Boolean p = planned.get(path);
    if (p != null) {
      return p;
    }
    for (String anc = parent(path); !anc.equals("/") && !anc.isEmpty(); anc = parent(anc)) {
      if (Boolean.FALSE.equals(planned.get(anc))) {
        return false;
      }
    }
    return null;
  }

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** {@code path} resolved against {@code dir}, with {@code . ..} and repeated slashes removed. */
  static String resolve(String dir, String path) {
    String full = path.startsWith("/") ? path : dir + "/" + path;
    List<String> segs = new ArrayList<>();
    for (String seg : full.split("/+")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (!segs.isEmpty()) {
          segs.remove(segs.size() - 1);
        }
        continue;
      }
      segs.add(seg);
    }
    return "/" + String.join("/", segs);
  }
}
