package swamp.master.script;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a command's argv reads and writes, as normalized paths relative to its directory,
 * inferred from the program: NCO operators write their {@code -o}/{@code --output}/{@code
 * --fl_out} file or else their last positional argument (when there are at least two), and
 * read the others (under {@code -p DIR} too; {@code -n} names a list of them, {@link #loopFiles});
 * {@code ncatted}/{@code ncrename} with a single file change it in place; {@code cp} and
 * {@code mv} write their destination ({@code mv} also its sources, which it removes); {@code
 * mkdir}, {@code touch}, {@code rm}, {@code rmdir}, {@code tee} write all their operands, {@code
 * sort -o} its output, {@code find} with {@code -exec} or {@code -delete} its starting points. Every
 * other non-option word (and option value) counts as read.
 */
record ArgvFiles(Set<String> reads, Set<String> writes) {


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

  private static final Set<String> NCO = Set.of("ncks", "ncra", "ncrcat", "ncea", "nces", "ncecat", "ncbo",
      "ncdiff", "ncflint", "ncpdq", "ncwa", "ncap2", "ncatted", "ncrename", "ncremap", "ncclimo", "ncap");

  /** The operators whose {@code -n} names their input files from one ({@link #loopFiles}). */
  private static final Set<String> MULTI_FILE = Set.of("ncra", "ncrcat", "ncea", "nces", "ncecat");
  private static final Pattern LOOP = Pattern.compile("([0-9]+),([0-9]+)(?:,(-?[0-9]+)(?:,([0-9]+)(?:,([0-9]+))?)?)?");
  private static final Pattern FILETYPE = Pattern.compile("\\.(nc|h5|cdf|hdf|hd5|he5)$");

  /**
   * The input files NCO's {@code -n file_number,digit_number[,numeric_increment[,numeric_max[,
   * numeric_min]]]} names from the first one: its last {@code digit_number} digits before the
   * file type counted up, wrapping from the maximum to the minimum (NCO's manual, "Specifying
   * Input Files"). Just the first when the spec or the name does not fit.
   */
  static List<String> loopFiles(String spec, String first) {
    Matcher m = LOOP.matcher(spec);
    Matcher type = FILETYPE.matcher(first);
    String suffix = type.find() ? type.group() : "";
    String stem = first.substring(0, first.length() - suffix.length());
    if (!m.matches()) {
      return List.of(first);
    }
    int count = Integer.parseInt(m.group(1));
    int digits = Integer.parseInt(m.group(2));
    if (count > 100_000 || digits < 1 || digits > 9 || stem.length() < digits
        || !stem.substring(stem.length() - digits).chars().allMatch(Character::isDigit)) {
      return List.of(first);
    }
    long step = m.group(3) == null ? 1 : Long.parseLong(m.group(3));
    Long max = m.group(4) == null ? null : Long.parseLong(m.group(4));
    long min = m.group(5) == null ? 1 : Long.parseLong(m.group(5));
    String prefix = stem.substring(0, stem.length() - digits);
    long v = Long.parseLong(stem.substring(stem.length() - digits));
    List<String> files = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      files.add(prefix + String.format("%0" + digits + "d", v) + suffix);
      v += step;
      if (max != null && max >= min && v > max) {
        v = min + (v - max - 1) % (max - min + 1);
      }
    }
    return files;
  }

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
      return new ArgvFiles(Set.of(), Set.of());
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
        if (stdinIsInput && p.positionals().size() == 1 && MULTI_FILE.contains(program)) {
          outs.add(inputs.remove(0)); // the inputs' names come on standard input
        } else if (p.positionals().size() >= 2) {
          outs.add(inputs.remove(inputs.size() - 1));
        } else if (p.positionals().size() == 1
            && (program.equals("ncatted") || program.equals("ncrename"))) {
          outs.add(inputs.get(0));
          inPlace = true;
        }
      }
      if (p.last("n") != null && !inputs.isEmpty() && MULTI_FILE.contains(program)) {
        String first = inputs.remove(0); // '-n 3,2,1 85_06.nc': 85_06.nc to 85_08.nc
        inputs.addAll(0, loopFiles(p.last("n"), first));
      }
      String binary = program.equals("ncks") ? p.last("b", "fl_bnr", "binary-file") : null;
      if (binary != null) {
        outs.add(binary); // ncks -b out.bin: the variables' values, unformatted
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
        case "cp", "mv", "ln" -> { // 'ln -s in/a.nc work/': as cp, a link where the copy would be
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
            add(reads, s);
            if (program.equals("mv")) { // it reads the source and removes it (Dependencies)
              add(writes, s);
            }
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
        case "sed" -> sed(args, reads, writes);
        case "find" -> find(args, reads, writes);
        case "tee" -> {
          Parsed p = parseOptions(args, "", Set.of());
          p.positionals().forEach(f -> add(writes, f));
        }
        case "sort" -> {
          Parsed p = parseOptions(args, "kotST", Set.of("key", "output", "field-separator", "buffer-size",
              "temporary-directory", "parallel", "compress-program", "files0-from"));
          String o = p.last("o", "output");
          if (o != null) {
            add(writes, o);
          }
          p.positionals().forEach(f -> add(reads, f));
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
          Parsed p = parseOptions(args, "kdcvVgGmheFLM", Set.of());
          List<String> files = p.positionals();
          if (!files.isEmpty()) {
            add(writes, files.get(files.size() - 1));
            files.subList(0, files.size() - 1).forEach(f -> add(reads, f));
          }
        }
        case "ls", "du" -> { // with no operand, the directory it runs in
          Parsed p = parseOptions(args, "IwT", Set.of("ignore", "hide", "width", "tabsize", "block-size"));
          p.positionals().forEach(f -> add(reads, f));
          if (p.positionals().isEmpty()) {
            reads.add(".");
          }
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
    return new ArgvFiles(Collections.unmodifiableSet(reads), Collections.unmodifiableSet(writes));
  }

  /**
   * {@code sed [-n] [-E] [-i[SUFFIX]] [-e SCRIPT]... [-f FILE]... [SCRIPT] FILE...}: it reads its
   * files and a script's files ({@code -f}); with {@code -i} it writes each file in place, and
   * its backup where a suffix names one ({@code -i.bak}: {@code f.txt.bak}; a {@code *} in it
   * stands for the file's name). The first operand is the script unless {@code -e} or {@code -f}
   * gave one. A worker runs sed in its sandbox, so no file comes from its commands ({@code w}).
   */
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
  }

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
