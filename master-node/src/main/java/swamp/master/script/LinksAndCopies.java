package swamp.master.script;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which files {@code cp}, {@code mv} and {@code ln} make beyond the paths their argv names
 * ({@link ArgvFiles}): the files beneath a directory that is copied or moved, the copies a command
 * does not make, and which link {@code ln -s} makes or replaces and where it points. {@link
 * PlannedJobs} asks it while planning a job, so that later lines see those files in the script's
 * {@link PlannedFiles}.
 */
final class LinksAndCopies {
  private LinksAndCopies() {}

  /**
   * {@code mv run1 done}, {@code cp -r d copy}: the files beneath a directory go with it. Returns
   * what the command does not make, though it might have: {@code copy/d} when {@code copy} is
   * no directory (which the files it writes, for the order, name), and the copy of a source that
   * is not there and that no earlier line writes ({@code cp ../run_199*.nc .} whose glob matched
   * nothing): cp and mv fail on it, so a later glob or test does not see a copy. {@code cwd}: the
   * directory the command runs in.
   */
  static Set<String> copiedTrees(List<String> argv, String cwd, PlannedFiles files) {
    String program = argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
    List<String> operands = new ArrayList<>();
    boolean recursive = program.equals("mv");
    boolean options = true;
    for (String a : argv.subList(1, argv.size())) {
      if (options && a.equals("--")) {
        options = false;
      } else if (options && a.startsWith("-") && a.length() > 1) {
        recursive |= a.matches("-[a-zA-Z]*[rRa][a-zA-Z]*") || a.equals("--recursive") || a.equals("--archive");
        if (a.startsWith("-t") || a.startsWith("--target-directory")) {
          return Set.of(); // 'cp -t DIR ...': rare enough to leave to the files' own writes
        }
      } else {
        operands.add(a);
      }
    }
    boolean link = program.equals("ln"); // 'ln -s 2000/06 out/latest': no link inside a latest that is no directory
    if (!(program.equals("mv") || program.equals("cp") || link) || operands.size() < 2) {
      return Set.of();
    }
    String target = PlannedFiles.resolve(cwd, operands.get(operands.size() - 1));
    boolean intoDirectory = operands.size() > 2 || files.isDirectory(target);
    Set<String> notThere = new HashSet<>();
    for (String source : operands.subList(0, operands.size() - 1)) {
      String from = PlannedFiles.resolve(cwd, source);
      if (!intoDirectory) {
        notThere.add(target + "/" + PlannedFiles.name(from));
      }
      if (link) {
        continue; // a symbolic link may point where nothing is yet
      }
      if (!files.exists(from)) {
        notThere.add(intoDirectory ? target + "/" + PlannedFiles.name(from) : target);
      }
      if (recursive && files.isDirectory(from)) {
        files.copyTree(from, intoDirectory ? target + "/" + PlannedFiles.name(from) : target);
      }
    }
    return notThere;
  }

  /** Whether {@code argv} is an {@code ln -s}, whose files are symbolic links. */
  static boolean symbolic(List<String> argv) {
    return !argv.isEmpty() && argv.get(0).equals("ln")
        && argv.stream().anyMatch(a -> a.equals("--symbolic") || a.matches("-[a-zA-Z]*s[a-zA-Z]*"));
  }

  /**
   * The link that {@code ln -sfn TARGET LINK} (or {@code -T}) replaces: LINK, when it is a
   * symbolic link already, which ln without -n would follow to make the new link inside the
   * directory it points to; null otherwise. {@code cwd}: the directory ln runs in.
   */
  static String relinked(List<String> ln, String cwd, PlannedFiles files) {
    boolean noDereference = ln.stream().anyMatch(a -> a.equals("--no-dereference")
        || a.equals("--no-target-directory") || a.matches("-[a-zA-Z]*[nT][a-zA-Z]*"));
    List<String> operands = ln.subList(1, ln.size()).stream().filter(a -> !a.startsWith("-")).toList();
    if (!noDereference || operands.size() != 2) {
      return null;
    }
    String link = PlannedFiles.resolve(cwd, operands.get(1));
    return files.isSymbolicLink(link) ? link : null;
  }

  /**
   * Where {@code ln -s ... } makes {@code link} point, as an absolute path: its target operand,
   * relative to the link's directory as a symbolic link's is; null when not known.
   */
  static String linkTarget(List<String> ln, String link) {
    if (ln.stream().anyMatch(a -> a.equals("-t") || a.startsWith("--target-directory"))) {
      return null;
    }
    List<String> operands = ln.subList(1, ln.size()).stream().filter(a -> !a.startsWith("-")).toList();
    String target = operands.size() == 2 ? operands.get(0) : operands.stream()
        .filter(o -> PlannedFiles.name(PlannedFiles.resolve("/", o)).equals(PlannedFiles.name(link)))
        .findFirst().orElse(null);
    return target == null ? null : PlannedFiles.resolve(PlannedFiles.parent(link), target);
  }
}
