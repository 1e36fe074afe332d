package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import swamp.master.script.Ast.Node;
import swamp.master.script.Ast.Word;
import swamp.master.script.ShellLexer.Kind;
import swamp.master.script.ShellLexer.Token;

/**
 * The compound commands and function definitions of the {@link ShellParser}, each construct read
 * by a method of its own: {@code ( )}, {@code (( ))}, {@code if}, {@code for} (both forms),
 * {@code while}/{@code until}, {@code case}, {@code { }}, {@code [[ ]]} and functions. It reads
 * the parser's tokens, and the lists and commands inside a construct through the parser; what
 * swamp cannot plan ({@code select}, {@code coproc}) is refused here.
 */
final class CompoundParser {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final ShellParser parser;

  CompoundParser(ShellParser parser) {
    this.parser = parser;
  }

  /** {@code ( LIST )}: a subshell, at its '('. */
  Node subshell() throws ScriptException {
    Token open = parser.next();
    Node body = parser.list();
    parser.expect(Kind.RPAREN, ")", "to close the '(' of line " + open.line());
    return new Ast.Subshell(body, open.line());
  }

  /** {@code (( EXPRESSION ))}, one token of the lexer's. */
  Node arithmetic() {
    Token t = parser.next();
    return new Ast.Arith(t.text(), t.line());
  }

  /** A compound command or function definition starting at this word, or null for a simple one. */
  Node startingWith(Token t) throws ScriptException {
    switch (t.text()) {
      case "if":
        return ifClause();
      case "for":
        return forClause();
      case "while", "until":
        return whileClause();
      case "{":
        return braceGroup();
      case "[[":
        return conditional();
      case "function":
        return functionDefinition();
      case "case":
        return caseClause();
      case "select", "coproc":
        throw new ScriptException(t.line(), "'" + t.text() + "' is not supported by swamp's planner;"
            + (t.text().equals("select") ? " it asks the user; loop with 'for' instead"
                : " run the command as a line of its own"));
      case "then", "elif", "else", "fi", "do", "done", "}", "esac", "in":
        throw new ScriptException(t.line(), "unexpected '" + t.text() + "'");
      default:
        if (NAME.matcher(t.text()).matches() && parser.peek(1).kind() == Kind.LPAREN
            && parser.peek(2).kind() == Kind.RPAREN) {
          parser.skip(3);
          return functionBody(t);
        }
        return null;
    }
  }

  /** {@code while LIST; do LIST; done}, and {@code until} the same. */
  private Node whileClause() throws ScriptException {
    Token t = parser.next();
    Node condition = parser.list();
    parser.expectWord("do", "after the condition of '" + t.text() + "' on line " + t.line());
    Node body = parser.list();
    parser.expectWord("done", "to end the '" + t.text() + "' loop of line " + t.line());
    return new Ast.Loop(condition, body, t.text().equals("until"), t.line());
  }

  /** {@code { LIST; }}. */
  private Node braceGroup() throws ScriptException {
    Token t = parser.next();
    Node group = parser.list();
    parser.expectWord("}", "to close the '{' of line " + t.line());
    return new Ast.Group(group, t.line());
  }

  /** {@code function NAME [()] BODY}. */
  private Node functionDefinition() throws ScriptException {
    parser.skip(1);
    Token name = parser.next();
    if (name.kind() != Kind.WORD || !NAME.matcher(name.text()).matches()) {
      throw new ScriptException(name.line(), "'function' needs a name");
    }
    if (parser.peek().kind() == Kind.LPAREN && parser.peek(1).kind() == Kind.RPAREN) {
      parser.skip(2);
    }
    return functionBody(name);
  }

  /** The body of the function {@code name}, a group or subshell, with the redirections of every call. */
  private Node functionBody(Token name) throws ScriptException {
    parser.skipNewlines();
    Node body = parser.command();
    Node inner = body;
    while (inner instanceof Ast.WriteTo || inner instanceof Ast.ReadFrom) { // '} > log': at every call
      inner = inner instanceof Ast.WriteTo w ? w.body() : ((Ast.ReadFrom) inner).body();
    }
    if (!(inner instanceof Ast.Group || inner instanceof Ast.Subshell)) {
      throw new ScriptException(name.line(), "the body of function '" + name.text() + "' must be { ...; }");
    }
    return new Ast.FunctionDef(name.text(), body, name.line());
  }

  /** {@code if LIST; then LIST; [elif LIST; then LIST;]... [else LIST;] fi}. */
  private Node ifClause() throws ScriptException {
    int line = parser.next().line();
    List<Node> conditions = new ArrayList<>();
    List<Node> bodies = new ArrayList<>();
    Node otherwise = null;
    conditions.add(parser.list());
    parser.expectWord("then", "after the condition of the 'if' of line " + line);
    bodies.add(parser.list());
    while (true) {
      Token t = parser.next();
      if (t.isWord("elif")) {
        conditions.add(parser.list());
        parser.expectWord("then", "after the condition of the 'elif' of line " + t.line());
        bodies.add(parser.list());
      } else if (t.isWord("else")) {
        otherwise = parser.list();
        parser.expectWord("fi", "to end the 'if' of line " + line);
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

  /** {@code for NAME [in WORDS]; do LIST; done}, and {@code for ((INIT; TEST; STEP)); do LIST; done}. */
  private Node forClause() throws ScriptException {
    int line = parser.next().line();
    Token t = parser.next();
    if (t.kind() == Kind.ARITH) {
      String[] parts = t.text().split(";", -1);
      if (parts.length != 3) {
        throw new ScriptException(line, "'for ((' needs three expressions: for ((i=0; i<n; i++))");
      }
      skipSeparator();
      parser.expectWord("do", "after 'for ((...))' on line " + line);
      Node body = parser.list();
      parser.expectWord("done", "to end the 'for' loop of line " + line);
      // leading blanks dropped, trailing ones kept: set -x shows '(( k = 0  ))', as bash's
      return new Ast.ArithFor(parts[0].stripLeading(), parts[1].stripLeading(), parts[2].stripLeading(), body, line);
    }
    if (t.kind() != Kind.WORD || !NAME.matcher(t.text()).matches()) {
      throw new ScriptException(line, "'for' needs a variable name, found '" + t.text() + "'");
    }
    parser.skipNewlines();
    List<Word> words = null;
    if (parser.peek().isWord("in")) {
      parser.skip(1);
      words = new ArrayList<>();
      while (parser.peek().kind() == Kind.WORD) {
        Token w = parser.next();
        words.add(new Word(w.text(), w.line()));
      }
    }
    skipSeparator();
    parser.expectWord("do", "after the words of the 'for' loop of line " + line);
    Node body = parser.list();
    parser.expectWord("done", "to end the 'for' loop of line " + line);
    return new Ast.For(t.text(), words, body, line);
  }

  /**
   * {@code case WORD in [(]PATTERN[|PATTERN]...) LIST ;; ... esac}, each branch ended by
   * {@code ;;}, {@code ;&} (on into the next branch) or {@code ;;&} (on to the next match); the
   * last branch may end at {@code esac}.
   */
  private Node caseClause() throws ScriptException {
    int line = parser.next().line();
    Token subject = parser.next();
    if (subject.kind() != Kind.WORD) {
      throw new ScriptException(line, "'case' needs a word to match, found '" + subject.text() + "'");
    }
    parser.skipNewlines();
    parser.expectWord("in", "after the word of the 'case' of line " + line);
    List<Ast.CaseBranch> branches = new ArrayList<>();
    parser.skipNewlines();
    while (!parser.peek().isWord("esac")) {
      Token t = parser.peek();
      if (t.kind() == Kind.EOF) {
        throw new ScriptException(t.line(), "expected 'esac' to end the 'case' of line " + line
            + ", found the end of the script");
      }
      if (t.kind() == Kind.LPAREN) {
        parser.skip(1);
      }
      List<Word> patterns = new ArrayList<>();
      while (true) {
        Token p = parser.next();
        if (p.kind() != Kind.WORD) {
          throw new ScriptException(p.line(), "expected a pattern of the 'case' of line " + line
              + ", found '" + p.text().replace("\n", "a new line") + "'");
        }
        patterns.add(new Word(p.text(), p.line()));
        if (parser.peek().kind() != Kind.PIPE || !parser.peek().text().equals("|")) {
          break;
        }
        parser.skip(1);
      }
      parser.expect(Kind.RPAREN, ")", "after the patterns of a branch of the 'case' of line " + line);
      Node body = parser.list();
      String end = ";;";
      if (parser.peek().kind() == Kind.DSEMI) {
        end = parser.next().text();
      } else if (!parser.peek().isWord("esac")) {
        throw new ScriptException(parser.peek().line(), "expected ';;' or 'esac' in the 'case' of line " + line
            + ", found '" + parser.peek().text() + "'");
      }
      branches.add(new Ast.CaseBranch(patterns, body, end));
      parser.skipNewlines();
    }
    parser.skip(1); // esac
    return new Ast.Case(new Word(subject.text(), subject.line()), branches, line);
  }

  /** The ';' or new lines before a loop's {@code do}. */
  private void skipSeparator() {
    if (parser.peek().kind() == Kind.SEMI) {
      parser.skip(1);
    }
    parser.skipNewlines();
  }

  /** {@code [[ EXPRESSION ]]}, as its words. */
  private Node conditional() throws ScriptException {
    int line = parser.next().line();
    List<Word> words = new ArrayList<>();
    while (true) {
      Token t = parser.next();
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
}
