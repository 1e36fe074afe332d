package swamp.master.script;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a command's argv reads and writes, as normalized paths relative to its directory,
 * inferred from the program: NCO operators' as {@link NcoFiles} reads them; {@code cp} and
 * {@code mv} write their destination ({@code mv} also its sources, which it removes); {@code
 * mkdir}, {@code touch}, {@code rm}, {@code rmdir}, {@code tee} write all their operands ({@code
 * chmod}, {@code chown}, {@code chgrp} their files), {@code
 * sort -o} its output, {@code find} with {@code -exec} or {@code -delete} its starting points;
 * {@code env}, {@code nice}, {@code timeout}, {@code nohup}, {@code setsid} and {@code stdbuf} what
 * the command they run does. The programs that write only where they are redirected ({@link
 * #READS_ONLY}) read every non-option word (and option value). Of any other program nothing is
 * known ({@code guessed}): each word that names a path ({@code out.nc}, {@code figs/}) may be
 * read or written, so it counts as both, and an interpreter's script ({@code python3 plot.py}) as
 * read.
 */
record ArgvFiles(Set<String> reads, Set<String> writes, boolean guessed) {

  /**
   * Programs that write no file their words name: the default allow-list's, and others like them.
   */
  private static final Set<String> READS_ONLY = Set.of("echo", "printf", "cat", "sleep", "wc", "head",
      "tail", "date", "grep", "egrep", "fgrep", "cut", "tr", "uniq", "paste", "seq", "basename", "dirname",
      "expr", "cmp", "diff", "true", "false", "ncdump", "awk", "gawk", "mawk", "nawk", "stat", "file",
      "pwd", "hostname", "whoami", "uname", "id",
      "nproc", "test", "[", "printenv", "realpath", "readlink", "column", "nl", "od", "comm", "join", "fold",
      "fmt", "rev", "tac", "bc", "numfmt", "which");

  /** Programs whose first operand is the script they run, which they read. */
  private static final Set<String> INTERPRETERS = Set.of("python", "python2", "python3", "Rscript", "R",
      "perl", "ruby", "julia", "ncl", "node", "octave", "bash", "sh", "tclsh", "lua", "php");

  /** A word that names a path: it has a '/' or ends in a file type ({@code .nc}, {@code .png}). */
  private static final Pattern PATH_LIKE = Pattern.compile("/|\\.[A-Za-z][A-Za-z0-9_]{0,7}$");


  /** Light textual normalization: no "." segments, no repeated or trailing slashes. */
  static String normalize(String path) {
    boolean absolute = path.startsWith("/");
    StringBuilder sb = new StringBuilder();
    for (String seg : path.split("/+")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(seg);
    }
    if (absolute) {
      return "/" + sb;
    }
    return sb.length() == 0 ? "." : sb.toString();
  }

  /**
   * What a command reads and writes as far as inference knows, as normalized paths. Reads are
   * every non-option word and option value that is not a write, plus files changed in place
   * (a lone {@code ncatted}/{@code ncrename} operand, an NCO output with {@code -A});
   * empty words and "-" are ignored.
   */
  static ArgvFiles of(List<String> argv) {
    return of(argv, false);
  }

  /**
   * As {@link #of(List)}; {@code stdinIsInput}: the command's standard input is a pipe or a file,
   * where NCO's multi-file operators read their input files' names when the command line names
   * only the output ({@code ls gm_*.nc | ncrcat -O all.nc}).
   */
  static ArgvFiles of(List<String> argv, boolean stdinIsInput) {
    if (argv.isEmpty()) {
      return new ArgvFiles(Set.of(), Set.of(), false);
    }
    List<String> wrapped = swamp.protocol.Launchers.wrapped(argv);
    if (wrapped != null) { // 'nice -n 10 ncks ...', 'env OMP_NUM_THREADS=1 ncwa ...': what it runs
      return of(wrapped, stdinIsInput);
    }
    String program = argv.get(0);
    program = program.substring(program.lastIndexOf('/') + 1);
    List<String> args = argv.subList(1, argv.size());
    Set<String> reads = new LinkedHashSet<>();
    Set<String> writes = new LinkedHashSet<>();
    boolean guessed = false;
    if (argv.get(0).contains("/")) {
      add(reads, argv.get(0)); // './helper.sh': the program itself, which an earlier line may write
    }

    if (NcoFiles.isOperator(program)) {
      NcoFiles.Words nco = NcoFiles.of(program, args, stdinIsInput);
      nco.reads().forEach(r -> add(reads, r));
      nco.writes().forEach(w -> add(writes, w));
    } else {
      switch (program) {
        case "cp", "mv", "ln" -> { // 'ln -s in/a.nc work/': as cp, a link where the copy would be
          GetoptWords.Parsed p = GetoptWords.parse(args, "St", Set.of("suffix", "target-directory"));
          List<String> sources = new ArrayList<>(p.positionals());
          String target = p.last("t", "target-directory");
          boolean noTargetDir = p.has("T", "no-target-directory");
          if (target == null && !sources.isEmpty()) {
            target = sources.remove(sources.size() - 1);
          }
          if (target != null) {
            add(writes, target);
            if (!noTargetDir) {
              for (String s : sources) {
                String base = normalize(s);
                base = base.substring(base.lastIndexOf('/') + 1);
                add(writes, target + "/" + base); // target may be a directory
              }
            }
          }
          for (String s : sources) {
            add(reads, s);
            if (program.equals("mv")) { // it reads the source and removes it (Dependencies)
              add(writes, s);
            }
          }
          addValues(p, reads, writes);
        }
        case "mkdir" -> {
          GetoptWords.Parsed p = GetoptWords.parse(args, "m", Set.of("mode", "context"));
          boolean parents = p.has("p", "parents");
          for (String d : p.positionals()) {
            add(writes, d);
            if (parents) {
              for (String anc : ancestors(normalize(d))) {
                if (!anc.equals(".") && !anc.equals("/")) {
                  add(writes, anc);
                }
              }
            }
          }
          addValues(p, reads, writes);
        }
        case "sed" -> sed(args, reads, writes);
        case "find" -> find(args, reads, writes);
        case "tee" -> {
          GetoptWords.Parsed p = GetoptWords.parse(args, "", Set.of());
          p.positionals().forEach(f -> add(writes, f));
        }
        case "sort" -> {
          GetoptWords.Parsed p = GetoptWords.parse(args, "kotST", Set.of("key", "output", "field-separator", "buffer-size",
              "temporary-directory", "parallel", "compress-program", "files0-from"));
          String o = p.last("o", "output");
          if (o != null) {
            add(writes, o);
          }
          p.positionals().forEach(f -> add(reads, f));
        }
        case "touch" -> {
          GetoptWords.Parsed p = GetoptWords.parse(args, "dtr", Set.of("date", "reference", "time"));
          p.positionals().forEach(f -> add(writes, f));
          addValues(p, reads, writes);
        }
        case "chmod", "chown", "chgrp" -> { // written for their order, their text as it was
          GetoptWords.Parsed p = GetoptWords.parse(args, "", Set.of("reference", "from"));
          List<String> operands = p.positionals();
          boolean modeGiven = p.last("reference") == null
              && !(program.equals("chmod") && args.stream().anyMatch(a -> a.matches("-[rwxXst]+")));
          operands.subList(modeGiven ? Math.min(1, operands.size()) : 0, operands.size()).forEach(f -> add(writes, f));
          addValues(p, reads, writes);
        }
        case "rm", "rmdir" -> {
          GetoptWords.Parsed p = GetoptWords.parse(args, "", Set.of());
          p.positionals().forEach(f -> add(writes, f));
        }
        case "ncgen" -> {
          GetoptWords.Parsed p = GetoptWords.parse(args, "DkLlMNoBW", Set.of());
          String o = p.last("o");
          String language = p.last("l");
          boolean binary = p.has("b", "3", "4", "5", "6", "7") || p.last("k") != null
              || "b".equals(language) || "nc3".equals(language) || "nc4".equals(language);
          if (o == null && binary && !p.positionals().isEmpty()) {
            String cdl = normalize(p.positionals().get(p.positionals().size() - 1)); // 'ncgen -b grid.cdl':
            String stem = cdl.substring(cdl.lastIndexOf('/') + 1).replaceFirst("\\.[^.]*$", "");
            o = stem + ".nc"; // grid.nc, in the directory it runs in
          }
          if (o != null) {
            add(writes, o);
          }
          p.positionals().forEach(f -> add(reads, f));
          addValues(p, reads, writes);
        }
        case "nccopy" -> { // 'nccopy [-k kind] [-d n] [-c spec] ... in.nc out.nc': it writes the last
          GetoptWords.Parsed p = GetoptWords.parse(args, "kdcvVgGmheFLM", Set.of());
          List<String> files = p.positionals();
          if (!files.isEmpty()) {
            add(writes, files.get(files.size() - 1));
            files.subList(0, files.size() - 1).forEach(f -> add(reads, f));
          }
        }
        case "md5sum", "sha1sum", "sha256sum", "sha512sum", "b2sum", "cksum" -> {
          // '-c MANIFEST' reads the files MANIFEST lists, which the plan does not know: as those
          // are most often beside it, every file of the directory it runs in
          boolean check = false;
          for (String a : args) {
            if (a.equals("--check") || a.matches("-[a-z]*c[a-z]*")) {
              check = true;
            } else if (!a.startsWith("-")) {
              add(reads, a);
            }
          }
          if (check) {
            reads.add(".");
          }
        }
        case "ls", "du" -> { // with no operand, the directory it runs in
          GetoptWords.Parsed p = GetoptWords.parse(args, "IwT", Set.of("ignore", "hide", "width", "tabsize", "block-size"));
          p.positionals().forEach(f -> add(reads, f));
          if (p.positionals().isEmpty()) {
            reads.add(".");
          }
        }
        default -> {
          if (!READS_ONLY.contains(program)) {
            guessed = true;
            unknown(program, args, reads, writes);
            break;
          }
          for (String a : args) {
            if (!a.startsWith("-")) {
              add(reads, a);
            } else {
              int eq = a.indexOf('=');
              if (a.startsWith("--") && eq > 0) {
                add(reads, a.substring(eq + 1));
              }
            }
          }
        }
      }
    }
    return new ArgvFiles(Collections.unmodifiableSet(reads), Collections.unmodifiableSet(writes), guessed);
  }

  /**
   * A program swamp does not know ({@code cdo timmean in.nc out.nc}, {@code python3 plot.py
   * gm.nc figs/gm.png}): each word that names a path, or the value of an option that does
   * ({@code --output=fig.png}), may be read or written by it, so it counts as both, and the
   * commands before and after that touch it run before and after this one, as in bash. The
   * script an interpreter runs, its first operand, is read.
   */
  private static void unknown(String program, List<String> args, Set<String> reads, Set<String> writes) {
    boolean script = INTERPRETERS.contains(program.replaceFirst("[0-9.]+$", ""));
    for (String a : args) {
      String word = a;
      if (a.startsWith("-")) {
        int eq = a.indexOf('=');
        if (eq < 0) {
          continue;
        }
        word = a.substring(eq + 1);
      } else if (script) {
        script = false;
        add(reads, a);
        continue;
      }
      add(reads, word);
      if (PATH_LIKE.matcher(word).find()) {
        add(writes, word);
      }
    }
  }

  /** find's actions that change files or run a command on them. */
  private static final Pattern FIND_CHANGES = Pattern.compile("-(exec|execdir|ok|okdir|delete|fprint0?|fprintf|fls)");

  /**
   * find's starting points (by default {@code .}): read, or, where an action may change what is
   * beneath them ({@code -exec ncatted ... {} ;}, {@code -delete}), written as directories are
   * (so that what comes after waits for it, as bash's next line does).
   */
  private static void find(List<String> args, Set<String> reads, Set<String> writes) {
    int i = 0;
    while (i < args.size() && args.get(i).matches("-[HLP]|-D|-O[0-9]*")) {
      i += args.get(i).equals("-D") ? 2 : 1;
    }
    List<String> starts = new ArrayList<>();
    for (; i < args.size() && !args.get(i).startsWith("-") && !args.get(i).equals("(") && !args.get(i).equals("!"); i++) {
      starts.add(args.get(i));
    }
    boolean changes = args.subList(i, args.size()).stream().anyMatch(a -> FIND_CHANGES.matcher(a).matches());
    for (String start : starts.isEmpty() ? List.of(".") : starts) {
      add(changes ? writes : reads, start);
    }
    for (int j = i; j + 1 < args.size(); j++) { // '-newer ../stamp': its time is read
      if (FindTimes.reference(args.get(j))) {
        add(reads, args.get(j + 1));
      }
    }
  }

  /**
   * {@code sed [-n] [-E] [-i[SUFFIX]] [-e SCRIPT]... [-f FILE]... [SCRIPT] FILE...}: it reads its
   * files and a script's files ({@code -f}); with {@code -i} it writes each file in place, and
   * its backup where a suffix names one ({@code -i.bak}: {@code f.txt.bak}; a {@code *} in it
   * stands for the file's name). The first operand is the script unless {@code -e} or {@code -f}
   * gave one. A worker runs sed in its sandbox, so no file comes from its commands ({@code w}).
   */
  private static void sed(List<String> args, Set<String> reads, Set<String> writes) {
    boolean script = false;
    String inPlace = null; // "" in place, else the backup's suffix
    List<String> files = new ArrayList<>();
    boolean optionsEnded = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (optionsEnded || a.length() < 2 || a.charAt(0) != '-') {
        files.add(a);
      } else if (a.equals("--")) {
        optionsEnded = true;
      } else if (a.startsWith("--")) {
        int eq = a.indexOf('=');
        String name = eq > 0 ? a.substring(2, eq) : a.substring(2);
        String value = eq > 0 ? a.substring(eq + 1) : null;
        switch (name) {
          case "expression", "file", "line-length" -> {
            if (value == null && i + 1 < args.size()) {
              value = args.get(++i);
            }
            script |= !name.equals("line-length");
            if (name.equals("file") && value != null) {
              add(reads, value);
            }
          }
          case "in-place" -> inPlace = value == null ? "" : value;
          default -> { } // --quiet, --regexp-extended, --separate, --null-data, --sandbox...
        }
      } else {
        for (int j = 1; j < a.length(); j++) {
          char c = a.charAt(j);
          if (c == 'e' || c == 'f' || c == 'l') {
            String value = j + 1 < a.length() ? a.substring(j + 1) : i + 1 < args.size() ? args.get(++i) : null;
            script |= c != 'l';
            if (c == 'f' && value != null) {
              add(reads, value);
            }
            break;
          }
          if (c == 'i') {
            inPlace = a.substring(j + 1);
            break;
          }
        }
      }
    }
    if (!script && !files.isEmpty()) {
      files.remove(0);
    }
    for (String f : files) {
      add(reads, f);
      if (inPlace != null) {
        add(writes, f);
        if (!inPlace.isEmpty()) {
          String dir = f.contains("/") ? f.substring(0, f.lastIndexOf('/') + 1) : "";
          add(writes, inPlace.contains("*")
              ? (inPlace.contains("/") ? "" : dir) + inPlace.replace("*", f.substring(f.lastIndexOf('/') + 1))
              : f + inPlace);
        }
      }
    }
  }

  /** Option values count as reads unless already written. */
  private static void addValues(GetoptWords.Parsed p, Set<String> reads, Set<String> writes) {
    for (GetoptWords.Opt opt : p.options()) {
      if (opt.value() != null && !writes.contains(normalizeOrNull(opt.value()))) {
        add(reads, opt.value());
      }
    }
  }

  private static String normalizeOrNull(String word) {
    return word.isEmpty() || word.equals("-") ? null : normalize(word);
  }

  private static void add(Set<String> into, String word) {
    String n = normalizeOrNull(word);
    if (n != null) {
      into.add(n);
    }
  }

  /** The directories above a path, nearest first, ending with "." or "/". */
  static List<String> ancestors(String p) {
    List<String> result = new ArrayList<>();
    if (p.equals(".") || p.equals("/")) {
      return result;
    }
    String q = p;
    int slash;
    while ((slash = q.lastIndexOf('/')) > 0) {
      q = q.substring(0, slash);
      result.add(q);
    }
    result.add(p.startsWith("/") ? "/" : ".");
    return result;
  }}
