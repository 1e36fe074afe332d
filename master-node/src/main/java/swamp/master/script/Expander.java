package swamp.master.script;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import swamp.master.script.Ast.Word;

/**
 * Expands words as bash does, in bash's order: braces, then tilde, parameters and arrays,
 * arithmetic and command substitution, then word splitting of what was not quoted, then globs,
 * matched sorted against the files that exist and those earlier lines of the script write
 * ({@link PlannedFiles}); a glob that matches nothing stays as it is. Command substitution is
 * the {@link Planner}'s: it runs a piece of the script. The operators inside {@code ${...}}
 * are {@link ParameterExpansion}'s; this class gives it the words, arithmetic and patterns it
 * asks for and puts what it returns into the fields.
 */
final class Expander implements ParameterExpansion.Words {

  /**
   * Runs the text of {@code $(...)} or a backquote; what it prints, trailing newlines dropped.
   * {@code quoted}: it stands inside double quotes.
   */
  interface Substitution {
    String run(String text, int line, boolean quoted);
  }

  private final ShellState state;
  private final Substitution substitution;
  private final ParameterExpansion parameters;
  /** The words read as patterns: {@code case}, {@code [[ == ]]}, {@code =~}, {@code ${x%...}}. */
  final PatternWords patterns;

  /** {@code $name}: its value, null when unset; under {@code set -u} an unset one stops the plan. */
  String set(String name) {
    String v = state.special(name);
    if (v == null && state.nounset) {
      throw state.unbound(name);
    }
    return v;
  }

  Expander(ShellState state, Substitution substitution) {
    this.state = state;
    this.substitution = substitution;
    this.patterns = new PatternWords(state, this::oneField);
    this.parameters = new ParameterExpansion(state, this, patterns);
  }

  private final Arith.Variables arithVars = new Arith.Variables() {
    @Override
    public String get(String name) {
      int open = name.indexOf('[');
      if (open < 0) {
        String value = state.special(name);
        if (value != null && Marks.holdsStatus(value)) {
          value = Marks.forArithmetic(value, state.ranStatuses, state.currentLine);
        }
        return value;
      }
      ShellState.Var v = state.lookup(name.substring(0, open));
      if (v == null) {
        return null;
      }
      String subscript = name.substring(open + 1, name.length() - 1);
      return v.associative() ? v.byKey.get(subscript.trim())
          : v.values.get(arithUnchecked(subscript));
    }

    @Override
    public void set(String name, String value) {
      int open = name.indexOf('[');
      if (open < 0) {
        state.setScalar(name, value);
      } else {
        ShellState.Var v = state.vars.computeIfAbsent(name.substring(0, open), x -> new ShellState.Var());
        v.array = true;
        String subscript = name.substring(open + 1, name.length() - 1);
        if (v.associative()) {
          v.byKey.put(subscript.trim(), value);
        } else {
          v.values.put(arithUnchecked(subscript), value);
        }
      }
    }
  };

  private long arithUnchecked(String expr) {
    return arith(expr, state.currentLine);
  }

  @Override
  public long arith(String expression, int line) {
    state.currentLine = line;
    String expanded = expression.contains("$") || expression.contains("`")
        ? expandString(expression, line) : expression;
    if (Marks.holdsStatus(expanded)) {
      expanded = Marks.forArithmetic(expanded, state.ranStatuses, line);
    }
    try {
      return Arith.eval(expanded, arithVars);
    } catch (Arith.ArithException e) {
      if (e.bashError != null) { // '$((08 + 1))': bash abandons the command it is in (see Refusal.Aborted)
        throw new Refusal.Aborted(e.bashError, line, e.getMessage());
      }
      throw Refusal.at(line, e.getMessage());
    }
  }

  /** Text being built: each character knows if it was quoted and if it came from an expansion. */
  private static final class Field {
    final StringBuilder text = new StringBuilder();
    final BitSet quoted = new BitSet();
    final BitSet expanded = new BitSet();
    boolean hadQuotes;
    boolean dropIfEmpty;
  }

  private static final class Fields {
    final List<Field> list = new ArrayList<>(List.of(new Field()));
    /**
     * Set while the word of {@code ${x:-word}} or {@code ${x:+word}} is expanded: what it gives
     * is the expansion's, so its unquoted text is split too ({@code for m in ${MODELS:-a b}}).
     */
    boolean inExpansionWord;

    Field current() {
      return list.get(list.size() - 1);
    }

    void append(String s, boolean quoted, boolean expanded) {
      Field f = current();
      int start = f.text.length();
      f.text.append(s);
      if (quoted) {
        f.quoted.set(start, start + s.length());
      }
      if (expanded || inExpansionWord) {
        f.expanded.set(start, start + s.length());
      }
    }

    void newField() {
      list.add(new Field());
    }
  }

  List<String> expandWords(List<Word> words) {
    List<String> out = new ArrayList<>();
    for (Word w : words) {
      for (String b : BraceExpansion.expand(w.raw())) {
        out.addAll(expandFields(b, w.line()));
      }
    }
    return out;
  }

  private List<String> expandFields(String raw, int line) {
    state.currentLine = line;
    Glob.requireExtglob(raw, state.glob, line);
    Fields fs = new Fields();
    expandInto(raw, fs, false, line, true);
    List<String> out = new ArrayList<>();
    for (Field f : fs.list) {
      for (Field piece : split(f)) {
        BitSet quoted = Marks.quotingMarks(piece.text.toString(), piece.quoted); // $failed: no glob
        if (!state.glob.noglob() && Glob.hasMagic(piece.text.toString(), quoted, state.glob.extglob())) {
          String ignore = state.scalar("GLOBIGNORE"); // set, it also lets a wildcard match a leading dot
          List<String> matches = Glob.paths(piece.text.toString(), quoted, state.cwd, state.files,
              ignore == null || ignore.isEmpty() ? state.glob : state.glob.with("dotglob", true), Collation.of(state));
          matches = Glob.ignoring(matches, ignore, state.glob.extglob());
          if (!matches.isEmpty() || state.glob.nullglob()) {
            out.addAll(whereTheyAre(matches, piece.text.toString()));
            continue;
          }
        }
        out.add(piece.text.toString());
      }
    }
    return out;
  }

  /**
   * A glob's matches, as the words of a program where they may be ({@link ShellState#programWords}):
   * a file an earlier step makes is kept only where it is there once that step has run ({@link
   * Marks#keptIf}: an NCO output where its command succeeded, a command's output file where it
   * ran), and where every match is such a file, the pattern itself only where none is (as bash
   * leaves a glob that matches nothing, but under nullglob): bash's glob at that point matches
   * what is there. Elsewhere ({@code for f in *.nc}) the plan counts on them, and says so where
   * a job's status decides them ({@link PlannedFiles#consulted}).
   */
  private List<String> whereTheyAre(List<String> matches, String pattern) {
    List<String> out = new ArrayList<>(matches.size() + 1);
    List<Marks.Made> writers = new ArrayList<>();
    for (String m : matches) {
      String path = PlannedFiles.resolve(state.cwd, m);
      Marks.Made writer = state.files.madeBy(path);
      if (state.programWords && writer != null) {
        out.add(Marks.keptIf(writer, m));
        writers.add(writer);
      } else {
        state.files.consulted(path);
        out.add(m);
      }
    }
    if (!matches.isEmpty() && writers.size() == matches.size() && !state.glob.nullglob()) {
      out.add(Marks.keptUnless(writers, pattern));
    }
    return out;
  }

  /** Expands without splitting or globbing (assignments, redirection targets, [[ ]] operands). */
  @Override
  public String expandString(String raw, int line) {
    state.currentLine = line;
    Fields fs = new Fields();
    expandInto(raw, fs, false, line, true);
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < fs.list.size(); k++) {
      if (k > 0) {
        sb.append(' ');
      }
      sb.append(fs.list.get(k).text);
    }
    return sb.toString();
  }

  /**
   * Splits a field where its expanded, unquoted characters hold one of {@code IFS} (unset: space,
   * tab, newline; empty: no splitting), as bash does: runs of IFS white space are one delimiter
   * and none at the ends; each other IFS character ends a field, an empty one too ({@code a,,b}),
   * but not at the end ({@code a,b,} is two).
   */
  private List<Field> split(Field f) {
    String ifs = state.vars.containsKey("IFS") && state.scalar("IFS") != null
        ? state.scalar("IFS") : " \t\n";
    List<Field> out = new ArrayList<>();
    String s = f.text.toString();
    int n = s.length();
    Field cur = new Field();
    boolean any = false;
    int k = 0;
    while (k < n && isIfs(f, s, k, ifs, true)) {
      k++;
    }
    while (k < n) {
      if (isIfs(f, s, k, ifs, false)) {
        boolean other = false;
        while (k < n && isIfs(f, s, k, ifs, true)) {
          k++;
        }
        if (k < n && isIfs(f, s, k, ifs, false)) {
          other = true;
          k++;
          while (k < n && isIfs(f, s, k, ifs, true)) {
            k++;
          }
        }
        if (any || other) {
          out.add(cur);
        }
        cur = new Field();
        any = false;
        continue;
      }
      int at = cur.text.length();
      cur.text.append(s.charAt(k));
      if (f.quoted.get(k)) {
        cur.quoted.set(at);
      }
      any = true;
      k++;
    }
    if (any) {
      out.add(cur);
    } else if (out.isEmpty() && f.hadQuotes && !f.dropIfEmpty) {
      out.add(cur);
    }
    return out;
  }

  /** Whether character {@code k} of {@code f} splits it: IFS white space only, if {@code white}. */
  private static boolean isIfs(Field f, String s, int k, String ifs, boolean white) {
    char c = s.charAt(k);
    if (!f.expanded.get(k) || f.quoted.get(k) || ifs.indexOf(c) < 0) {
      return false;
    }
    return !white || c == ' ' || c == '\t' || c == '\n';
  }



  /** Expands {@code raw} into {@code fs}: quotes, escapes, $-expansions and backquotes. */
  private void expandInto(String raw, Fields fs, boolean inDq, int line, boolean wordStart) {
    if (!inDq && wordStart && (raw.startsWith("<(") || raw.startsWith(">("))) {
      throw Refusal.at(line, "process substitution ('" + raw.substring(0, 2) + "') is supported as a"
          + " whole word of a command ('diff <(a) <(b)', also in 'v=$(paste <(a) <(b))') and as its input"
          + " ('< <(cmd)'), not here; write the command's output to a file first");
    }
    int n = raw.length();
    int k = 0;
    if (!inDq && wordStart && raw.startsWith("~") && (n == 1 || raw.charAt(1) == '/')) {
      fs.append(Objects.requireNonNullElse(state.scalar("HOME"), "~"), true, false);
      k = 1;
    }
    while (k < n) {
      char c = raw.charAt(k);
      if (c == '\'' && !inDq) {
        int end = raw.indexOf('\'', k + 1);
        fs.current().hadQuotes = true;
        fs.append(raw.substring(k + 1, end), true, false);
        k = end + 1;
      } else if (c == '$' && !inDq && k + 1 < n && raw.charAt(k + 1) == '\'') {
        int end = k + 2;
        while (end < n && raw.charAt(end) != '\'') {
          end += raw.charAt(end) == '\\' ? 2 : 1;
        }
        fs.current().hadQuotes = true; // $'...': backslash escapes, as echo -e does them
        fs.append(Coreutils.echo(List.of("-ne", raw.substring(k + 2, Math.min(end, n)))).text(), true, false);
        k = end + 1;
      } else if (c == '"' && !inDq) {
        int end = Scan.skipQuotedOrExpansion(raw, k);
        fs.current().hadQuotes = true;
        expandInto(raw.substring(k + 1, end - 1), fs, true, line, false);
        k = end;
      } else if (c == '\\') {
        if (k + 1 >= n) {
          fs.append("\\", true, false);
          k++;
        } else if (!inDq || "$`\"\\".indexOf(raw.charAt(k + 1)) >= 0) {
          fs.append(String.valueOf(raw.charAt(k + 1)), true, false);
          k += 2;
        } else {
          fs.append("\\", true, false);
          k++;
        }
      } else if (c == '`') {
        int end = Scan.skipQuotedOrExpansion(raw, k);
        String body = raw.substring(k + 1, end - 1).replaceAll("\\\\([$`\\\\])", "$1");
        fs.append(substitution.run(body, line, inDq), inDq, true);
        k = end;
      } else if (c == '$' && k + 1 < n) {
        k = dollar(raw, k, fs, inDq, line);
      } else {
        fs.append(String.valueOf(c), inDq, false);
        k++;
      }
    }
  }

  /** Expands the {@code $} construct at {@code k}; returns the index after it. */
  private int dollar(String raw, int k, Fields fs, boolean inDq, int line) {
    char d = raw.charAt(k + 1);
    if (raw.startsWith("$((", k) && Scan.close(raw, k + 3, "((") >= 0) {
      int end = Scan.close(raw, k + 3, "((");
      fs.append(Long.toString(arith(raw.substring(k + 3, end), line)), inDq, true);
      return end + 2;
    }
    if (d == '(') {
      int end = Scan.close(raw, k + 2, "(");
      fs.append(substitution.run(raw.substring(k + 2, end), line, inDq), inDq, true);
      return end + 1;
    }
    if (d == '{') {
      int end = Scan.close(raw, k + 2, "{");
      emit(parameters.expand(raw.substring(k + 2, end), line), fs, inDq, line);
      return end + 1;
    }
    if (d == '[' && Scan.closeBracket(raw, k + 2) >= 0) { // $[ expr ], bash's old $(( expr ))
      int end = Scan.closeBracket(raw, k + 2);
      fs.append(Long.toString(arith(raw.substring(k + 2, end), line)), inDq, true);
      return end + 1;
    }
    if (Character.isLetter(d) || d == '_') {
      int e = k + 1;
      while (e < raw.length() && (Character.isLetterOrDigit(raw.charAt(e)) || raw.charAt(e) == '_')) {
        e++;
      }
      fs.append(Objects.requireNonNullElse(set(raw.substring(k + 1, e)), ""), inDq, true);
      return e;
    }
    if (d == '@' || d == '*') {
      appendList(state.positional, fs, inDq, d == '*');
      return k + 2;
    }
    if (Character.isDigit(d) || "#?$!-".indexOf(d) >= 0) {
      fs.append(Objects.requireNonNullElse(Character.isDigit(d) ? set(String.valueOf(d)) : state.special(String.valueOf(d)), ""), inDq, true);
      return k + 2;
    }
    fs.append("$", inDq, false);
    return k + 1;
  }

  /** {@code "$@"}: one field per element; {@code "$*"}: joined by spaces. */
  private void appendList(List<String> items, Fields fs, boolean inDq, boolean star) {
    if (inDq && star) { // "$*", "${a[*]}": joined by the first character of IFS
      String ifs = state.scalar("IFS");
      fs.append(String.join(ifs == null ? " " : ifs.isEmpty() ? "" : ifs.substring(0, 1), items), true, true);
      return;
    }
    if (items.isEmpty()) {
      if (inDq) {
        fs.current().dropIfEmpty = true;
      }
      return;
    }
    for (int k = 0; k < items.size(); k++) {
      if (k > 0) {
        if (inDq) {
          fs.current().hadQuotes = true;
        }
        fs.newField();
        if (inDq) {
          fs.current().hadQuotes = true;
        }
      }
      fs.append(items.get(k), inDq, true);
    }
  }

  /** Puts what a {@code ${...}} expanded to into the fields. */
  private void emit(ParameterExpansion.Result result, Fields fs, boolean inDq, int line) {
    if (result instanceof ParameterExpansion.Word w) {
      boolean outer = fs.inExpansionWord;
      fs.inExpansionWord = true;
      try {
        expandInto(w.raw(), fs, inDq, line, false);
      } finally {
        fs.inExpansionWord = outer;
      }
    } else if (result instanceof ParameterExpansion.Values v) {
      if (v.list()) {
        appendList(v.values(), fs, inDq, v.star());
      } else {
        fs.append(v.values().get(0), inDq, true);
      }
    }
  }

  /** {@code raw} expanded as one field, unsplit and unglobbed, with which characters were quoted. */
  private PatternWords.Expanded oneField(String raw, int line) {
    Fields fs = new Fields();
    expandInto(raw, fs, false, line, false);
    Field f = fs.list.get(0);
    return new PatternWords.Expanded(f.text, f.quoted);
  }
}
