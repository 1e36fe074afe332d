package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Splits a script's text into the tokens {@link ShellParser} reads; words keep their raw text,
 * quotes and expansions included, and every token its line.
 */
final class ShellLexer {

  /** DSEMI: what ends a branch of {@code case}, {@code ;;}, {@code ;&} or {@code ;;&}. */
  enum Kind { WORD, NEWLINE, SEMI, DSEMI, AMP, AND, OR, PIPE, LPAREN, RPAREN, REDIRECT, ARITH, EOF }

  /**
   * A token; for REDIRECT {@code text} is the operator and {@code fd} its descriptor. A
   * here-document is the operator {@code <<} (its text expanded) or {@code <<'} (a quoted
   * delimiter: taken as written), followed by a WORD holding its lines; {@code <<<} is a
   * here-string, followed by its word.
   */
  record Token(Kind kind, String text, int fd, int line) {
    boolean isWord(String w) {
      return kind == Kind.WORD && text.equals(w);
    }
  }

  private static final Pattern ARRAY_ASSIGN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\[[^\\]]*\\])?\\+?=");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String s;
  private int i;
  private int line;
  private final List<Token> out = new ArrayList<>();
  /** Here-documents of the current line, whose lines start after it. */
  private final List<HereDocument> pending = new ArrayList<>();

  private record HereDocument(int token, String delimiter, boolean stripTabs, int line) {}

  /** Whether a here-document may end at the end of the text, as bash lets a script file's do. */
  private final boolean toEndOfText;
  private final int firstLine;
  /** The lines a token or a here-document's text is on: not blank, not a comment alone. */
  private final java.util.BitSet content = new java.util.BitSet();
  /** The lines where a word with a {@code $(}, {@code <(} or {@code >(} in it goes on to a later line. */
  private final java.util.BitSet substitutionsOverLines = new java.util.BitSet();
  private static final Pattern SUBSTITUTION = Pattern.compile("[$<>]\\((?!\\()");
  /** bash's warnings of the here-documents the end of the text ended: the line and the warning. */
  private final List<Map.Entry<Integer, String>> warnings = new ArrayList<>();

  ShellLexer(String text, int firstLine) {
    this(text, firstLine, false);
  }

  /** {@code toEndOfText}: a here-document without its delimiter's line ends at the end, with bash's warning. */
  ShellLexer(String text, int firstLine, boolean toEndOfText) {
    this.s = text.replace("\r\n", "\n");
    this.line = firstLine;
    this.firstLine = firstLine;
    this.toEndOfText = toEndOfText;
  }

  /** The lines a token or a here-document's text is on, once {@link #tokens} has read them. */
  java.util.BitSet contentLines() {
    return content;
  }

  /** The lines where a word with a command or process substitution in it goes on to a later line. */
  java.util.BitSet substitutionsOverLines() {
    return substitutionsOverLines;
  }

  /** bash's warnings of here-documents the end of the text ended, each with the line bash names. */
  List<Map.Entry<Integer, String>> warnings() {
    return warnings;
  }

  List<Token> tokens() throws ScriptException {
    int n = s.length();
    while (i < n) {
      int tokensBefore = out.size();
      int lineBefore = line;
      lexOne(n);
      Token last = out.size() > tokensBefore ? out.get(out.size() - 1) : null;
      if (last != null && last.kind() != Kind.NEWLINE) {
        content.set(lineBefore, line + 1);
        if (last.kind() == Kind.WORD && line > lineBefore && SUBSTITUTION.matcher(last.text()).find()) {
          substitutionsOverLines.set(lineBefore);
        }
      }
    }
    add(Kind.NEWLINE, "\\n");
    hereDocuments();
    add(Kind.EOF, "end of script");
    return out;
  }

  private void lexOne(int n) throws ScriptException {
    {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t') {
        i++;
      } else if (c == '\\' && i + 1 < n && s.charAt(i + 1) == '\n') {
        i += 2;
        line++;
      } else if (c == '\n') {
        add(Kind.NEWLINE, "\\n");
        i++;
        line++;
        hereDocuments();
      } else if (c == '#') {
        while (i < n && s.charAt(i) != '\n') {
          i++;
        }
      } else if (c == ';') {
        String op = at(";;&") ? ";;&" : at(";;") ? ";;" : at(";&") ? ";&" : ";";
        add(op.equals(";") ? Kind.SEMI : Kind.DSEMI, op);
        i += op.length();
      } else if (c == '&') {
        if (at("&&")) {
          add(Kind.AND, "&&");
          i += 2;
        } else if (at("&>>")) {
          addRedirect("&>>", -1);
          i += 3;
        } else if (at("&>")) {
          addRedirect("&>", -1);
          i += 2;
        } else {
          add(Kind.AMP, "&");
          i++;
        }
      } else if (c == '|') {
        if (at("||")) {
          add(Kind.OR, "||");
          i += 2;
        } else if (at("|&")) {
          add(Kind.PIPE, "|&");
          i += 2;
        } else {
          add(Kind.PIPE, "|");
          i++;
        }
      } else if (c == '(' && afterRegexOperator()) {
        word(); // [[ $line =~ ([a-z_]+)= ]]: the regular expression's group, not a subshell
      } else if (c == '(') {
        if (at("((") && commandPosition()) {
          int end = Scan.close(s, i + 2, "((");
          if (end < 0) {
            throw new ScriptException(line, "'((' without its '))'");
          }
          add(Kind.ARITH, s.substring(i + 2, end));
          countLines(i, end + 2);
          i = end + 2;
        } else {
          add(Kind.LPAREN, "(");
          i++;
        }
      } else if (c == ')') {
        add(Kind.RPAREN, ")");
        i++;
      } else if (c == '<' || c == '>') {
        operator(-1);
      } else {
        word();
      }
    }
  }

  /** The lines of the here-documents the line just ended started, each up to its delimiter. */
  private void hereDocuments() throws ScriptException {
    int n = s.length();
    boolean ended = false;
    for (HereDocument h : pending) {
      StringBuilder text = new StringBuilder();
      while (true) {
        if (i >= n) {
          if (!toEndOfText) {
            throw new ScriptException(h.line(), "the here-document of line " + h.line()
                + " has no line '" + h.delimiter() + "' to end it");
          }
          int last = lastLine();
          warnings.add(Map.entry(last, "warning: here-document at line " + (ended ? last : h.line())
              + " delimited by end-of-file (wanted `" + h.delimiter() + "')"));
          ended = true;
          break;
        }
        content.set(line);
        int eol = s.indexOf('\n', i);
        if (eol < 0) {
          eol = n;
        }
        String l = s.substring(i, eol);
        i = Math.min(n, eol + 1);
        line++;
        if (h.stripTabs()) {
          l = l.replaceFirst("^\t+", "");
        }
        if (l.equals(h.delimiter())) {
          break;
        }
        text.append(l).append('\n');
      }
      Token op = out.get(h.token());
      out.set(h.token() + 1, new Token(Kind.WORD, text.toString(), -1, op.line()));
    }
    pending.clear();
  }

  /** The number of the text's last line, as bash counts it where a here-document ends at the end. */
  private int lastLine() {
    return firstLine + (int) s.chars().filter(c -> c == '\n').count() - (s.endsWith("\n") ? 1 : 0);
  }

  /**
   * {@code <<WORD} or {@code <<-WORD} at i: the operator and a placeholder for its text, which
   * starts on the next line. A delimiter with quotes in it ({@code 'EOF'}, {@code "EOF"},
   * {@code \EOF}) keeps the text from being expanded.
   */
  private void hereDocument(int fd) throws ScriptException {
    Scan.HereDelimiter h = Scan.hereDelimiter(s, i + 2);
    if (h == null) {
      throw new ScriptException(line, "'<<' needs the word that ends the here-document (<<EOF),"
          + " its quotes closed");
    }
    i = h.end();
    pending.add(new HereDocument(out.size(), h.word(), h.stripTabs(), line));
    addRedirect(h.quoted() ? "<<'" : "<<", fd);
    add(Kind.WORD, ""); // its text, once its lines are read
  }

  /** True where a '((' opens an arithmetic command: at the start of a command, or after 'for'. */
  private boolean commandPosition() {
    return commandPosition(out.size());
  }

  /** True where the next word may assign: at the start of a command, or after its assignments. */
  private boolean assignmentPosition() {
    int k = out.size();
    while (k > 0 && out.get(k - 1).kind() == Kind.WORD && Variables.ASSIGNMENT.matcher(out.get(k - 1).text()).matches()) {
      k--;
    }
    return commandPosition(k);
  }

  /** Whether a token after the first {@code size} ones would start a command. */
  private boolean commandPosition(int size) {
    if (size == 0) {
      return true;
    }
    Token last = out.get(size - 1);
    return switch (last.kind()) {
      case NEWLINE, SEMI, AMP, AND, OR, PIPE, LPAREN -> true;
      case WORD -> Set.of("for", "if", "do", "then", "else", "elif", "{", "!", "while", "until").contains(last.text());
      default -> false;
    };
  }

  private boolean at(String op) {
    return s.startsWith(op, i);
  }

  private void add(Kind kind, String text) {
    out.add(new Token(kind, text, -1, line));
  }

  private void addRedirect(String op, int fd) {
    out.add(new Token(Kind.REDIRECT, op, fd, line));
  }

  private void countLines(int from, int to) {
    for (int k = from; k < to && k < s.length(); k++) {
      if (s.charAt(k) == '\n') {
        line++;
      }
    }
  }

  /** A redirection operator at i, with the descriptor written before it (or -1). */
  private void operator(int fd) throws ScriptException {
    if (at("<<<")) {
      addRedirect("<<<", fd);
      i += 3;
      return;
    }
    if (at("<<")) {
      hereDocument(fd);
      return;
    }
    if (at("<(") || at(">(")) { // a word, refused only if the planner reaches it
      int end = Scan.close(s, i + 2, "(");
      if (end < 0) {
        throw new ScriptException(line, "'" + s.substring(i, i + 2) + "' without its ')'");
      }
      add(Kind.WORD, s.substring(i, end + 1));
      countLines(i, end);
      i = end + 1;
      return;
    }
    for (String op : List.of(">>", ">&", "<&", ">|", "<>", ">", "<")) {
      if (at(op)) {
        if (op.equals("<>")) {
          throw new ScriptException(line, "'<>' is not supported");
        }
        addRedirect(op, fd);
        i += op.length();
        return;
      }
    }
  }

  /** Whether the token before is {@code =~}, whose right operand is one word: {@code [[ x =~ (a|b) ]]}. */
  private boolean afterRegexOperator() {
    return !out.isEmpty() && out.get(out.size() - 1).isWord("=~");
  }

  private void word() throws ScriptException {
    int n = s.length();
    int start = i;
    int startLine = line;
    boolean regex = afterRegexOperator();
    boolean assignable = assignmentPosition();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '[' && assignable && NAME.matcher(s.substring(start, i)).matches()) {
        int end = subscriptEnd(i + 1); // 'm[$model $exp]=1', 'a[i + 1]=x': one word, as bash reads it
        if (end > 0 && (s.startsWith("=", end + 1) || s.startsWith("+=", end + 1))) {
          countLines(i, end);
          i = end + 1;
          continue;
        }
      }
      if (regex && (c == '(' || c == ')' || c == '|')) {
        i++;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == ')') {
        break;
      }
      if (c == '<' || c == '>') {
        String sofar = s.substring(start, i);
        if (!sofar.isEmpty() && sofar.chars().allMatch(Character::isDigit)) {
          operator(Integer.parseInt(sofar)); // a descriptor: 2> 2>> 2>&1
          return;
        }
        break;
      }
      if (c == '(') {
        if (ARRAY_ASSIGN.matcher(s.substring(start, i)).matches()) {
          int end = Scan.close(s, i + 1, "(");
          if (end < 0) {
            throw new ScriptException(line, "array assignment without its ')'");
          }
          countLines(i, end);
          i = end + 1;
          continue;
        }
        if (i > start && "!@+*?".indexOf(s.charAt(i - 1)) >= 0) { // !(*_clim).nc: one word (extglob)
          int end = Scan.close(s, i + 1, "(");
          if (end < 0) {
            throw new ScriptException(line, "the extended glob pattern '" + s.charAt(i - 1) + "(' without its ')'");
          }
          countLines(i, end);
          i = end + 1;
          continue;
        }
        break;
      }
      int next = Scan.skipQuotedOrExpansion(s, i);
      if (next < 0) {
        throw new ScriptException(line, "unterminated " + Scan.describe(s.charAt(i), s, i));
      }
      if (next > i) {
        countLines(i, next);
        i = next;
      } else if (c == '\\') {
        if (i + 1 < n && s.charAt(i + 1) == '\n') {
          i += 2; // continuation inside a word
          line++;
        } else {
          i = Math.min(n, i + 2);
        }
      } else {
        i++;
      }
    }
    out.add(new Token(Kind.WORD, s.substring(start, i).replace("\\\n", ""), -1, startLine));
  }

  /**
   * Where the subscript of an assignment word that starts at {@code from} (after its {@code [})
   * ends, at its {@code ]}: its quotes and expansions skipped, blanks kept; -1 where the line ends first.
   */
  private int subscriptEnd(int from) {
    int depth = 0;
    for (int k = from; k < s.length(); ) {
      char d = s.charAt(k);
      if (d == '\n') {
        return -1;
      } else if (d == '[') {
        depth++;
      } else if (d == ']' && depth-- == 0) {
        return k;
      }
      int next = Scan.skipQuotedOrExpansion(s, k);
      if (next < 0) {
        return -1;
      }
      k = next > k ? next : k + (d == '\\' ? 2 : 1);
    }
    return -1;
  }
}
