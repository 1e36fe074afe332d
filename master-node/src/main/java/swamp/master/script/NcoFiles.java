package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an NCO operator's words read and write, for {@link ArgvFiles}: the {@code -o}/{@code
 * --output}/{@code --fl_out} file or else the last positional argument (when there are at least
 * two) is written, the others read (under {@code -p DIR} too; {@code -n} names a list of them,
 * {@link #loopFiles}); {@code ncatted}/{@code ncrename} with a single file change it in place, and
 * so does an output with {@code -A}; option values count as read. Each operator's options are
 * read with the values its own getopt string gives them.
 */
final class NcoFiles {

  /** The words an NCO command reads and writes, as written (not yet normalized). */
  record Words(List<String> reads, List<String> writes) {}

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

  private NcoFiles() {}

  /** Whether {@code program} (a file name) is an NCO operator. */
  static boolean isOperator(String program) {
    return NCO.contains(program);
  }

  /**
   * What {@code program ARGS} reads and writes; {@code stdinIsInput}: its standard input is a
   * pipe or a file, where the multi-file operators read their input files' names when the
   * command line names only the output ({@code ls gm_*.nc | ncrcat -O all.nc}).
   */
  static Words of(String program, List<String> args, boolean stdinIsInput) {
    List<String> reads = new ArrayList<>();
    List<String> writes = new ArrayList<>();
    GetoptWords.Parsed p = GetoptWords.parse(args, NCO_SHORT_VALUES.get(program), NCO_LONG_VALUES);
    List<String> outs = new ArrayList<>();
    String o = p.last("o");
    for (GetoptWords.Opt opt : p.options()) {
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
      reads.add(in);
      if (dir != null && !in.startsWith("/")) {
        reads.add(dir + "/" + in); // -p: input files are found under this path
      }
    }
    for (GetoptWords.Opt opt : p.options()) {
      if (opt.value() != null && !outs.contains(opt.value())) {
        reads.add(opt.value());
      }
    }
    for (String out : outs) {
      writes.add(out);
      if (inPlace || p.has("A", "append", "apn")) {
        reads.add(out);
      }
    }
    return new Words(reads, writes);
  }
}
