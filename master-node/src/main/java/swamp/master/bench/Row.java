package swamp.master.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One measure's line of the table: its samples (one per repetition), unit and goal, and what the
 * peers did in the same run. A measure that could not be taken carries its error instead.
 */
final class Row {
  final String measure;
  final String size;
  final String unit;
  final String goal;
  final int decimals;
  final List<Double> samples = new ArrayList<>();
  String peer = "";
  String error;

  Row(String measure, String size, String unit, String goal, int decimals) {
    this.measure = measure;
    this.size = size;
    this.unit = unit;
    this.goal = goal;
    this.decimals = decimals;
  }

  Row peer(String p) {
    this.peer = p;
    return this;
  }

  double median() {
    return median(samples);
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int n = s.size();
    return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  double min() {
    return samples.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
  }

  double max() {
    return samples.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  String fmt(double v) {
    return fmt(v, decimals);
  }

  /** With thousands separators, so 100000 reads as 100,000. */
  static String fmt(double v, int decimals) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }

  /** The table's cells: measure, size, n, median, min, max, unit, goal, peers. */
  List<String> cells() {
    if (error != null || samples.isEmpty()) {
      return List.of(measure, size, "0", "error", "", "", unit, goal,
          "FAILED: " + (error == null ? "no samples" : error));
    }
    return List.of(measure, size, "" + samples.size(), fmt(median()), fmt(min()), fmt(max()), unit,
        goal, peer);
  }

  static final List<String> HEADER =
      List.of("measure", "size", "n", "median", "min", "max", "unit", "goal", "peers, same run");

  /** A Markdown table, columns padded so that it also reads well as plain text. */
  static String table(List<Row> rows) {
    List<List<String>> lines = new ArrayList<>();
    lines.add(HEADER);
    rows.forEach(r -> lines.add(r.cells()));
    int[] width = new int[HEADER.size()];
    for (List<String> l : lines) {
      for (int i = 0; i < l.size(); i++) {
        width[i] = Math.max(width[i], l.get(i).length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < lines.size(); k++) {
      List<String> l = lines.get(k);
      b.append('|');
      for (int i = 0; i < l.size(); i++) {
        boolean number = i >= 2 && i <= 5;
        String cell = l.get(i).replace("|", "/");
        String pad = " ".repeat(width[i] - cell.length());
        b.append(' ').append(number ? pad + cell : cell + pad).append(" |");
      }
      b.append('\n');
      if (k == 0) {
        b.append('|');
        for (int i = 0; i < width.length; i++) {
          boolean number = i >= 2 && i <= 5;
          b.append(number ? "-".repeat(width[i] + 1) + ":|" : "-".repeat(width[i] + 2) + "|");
        }
        b.append('\n');
      }
    }
    return b.toString();
  }
}
