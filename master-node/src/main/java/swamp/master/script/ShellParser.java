package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
 * select}, {@code |&} after a compound command) is refused here with the line, the construct and
 * what to write instead. {@link ShellLexer} makes its tokens; {@link CompoundParser} reads the
 * compound commands and function definitions, through this parser's tokens, lists and commands.
 */
final class ShellParser {

  private static final Set<String> LIST_ENDS = Set.of("then", "elif", "else", "fi", "do", "done", "}", "esac");

  private final List<Token> tokens;
  private int pos;
  private final CompoundParser compounds = new CompoundParser(this);

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

  Token peek() {
    return tokens.get(pos);
  }

  Token peek(int ahead) {
    return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
  }

  Token next() {
    return tokens.get(pos++);
  }

  /** Passes over {@code count} tokens already looked at. */
  void skip(int count) {
    pos += count;
  }

  void skipNewlines() {
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
  Node list() throws ScriptException {
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

  Node command() throws ScriptException {
    Token t = peek();
    Node compound = switch (t.kind()) {
      case LPAREN -> compounds.subshell();
      case ARITH -> compounds.arithmetic();
      case WORD -> compounds.startingWith(t);
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

  void expect(Kind kind, String text, String why) throws ScriptException {
    Token t = next();
    if (t.kind() != kind) {
      throw new ScriptException(t.line(), "expected '" + text + "' " + why + ", found "
          + (t.kind() == Kind.EOF ? "the end of the script" : "'" + t.text() + "'"));
    }
  }

  void expectWord(String word, String why) throws ScriptException {
    Token t = next();
    if (!t.isWord(word)) {
      throw new ScriptException(t.line(), "expected '" + word + "' " + why + ", found "
          + (t.kind() == Kind.EOF ? "the end of the script" : "'" + t.text().replace("\n", "\\n") + "'"));
    }
  }
}
