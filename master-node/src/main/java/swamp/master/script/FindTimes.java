package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import swamp.protocol.Stage;

/**
 * {@code find DIR -newer STAMP}: which files it prints depends on when each was written, which
 * under bash is the script's order and under swamp the order its jobs happen to run in, where
 * their files do not tie them. Where an earlier line writes STAMP (at the time it runs: {@code
 * touch stamp}, not {@code touch -d 2000-01-01 stamp}) and earlier lines write files beneath the
 * starting points too, the answer is known only once they have run in bash's order: refused.
 */
final class FindTimes {

  /** An option whose value is a file whose time find compares with: {@code -newer}, {@code -anewer}, {@code -newermm}. */
  private static final Pattern REFERENCE = Pattern.compile("-[ac]?newer|-newer[aBcm][aBcm]");
  /** {@code touch}'s options that set a time of their own. */
  private static final Pattern OWN_TIME = Pattern.compile("-[a-zA-Z]*[dtr].*|--date(=.*)?|--reference(=.*)?");

  private FindTimes() {}

  static boolean reference(String word) {
    return REFERENCE.matcher(word).matches();
  }

  static void check(List<Stage> stages, String cwd, List<Dependencies.Planned> planned, int line) {
    for (Stage s : stages) {
      List<String> argv = s.argv();
      if (!argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1).equals("find")) {
        continue;
      }
      int i = 1;
      while (i < argv.size() && argv.get(i).matches("-[HLP]|-D|-O[0-9]*")) {
        i += argv.get(i).equals("-D") ? 2 : 1;
      }
      List<String> starts = new ArrayList<>();
      for (; i < argv.size() && !argv.get(i).startsWith("-") && !argv.get(i).equals("(") && !argv.get(i).equals("!"); i++) {
        starts.add(PlannedFiles.resolve(cwd, argv.get(i)));
      }
      if (starts.isEmpty()) {
        starts.add(PlannedFiles.resolve(cwd, "."));
      }
      for (int j = i; j + 1 < argv.size(); j++) {
        if (reference(argv.get(j))) {
          check(argv.get(j) + " " + argv.get(j + 1), PlannedFiles.resolve(cwd, argv.get(j + 1)), starts, planned, line);
        }
      }
    }
  }

  private static void check(String option, String stamp, List<String> starts, List<Dependencies.Planned> planned, int line) {
    Dependencies.Planned writer = null;
    for (int k = planned.size() - 1; k >= 0 && writer == null; k--) {
      if (planned.get(k).access().writes().contains(stamp)) {
        writer = planned.get(k);
      }
    }
    if (writer == null || ownTime(writer)) {
      return;
    }
    for (Dependencies.Planned p : planned) {
      for (String w : p.access().writes()) {
        if (!w.equals(stamp) && starts.stream().anyMatch(st -> w.equals(st) || w.startsWith(st.endsWith("/") ? st : st + "/"))) {
          throw Refusal.at(line, "'find ... " + option + "' compares files' times, and earlier lines of the script"
              + " write both the stamp (line " + writer.command().line() + ") and files find looks at (line "
              + p.command().line() + "): which is newer is known only once they have run in the script's order."
              + " Give the stamp a time of its own (touch -d ...), or split the script in two at that point");
        }
      }
    }
  }

  /** {@code touch -d '2000-01-01' stamp}, {@code touch -r ref stamp}: a time of its own, not when it runs. */
  private static boolean ownTime(Dependencies.Planned p) {
    if (p.command().stages().size() != 1) {
      return false;
    }
    List<String> argv = p.command().stages().get(0).argv();
    return argv.get(0).equals("touch") && argv.stream().skip(1).anyMatch(a -> OWN_TIME.matcher(a).matches());
  }
}
