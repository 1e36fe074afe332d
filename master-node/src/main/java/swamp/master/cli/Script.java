package swamp.master.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The parsing and planning half of {@code bin/swamp run SCRIPT}: turns a script file into commands
 * and the order they must keep. No HTTP, no actors, no filesystem access beyond reading the file.
 *
 * <h2>Words</h2>
 * A script line is one command, split into words as a POSIX shell splits them, without any
 * expansion: single quotes keep everything literally; inside double quotes a backslash escapes
 * only {@code \ " $ `} (and a newline); outside quotes a backslash escapes the next character;
 * unquoted blanks (space, tab) separate words; {@code #} starts a comment only at the start of a
 * word; {@code ''} is an empty word. {@code $VAR}, {@code *.nc} and {@code ~} stay literal. A
 * backslash at the very end of a line continues the command on the next line, as in a shell (the
 * command keeps the number of its first line). Blank lines and comment lines are skipped.
 * Unquoted shell operators ({@code | & ; < > ( )}, alone or inside a word, e.g. {@code 2>&1})
 * are refused: each line runs as one process, never through a shell.
 *
 * <h2>Order</h2>
 * Independent lines may run in parallel; a line waits for every earlier line it conflicts with, as
 * SWAMP did for NCO scripts. Each command reads and writes a set of paths, inferred from its argv
 * only (see {@link #access(List)}): NCO operators write their {@code -o}/{@code --output}/
 * {@code --fl_out} file or else their last positional argument (when there are at least two);
 * {@code ncatted}/{@code ncrename} with a single file change it in place; {@code cp} and
 * {@code mv} write their destination ({@code mv} also its sources, which it removes);
 * {@code mkdir}, {@code touch}, {@code rm}, {@code rmdir} write all their operands. Every other
 * non-option word (and option value) counts as read. Line B depends on an earlier line A when B
 * reads or writes what A writes, or B writes what A reads. Paths are compared textually after
 * light normalization ({@code ./x.nc} is {@code x.nc}, {@code a//b/} is {@code a/b}), and a
 * directory conflicts with every path beneath it ({@code mkdir out} comes before
 * {@code ncks in.nc out/t.nc}). {@link Command#dependsOn()} is transitively reduced: waiting for
 * the lines it lists implies every conflicting earlier line has finished.
 */
public final class Script {

  /**
   * One command of a script.
   *
   * @param line      1-based line of the file where the command starts
   * @param argv      the program and its arguments, never empty; argv.get(0) is not empty
   * @param dependsOn file line numbers of earlier commands that must finish first (sorted)
   */
  public record Command(int line, List<String> argv, Set<Integer> dependsOn) {
    public Command {
      argv = List.copyOf(argv);
      dependsOn = Collections.unmodifiableSet(new TreeSet<>(dependsOn));
    }
  }

  /** A script that cannot be run as written; the message names the line and the problem. */
  public static final class ParseException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final String problem;

    public ParseException(int line, String problem) {
      super(line > 0 ? "line " + line + ": " + problem : problem);
      this.line = line;
      this.problem = problem;
    }

    /** The 1-based file line, or 0 when unknown (a lone {@link #split(String)}). */
    public int line() {
      return line;
    }

    /** The problem without the line prefix. */
    public String problem() {
      return problem;
    }
  }

  /** What inference knows a command reads and writes (normalized paths). */
  record Access(Set<String> reads, Set<String> writes) {}

  private static final String OPERATOR_CHARS = "|&;<>()";

  private Script() {}

  // ---------------------------------------------------------------- parsing

  /** Parses a script file (UTF-8). */
  public static List<Command> parse(Path file) throws IOException, ParseException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** Parses the whole text of a script into commands with their dependencies. */
  public static List<Command> parse(String text) throws ParseException {
    String[] lines = text.split("\n", -1);
    List<Integer> lineNos = new ArrayList<>();
    List<List<String>> argvs = new ArrayList<>();
    int i = 0;
    while (i < lines.length) {
      int start = i + 1;
      String logical = stripCr(lines[i]);
      i++;
      List<String> words;
      while ((words = tokenize(logical, start, true)) == null) {
        if (i >= lines.length) {
          throw new ParseException(start, "backslash at the end of the file: nothing to continue");
        }
        logical = logical.substring(0, logical.length() - 1) + stripCr(lines[i]);
        i++;
      }
      if (words.isEmpty()) {
        continue;
      }
      if (words.get(0).isEmpty()) {
        throw new ParseException(start, "empty command name");
      }
      lineNos.add(start);
      argvs.add(words);
    }
    return plan(lineNos, argvs);
  }

  /** Splits one line into words; error messages carry no line number. */
  public static List<String> split(String line) throws ParseException {
    return split(line, 0);
  }

  /** Splits one line into words; error messages name {@code lineNo} when it is positive. */
  public static List<String> split(String line, int lineNo) throws ParseException {
    return tokenize(stripCr(line), lineNo, false);
  }

  private static String stripCr(String s) {
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  /**
   * Splits one logical line. Returns null when {@code continuation} is allowed and the line ends
   * with a backslash that escapes the newline (outside quotes or inside double quotes).
   */
  private static List<String> tokenize(String s, int lineNo, boolean continuation) throws ParseException {
    List<String> words = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inWord = false;
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t') {
        if (inWord) {
          words.add(cur.toString());
          cur.setLength(0);
          inWord = false;
        }
        i++;
      } else if (c == '#' && !inWord) {
        break;
      } else if (c == '\\') {
        if (i + 1 >= n) {
          if (continuation) {
            return null;
          }
          throw new ParseException(lineNo, "trailing backslash: nothing to escape");
        }
        cur.append(s.charAt(i + 1));
        inWord = true;
        i += 2;
      } else if (c == '\'') {
        int end = s.indexOf('\'', i + 1);
        if (end < 0) {
          throw new ParseException(lineNo, "unterminated single quote");
        }
        cur.append(s, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        inWord = true;
        i++;
        boolean closed = false;
        while (i < n) {
          char d = s.charAt(i);
          if (d == '"') {
            closed = true;
            i++;
            break;
          }
          if (d == '\\' && i + 1 < n) {
            char e = s.charAt(i + 1);
            if (e == '\\' || e == '"' || e == '$' || e == '`') {
              cur.append(e);
              i += 2;
              continue;
            }
          } else if (d == '\\' && continuation) {
            return null; // backslash-newline inside double quotes is removed
          }
          cur.append(d);
          i++;
        }
        if (!closed) {
          throw new ParseException(lineNo, "unterminated double quote");
        }
      } else if (OPERATOR_CHARS.indexOf(c) >= 0) {
        int j = i;
        while (j < n && OPERATOR_CHARS.indexOf(s.charAt(j)) >= 0) {
          j++;
        }
        throw new ParseException(lineNo, "'" + s.substring(i, j) + "' is a shell operator;"
            + " swamp runs each line as one command without a shell"
            + " (quote it to pass it as an argument)");
      } else {
        cur.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      words.add(cur.toString());
    }
    return words;
  }

  // ---------------------------------------------------------------- planning

  private static List<Command> plan(List<Integer> lineNos, List<List<String>> argvs) {
    int n = argvs.size();
    // exact path -> indices of commands that write / read it
    NavigableMap<String, List<Integer>> writers = new TreeMap<>();
    NavigableMap<String, List<Integer>> readers = new TreeMap<>();
    BitSet[] reach = new BitSet[n]; // reach[k]: every command k transitively waits for
    List<Command> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      Access a = access(argvs.get(k));
      TreeSet<Integer> conflicts = new TreeSet<>();
      for (String r : a.reads()) {
        collect(writers, r, conflicts);
      }
      for (String w : a.writes()) {
        collect(writers, w, conflicts);
        collect(readers, w, conflicts);
      }
      BitSet waits = new BitSet();
      Set<Integer> direct = new TreeSet<>();
      for (int d : conflicts.descendingSet()) {
        if (!waits.get(d)) {
          direct.add(lineNos.get(d));
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
      out.add(new Command(lineNos.get(k), argvs.get(k), direct));
    }
    return List.copyOf(out);
  }

  /** Adds the commands in {@code index} at {@code p}, at its ancestors, and beneath it. */
  private static void collect(NavigableMap<String, List<Integer>> index, String p, Set<Integer> into) {
    addAll(index.get(p), into);
    for (String anc : ancestors(p)) {
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

  private static List<String> ancestors(String p) {
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
  }

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

  // ---------------------------------------------------------------- inference

  private static final Set<String> NCO = Set.of("ncks", "ncra", "ncrcat", "ncea", "nces", "ncecat", "ncbo",
      "ncdiff", "ncflint", "ncpdq", "ncwa", "ncap2", "ncatted", "ncrename", "ncremap", "ncclimo", "ncap");

  /** Short options that take a value, per NCO operator (from each operator's getopt string). */
  private static final Map<String, String> NCO_SHORT_VALUES = Map.ofEntries(
      Map.entry("ncks", "bDdGgLlopstvX"),
      Map.entry("ncra", "DdGgLlnopPtvXYyw"),
      Map.entry("ncrcat", "DdGgLlnopPtvXYyw"),
      Map.entry("ncea", "DdGgLlnopPtvXYyw"),
      Map.entry("nces", "DdGgLlnopPtvXYyw"),
      Map.entry("ncecat", "DdGgLlnoptuvX"),
      Map.entry("ncbo", "DdGgLlnoptvXy"),
      Map.entry("ncdiff", "DdGgLlnoptvXy"),
      Map.entry("ncflint", "DdGgiLloptvwX"),
      Map.entry("ncpdq", "aDdGgLlMoPptvX"),
      Map.entry("ncwa", "aBDdGgLlMmopTtvwXy"),
      Map.entry("ncap2", "DLlnopSst"),
      Map.entry("ncap", "DLlnopSst"),
      Map.entry("ncatted", "aDlop"),
      Map.entry("ncrename", "aDdglopv"),
      Map.entry("ncremap", "aDdfgGhIijLmnOoPpRrsTtuVvWwx"),
      Map.entry("ncclimo", "aCcdEefhijLlmnOoPpRrSstvXxYy"));

  /** Long options of the NCO C operators that take their value as the next word. */
  private static final Set<String> NCO_LONG_VALUES = Set.of(
      "output", "fl_out", "variable", "var", "dimension", "dmn", "path", "pth", "local", "lcl",
      "debug", "dbg_lvl", "thr_nbr", "threads", "omp_num_threads", "operation", "op_typ", "average", "avg",
      "weight", "wgt", "wgt_var", "mask_condition", "msk_cnd_sng", "msk_cnd", "mask-variable",
      "mask_variable", "mask", "msk_var", "msk_nm", "mask-value", "mask_value", "msk_val",
      "mask_comparator", "msk_cmp_typ", "op_rlt", "dfl_lvl", "deflate", "nintap", "script", "spt",
      "script-file", "fl_spt", "attribute", "att", "grp", "group", "gpe", "auxiliary", "aux", "ulm_nm",
      "rcd_nm", "pck_map", "pack_map", "map", "pck_plc", "pack_policy", "arrange", "permute", "reorder",
      "rdr", "interpolate", "ntp", "fl_bnr", "binary-file", "string", "sng_fmt", "fmt_val", "bfr_sz_hnt",
      "buffer_size_hint", "bfr", "cnk_byt", "chunk_byte", "cnk_csh", "chunk_cache", "cnk_dmn",
      "chunk_dimension", "cnk_map", "chunk_map", "cnk_min", "chunk_min", "cnk_plc", "chunk_policy",
      "cnk_scl", "chunk_scalar", "cmp", "compression", "dt_fmt", "date_format", "fix_rec_dmn", "fl_fmt",
      "file_format", "glb", "gaa", "glb_att_add", "hdr_pad", "header_pad", "jsn_fmt", "json_format",
      "mk_rec_dmn", "ppc", "quantize", "rnr", "rgr", "regridding", "vrt_in", "vrt_out", "xml_spr_chr",
      "xml_spr_nmr", "xtn_var", "extensive", "cb", "clm_bnd");

  /** Long names (with '=' for ncremap/ncclimo) whose value is an output of an NCO operator. */
  private static final Set<String> NCO_OUTPUT_LONGS = Set.of("output", "fl_out", "out_fl", "output_file",
      "out_file", "drc_out", "out_drc", "dir_out", "out_dir");

  /** One option occurrence: its name ("o" or "output") and value (null for a flag). */
  private record Opt(String name, String value) {}

  private record Parsed(List<String> positionals, List<Opt> options) {
    String last(String... names) {
      String v = null;
      for (Opt o : options) {
        for (String name : names) {
          if (o.name().equals(name) && o.value() != null) {
            v = o.value();
          }
        }
      }
      return v;
    }

    boolean has(String... names) {
      for (Opt o : options) {
        for (String name : names) {
          if (o.name().equals(name)) {
            return true;
          }
        }
      }
      return false;
    }
  }

  /** getopt_long-style parsing: options anywhere, clustered short flags, "--" ends options. */
  private static Parsed parseOptions(List<String> args, String shortValues, Set<String> longValues) {
    List<String> positionals = new ArrayList<>();
    List<Opt> options = new ArrayList<>();
    boolean optionsEnded = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (optionsEnded || a.length() < 2 || a.charAt(0) != '-') {
        positionals.add(a);
      } else if (a.equals("--")) {
        optionsEnded = true;
      } else if (a.startsWith("--")) {
        int eq = a.indexOf('=');
        if (eq >= 0) {
          options.add(new Opt(a.substring(2, eq), a.substring(eq + 1)));
        } else {
          String name = a.substring(2);
          if (longValues.contains(name) && i + 1 < args.size()) {
            options.add(new Opt(name, args.get(++i)));
          } else {
            options.add(new Opt(name, null));
          }
        }
      } else {
        for (int j = 1; j < a.length(); j++) {
          char c = a.charAt(j);
          if (shortValues.indexOf(c) >= 0) {
            String value = null;
            if (j + 1 < a.length()) {
              value = a.substring(j + 1);
              if (value.startsWith("=")) {
                value = value.substring(1); // -o=FILE, as NCO accepts
              }
            } else if (i + 1 < args.size()) {
              value = args.get(++i);
            }
            options.add(new Opt(String.valueOf(c), value));
            break;
          }
          options.add(new Opt(String.valueOf(c), null));
        }
      }
    }
    return new Parsed(positionals, options);
  }

  /**
   * What a command reads and writes as far as inference knows, as normalized paths. Reads are
   * every non-option word and option value that is not a write, plus files changed in place
   * (a lone {@code ncatted}/{@code ncrename} operand, an NCO output with {@code -A});
   * empty words and "-" are ignored.
   */
  static Access access(List<String> argv) {
    if (argv.isEmpty()) {
      return new Access(Set.of(), Set.of());
    }
    String program = argv.get(0);
    program = program.substring(program.lastIndexOf('/') + 1);
    List<String> args = argv.subList(1, argv.size());
    Set<String> reads = new LinkedHashSet<>();
    Set<String> writes = new LinkedHashSet<>();

    if (NCO.contains(program)) {
      Parsed p = parseOptions(args, NCO_SHORT_VALUES.get(program), NCO_LONG_VALUES);
      List<String> outs = new ArrayList<>();
      String o = p.last("o");
      for (Opt opt : p.options()) {
        if (opt.value() != null && NCO_OUTPUT_LONGS.contains(opt.name())) {
          outs.add(opt.value());
        }
      }
      if (o != null) {
        outs.add(o);
      }
      if ((program.equals("ncremap") || program.equals("ncclimo")) && p.last("O") != null) {
        outs.add(p.last("O")); // output (regridded) directory
      }
      List<String> inputs = new ArrayList<>(p.positionals());
      boolean inPlace = false;
      if (outs.isEmpty()) {
        if (p.positionals().size() >= 2) {
          outs.add(inputs.remove(inputs.size() - 1));
        } else if (p.positionals().size() == 1
            && (program.equals("ncatted") || program.equals("ncrename"))) {
          outs.add(inputs.get(0));
          inPlace = true;
        }
      }
      String dir = p.last("p", "path", "pth");
      for (String in : inputs) {
        add(reads, in);
        if (dir != null && !in.startsWith("/")) {
          add(reads, dir + "/" + in); // -p: input files are found under this path
        }
      }
      for (Opt opt : p.options()) {
        if (opt.value() != null && !outs.contains(opt.value())) {
          add(reads, opt.value());
        }
      }
      for (String out : outs) {
        add(writes, out);
        if (inPlace || p.has("A", "append", "apn")) {
          add(reads, out);
        }
      }
    } else {
      switch (program) {
        case "cp", "mv" -> {
          Parsed p = parseOptions(args, "St", Set.of("suffix", "target-directory"));
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
            add(program.equals("mv") ? writes : reads, s);
          }
          addValues(p, reads, writes);
        }
        case "mkdir" -> {
          Parsed p = parseOptions(args, "m", Set.of("mode", "context"));
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
        case "touch" -> {
          Parsed p = parseOptions(args, "dtr", Set.of("date", "reference", "time"));
          p.positionals().forEach(f -> add(writes, f));
          addValues(p, reads, writes);
        }
        case "rm", "rmdir" -> {
          Parsed p = parseOptions(args, "", Set.of());
          p.positionals().forEach(f -> add(writes, f));
        }
        case "ncgen" -> {
          Parsed p = parseOptions(args, "DkLlMNoBW", Set.of());
          String o = p.last("o");
          if (o != null) {
            add(writes, o);
          }
          p.positionals().forEach(f -> add(reads, f));
          addValues(p, reads, writes);
        }
        default -> {
          // Unknown program: writes nothing we know of; every non-option word is read.
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
    return new Access(Collections.unmodifiableSet(reads), Collections.unmodifiableSet(writes));
  }

  /** Option values count as reads unless already written. */
  private static void addValues(Parsed p, Set<String> reads, Set<String> writes) {
    for (Opt opt : p.options()) {
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
}
