package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import swamp.master.script.Ast.Node;
import swamp.master.script.Ast.Word;
import swamp.master.script.ShellLexer.Kind;
import swamp.master.script.ShellLexer.Token;

/**
 * Reads the bash that NCO scripts are written in into an {@link Ast}: simple commands with
 * redirections, pipelines, {@code && ||}, lists, {@code if}, {@code for} (both forms),
 * {@code while}/{@code until}, {@code case}, functions, {@code { }}, {@code ( )}, {@code (( ))}
 * and {@code [[ ]]}; a compound command may read its input from a file ({@code done < list}).
 * Here-documents and here-strings are input redirections; a process substitution is a word,
 * which the {@link Expander} refuses if the planner reaches it. What swamp cannot plan ({@code
 * select}, {@code |&}, a
 * compound command's output sent to a file) is refused here with the line, the construct and
 * what to write instead. {@link ShellLexer} makes its tokens.
 */
final class ShellParser {

  private static final Set<String> LIST_ENDS = Set.of("then", "elif", "else", "fi", "do", "done", "}", "esac");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final List<Token> tokens;
  private int pos;

  private ShellParser(List<Token> tokens) {
    this.tokens = tokens;
  }

  /** Parses a whole script; {@code firstLine} numbers its first line (1 for a file). */
  static Node parse(String text, int firstLine) throws ScriptException {
    return parse(new ShellLexer(text, firstLine));
  }

  /** Parses the tokens {@code lexer} reads. */
  static Node parse(ShellLexer lexer) throws ScriptException {
    ShellParser p = new ShellParser(lexer.tokens());
    Node program = p.list();
    Token t = p.peek();
    if (t.kind() != Kind.EOF) {
      throw new ScriptException(t.line(), "unexpected '" + t.text() + "'");
    }
    return program;
  }

  // ---------------------------------------------------------------- grammar

  private Token peek() {
    return tokens.get(pos);
  }

  private Token peek(int ahead) {
    return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
  }

  private Token next() {
    return tokens.get(pos++);
  }

  private void skipNewlines() {
    while (peek().kind() == Kind.NEWLINE) {
      pos++;
    }
  }

  private boolean atListEnd() {
    Token t = peek();
    return t.kind() == Kind.EOF || t.kind() == Kind.RPAREN || t.kind() == Kind.DSEMI
        || (t.kind() == Kind.WORD && LIST_ENDS.contains(t.text()));
  }

  /** and_or ((';' | '&' | newline) and_or)* */
  private Node list() throws ScriptException {
    int line = peek().line();
    List<Node> items = new ArrayList<>();
    Set<Integer> joined = new java.util.HashSet<>();
    skipNewlines();
    boolean onTheLine = false;
    while (!atListEnd()) {
      if (onTheLine) {
        joined.add(items.size());
      }
      items.add(andOr());
      Token t = peek();
      if (t.kind() == Kind.AMP) { // swamp runs independent commands in parallel anyway; '$!' names it
        Node n = items.remove(items.size() - 1);
        items.add(new Ast.Background(n, n.line()));
      }
      onTheLine = t.kind() != Kind.NEWLINE;
      if (t.kind() == Kind.SEMI || t.kind() == Kind.AMP || t.kind() == Kind.NEWLINE) {
        pos++;
        onTheLine &= peek().kind() != Kind.NEWLINE;
        skipNewlines();
      } else if (!atListEnd()) {
        throw new ScriptException(t.line(), "unexpected '" + t.text() + "'");
      }
    }
    return items.size() == 1 ? items.get(0) : new Ast.Sequence(items, line, Set.copyOf(joined));
  }

  private Node andOr() throws ScriptException {
    Node first = pipeline();
    List<String> ops = new ArrayList<>();
    List<Node> rest = new ArrayList<>();
    while (peek().kind() == Kind.AND || peek().kind() == Kind.OR) {
      ops.add(next().text());
      skipNewlines();
      rest.add(pipeline());
    }
    return ops.isEmpty() ? first : new Ast.AndOr(first, ops, rest, first.line());
  }

  private Node pipeline() throws ScriptException {
    int line = peek().line();
    if (peek().isWord("time")) { // bash's keyword: swamp times every job anyway
      pos++;
      if (peek().isWord("-p")) {
        pos++;
      }
    }
    boolean negated = false;
    if (peek().isWord("!")) {
      pos++;
      negated = true;
    }
    List<Node> stages = new ArrayList<>();
    stages.add(command());
    while (peek().kind() == Kind.PIPE) {
      Token bar = next();
      if (bar.text().equals("|&")) { // bash's '2>&1 |', after the command's own redirections
        if (!(stages.get(stages.size() - 1) instanceof Ast.Simple s)) {
          throw new ScriptException(bar.line(), "'|&' after a compound command is not supported;"
              + " write '2>&1 |' after it");
        }
        List<Ast.Redirect> redirects = new ArrayList<>(s.redirects());
        redirects.add(new Ast.Redirect(2, ">&", new Ast.Word("1", bar.line()), bar.line()));
        stages.set(stages.size() - 1, new Ast.Simple(s.words(), redirects, s.line()));
      }
      skipNewlines();
      stages.add(command());
    }
    return stages.size() == 1 && !negated ? stages.get(0) : new Ast.Pipeline(stages, negated, line);
  }

  private Node command() throws ScriptException {
    Token t = peek();
    Node compound = switch (t.kind()) {
      case LPAREN -> {
        pos++;
        Node body = list();
        expect(Kind.RPAREN, ")", "to close the '(' of line " + t.line());
        yield new Ast.Subshell(body, t.line());
      }
      case ARITH -> {
        pos++;
        yield new Ast.Arith(t.text(), t.line());
      }
      case WORD -> compoundWord(t);
      case REDIRECT -> null; // '> list.txt': a simple command of redirections alone
      default -> throw new ScriptException(t.line(), t.kind() == Kind.EOF
          ? "the script ends where a command was expected" : "unexpected '" + t.text() + "'");
    };
    if (compound == null) {
      return simple();
    }
    Ast.Redirect input = null;
    List<Ast.Redirect> outputs = new ArrayList<>();
    while (peek().kind() == Kind.REDIRECT) {
      Token r = next();
      if (r.text().equals("<&")) {
        throw new ScriptException(r.line(), "'<&' is not supported");
      }
      Token target = next();
      if (target.kind() != Kind.WORD) {
        throw new ScriptException(r.line(), "'" + r.text() + "' needs a file name after it");
      }
      if (!r.text().startsWith("<")) {
        outputs.add(redirect(r, target));
        continue;
      }
      if (r.fd() > 0) {
        throw new ScriptException(r.line(), "input redirection of descriptor " + r.fd() + " is not supported");
      }
      if (input != null) {
        throw new ScriptException(r.line(), "a compound command reads from one file, not two");
      }
      input = redirect(r, target);
    }
    return redirected(compound, input, outputs);
  }

  private static Node redirected(Node compound, Ast.Redirect input, List<Ast.Redirect> outputs) {
    Node read = input == null ? compound : new Ast.ReadFrom(compound, input, compound.line());
    return outputs.isEmpty() ? read : new Ast.WriteTo(read, List.copyOf(outputs), compound.line());
  }

  /** A compound command or function definition starting at this word, or null for a simple one. */
  private Node compoundWord(Token t) throws ScriptException {
    switch (t.text()) {
      case "if":
        return ifCommand();
      case "for":
        return forCommand();
      case "while", "until":
        pos++;
        Node condition = list();
        expectWord("do", "after the condition of '" + t.text() + "' on line " + t.line());
        Node body = list();
        expectWord("done", "to end the '" + t.text() + "' loop of line " + t.line());
        return new Ast.Loop(condition, body, t.text().equals("until"), t.line());
      case "{":
        pos++;
        Node group = list();
        expectWord("}", "to close the '{' of line " + t.line());
        return new Ast.Group(group, t.line());
      case "[[":
        return conditional();
      case "function":
        pos++;
        Token name = next();
        if (name.kind() != Kind.WORD || !NAME.matcher(name.text()).matches()) {
          throw new ScriptException(name.line(), "'function' needs a name");
        }
        if (peek().kind() == Kind.LPAREN && peek(1).kind() == Kind.RPAREN) {
          pos += 2;
        }
        return functionBody(name);
      case "case":
        return caseCommand();
      case "select", "coproc":
        throw new ScriptException(t.line(), "'" + t.text() + "' is not supported by swamp's planner;"
            + (t.text().equals("select") ? " it asks the user; loop with 'for' instead"
                : " run the command as a line of its own"));
      case "then", "elif", "else", "fi", "do", "done", "}", "esac", "in":
        throw new ScriptException(t.line(), "unexpected '" + t.text() + "'");
      default:
        if (NAME.matcher(t.text()).matches() && peek(1).kind() == Kind.LPAREN
            && peek(2).kind() == Kind.RPAREN) {
          pos += 3;
          return functionBody(t);
        }
        return null;
    }
  }

  private Node functionBody(Token name) throws ScriptException {
    skipNewlines();
    Node body = command();
    Node inner = body;
    while (inner instanceof Ast.WriteTo || inner instanceof Ast.ReadFrom) { // '} > log': at every call
      inner = inner instanceof Ast.WriteTo w ? w.body() : ((Ast.ReadFrom) inner).body();
    }
    if (!(inner instanceof Ast.Group || inner instanceof Ast.Subshell)) {
      throw new ScriptException(name.line(), "the body of function '" + name.text() + "' must be { ...; }");
    }
    return new Ast.FunctionDef(name.text(), body, name.line());
  }

  private Node ifCommand() throws ScriptException {
    int line = next().line();
    List<Node> conditions = new ArrayList<>();
    List<Node> bodies = new ArrayList<>();
    Node otherwise = null;
    conditions.add(list());
    expectWord("then", "after the condition of the 'if' of line " + line);
    bodies.add(list());
    while (true) {
      Token t = next();
      if (t.isWord("elif")) {
        conditions.add(list());
        expectWord("then", "after the condition of the 'elif' of line " + t.line());
        bodies.add(list());
      } else if (t.isWord("else")) {
        otherwise = list();
        expectWord("fi", "to end the 'if' of line " + line);
        break;
      } else if (t.isWord("fi")) {
        break;
      } else {
        throw new ScriptException(t.line(), "expected 'fi' to end the 'if' of line " + line
            + ", found " + (t.kind() == Kind.EOF ? "the end of the script" : "'" + t.text() + "'"));
      }
    }
    return new Ast.If(conditions, bodies, otherwise, line);
  }

  private Node forCommand() throws ScriptException {
    int line = next().line();
    Token t = next();
    if (t.kind() == Kind.ARITH) {
      String[] parts = t.text().split(";", -1);
      if (parts.length != 3) {
        throw new ScriptException(line, "'for ((' needs three expressions: for ((i=0; i<n; i++))");
      }
      skipSeparator();
      expectWord("do", "after 'for ((...))' on line " + line);
      Node body = list();
      expectWord("done", "to end the 'for' loop of line " + line);
      // leading blanks dropped, trailing ones kept: set -x shows '(( k = 0  ))', as bash's
      return new Ast.ArithFor(parts[0].stripLeading(), parts[1].stripLeading(), parts[2].stripLeading(), body, line);
    }
    if (t.kind() != Kind.WORD || !NAME.matcher(t.text()).matches()) {
      throw new ScriptException(line, "'for' needs a variable name, found '" + t.text() + "'");
    }
    skipNewlines();
    List<Word> words = null;
    if (peek().isWord("in")) {
      pos++;
      words = new ArrayList<>();
      while (peek().kind() == Kind.WORD) {
        Token w = next();
        words.add(new Word(w.text(), w.line()));
      }
    }
    skipSeparator();
    expectWord("do", "after the words of the 'for' loop of line " + line);
    Node body = list();
    expectWord("done", "to end the 'for' loop of line " + line);
    return new Ast.For(t.text(), words, body, line);
  }

  /**
   * {@code case WORD in [(]PATTERN[|PATTERN]...) LIST ;; ... esac}, each branch ended by
   * {@code ;;}, {@code ;&} (on into the next branch) or {@code ;;&} (on to the next match); the
   * last branch may end at {@code esac}.
   */
  private Node caseCommand() throws ScriptException {
    int line = next().line();
    Token subject = next();
    if (subject.kind() != Kind.WORD) {
      throw new ScriptException(line, "'case' needs a word to match, found '" + subject.text() + "'");
    }
    skipNewlines();
    expectWord("in", "after the word of the 'case' of line " + line);
    List<Ast.CaseBranch> branches = new ArrayList<>();
    skipNewlines();
    while (!peek().isWord("esac")) {
      Token t = peek();
      if (t.kind() == Kind.EOF) {
        throw new ScriptException(t.line(), "expected 'esac' to end the 'case' of line " + line
            + ", found the end of the script");
      }
      if (t.kind() == Kind.LPAREN) {
        pos++;
      }
      List<Word> patterns = new ArrayList<>();
      while (true) {
        Token p = next();
        if (p.kind() != Kind.WORD) {
          throw new ScriptException(p.line(), "expected a pattern of the 'case' of line " + line
              + ", found '" + p.text().replace("\n", "a new line") + "'");
        }
        patterns.add(new Word(p.text(), p.line()));
        if (peek().kind() != Kind.PIPE || !peek().text().equals("|")) {
          break;
        }
        pos++;
      }
      expect(Kind.RPAREN, ")", "after the patterns of a branch of the 'case' of line " + line);
      Node body = list();
      String end = ";;";
      if (peek().kind() == Kind.DSEMI) {
        end = next().text();
      } else if (!peek().isWord("esac")) {
        throw new ScriptException(peek().line(), "expected ';;' or 'esac' in the 'case' of line " + line
            + ", found '" + peek().text() + "'");
      }
      branches.add(new Ast.CaseBranch(patterns, body, end));
      skipNewlines();
    }
    pos++; // esac
    return new Ast.Case(new Word(subject.text(), subject.line()), branches, line);
  }

  private void skipSeparator() {
    if (peek().kind() == Kind.SEMI) {
      pos++;
    }
    skipNewlines();
  }

  private Node conditional() throws ScriptException {
    int line = next().line();
    List<Word> words = new ArrayList<>();
    while (true) {
      Token t = next();
      if (t.isWord("]]")) {
        break;
      }
      switch (t.kind()) {
        case WORD -> words.add(new Word(t.text(), t.line()));
        case AND, OR, LPAREN, RPAREN -> words.add(new Word(t.text(), t.line()));
        case NEWLINE -> { } // '[[ -f a &&' on one line, '-f b ]]' on the next: bash reads on
        case REDIRECT -> { // '<' and '>' compare strings inside [[ ]]
          if (!t.text().equals("<") && !t.text().equals(">") || t.fd() >= 0) {
            throw new ScriptException(t.line(), "unexpected '" + t.text() + "' inside [[ ]]");
          }
          words.add(new Word(t.text(), t.line()));
        }
        default -> throw new ScriptException(line, "'[[' without its ']]'");
      }
    }
    return new Ast.Conditional(words, line);
  }

  private Node simple() throws ScriptException {
    int line = peek().line();
    List<Word> words = new ArrayList<>();
    List<Ast.Redirect> redirects = new ArrayList<>();
    while (true) {
      Token t = peek();
      if (t.kind() == Kind.WORD) {
        pos++;
        words.add(new Word(t.text(), t.line()));
      } else if (t.kind() == Kind.REDIRECT) {
        pos++;
        Token target = next();
        if (target.kind() != Kind.WORD) {
          throw new ScriptException(t.line(), "'" + t.text() + "' needs a file name after it");
        }
        redirects.add(redirect(t, target));
      } else {
        break;
      }
    }
    if (words.isEmpty() && redirects.isEmpty()) {
      throw new ScriptException(line, "unexpected '" + peek().text() + "'");
    }
    return new Ast.Simple(words, redirects, line);
  }

  private static Ast.Redirect redirect(Token op, Token target) throws ScriptException {
    String o = op.text();
    int fd = op.fd();
    if (o.equals(">&") || o.equals("<&")) {
      if (!target.text().matches("[0-9]+")) {
        throw new ScriptException(op.line(), "'" + o + target.text() + "': only descriptor duplication"
            + " such as 2>&1 is supported; write '&> FILE' to send both streams to a file");
      }
      return new Ast.Redirect(fd < 0 ? (o.equals(">&") ? 1 : 0) : fd, o, new Word(target.text(), target.line()), op.line());
    }
    if (o.equals("&>") || o.equals("&>>")) {
      return new Ast.Redirect(1, o, new Word(target.text(), target.line()), op.line());
    }
    int defaultFd = o.startsWith("<") ? 0 : 1;
    return new Ast.Redirect(fd < 0 ? defaultFd : fd, o.equals(">|") ? ">" : o,
        new Word(target.text(), target.line()), op.line());
  }

  private void expect(Kind kind, String text, String why) throws ScriptException {
    Token t = next();
    if (t.kind() != kind) {
      throw new ScriptException(t.line(), "expected '" + text + "' " + why + ", found "
          + (t.kind() == Kind.EOF ? "the end of the script" : "'" + t.text() + "'"));
    }
  }

  private void expectWord(String word, String why) throws ScriptException {
    Token t = next();
    if (!t.isWord(word)) {
      throw new ScriptException(t.line(), "expected '" + word + "' " + why + ", found "
          + (t.kind() == Kind.EOF ? "the end of the script" : "'" + t.text().replace("\n", "\\n") + "'"));
    }
  }
}
