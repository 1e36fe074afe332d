package swamp.master.script;

import java.util.List;
import java.util.stream.Collectors;
import swamp.master.script.Ast.Node;

/**
 * A function as {@code declare -f NAME} prints it: bash 5.2 does not keep the text as written
 * but prints its tree again, {@code NAME () }, then {@code { } and the body four spaces in, one
 * command a line, each but the last of a group ended with {@code ;}; comments gone, words as
 * written, a command substitution's commands printed again on one line. What this class cannot
 * print exactly as bash does (a here-document, a subshell, {@code &}, a function in a function)
 * is refused by name.
 */
final class FunctionText {

  private final int line;

  private FunctionText(int line) {
    this.line = line;
  }

  /** {@code f}'s text, as {@code declare -f f} prints it (with its newline). */
  static String of(Ast.FunctionDef f) {
    if (!(f.body() instanceof Ast.Group g)) {
      throw unsupported(f.line(), "a function whose body is not a '{ ...; }' group");
    }
    return f.name() + " () \n{ \n" + new FunctionText(f.line()).block(g.body(), 4, false) + "\n}\n";
  }

  /**
   * A command as {@code $BASH_COMMAND} holds it, which bash prints from its tree as it prints a
   * function's: {@code ls "$f" 2> /dev/null > out.txt}, {@code [[ -f "$f" ]]}, {@code (( x ))}. An ERR trap's {@code echo "failed:
   * $BASH_COMMAND"} names the command that failed. What this class cannot print (a here-document)
   * leaves the words alone.
   */
  static String ofCommand(Node c) {
    try {
      return new FunctionText(c.line()).command(c, 0);
    } catch (Refusal r) {
      return c instanceof Ast.Simple s ? s.words().stream().map(Ast.Word::raw).collect(Collectors.joining(" ")) : "";
    }
  }

  private static Refusal unsupported(int line, String what) {
    return Refusal.at(line, "declare -f of a function with " + what + " is not supported: bash prints its body"
        + " in a form of its own that swamp's planner does not print; write the function's text with cat <<'EOF'");
  }

  private static String pad(int indent) {
    return " ".repeat(indent);
  }

  /** The commands of {@code n}, one a line at {@code indent}, the last ended with ';' where {@code ended}. */
  private String block(Node n, int indent, boolean ended) {
    List<Node> items = n instanceof Ast.Sequence s ? s.items() : List.of(n);
    return items.stream().map(c -> pad(indent) + command(c, indent)).collect(Collectors.joining(";\n"))
        + (ended ? ";" : "");
  }

  /** One command; the lines after its first at {@code indent}. */
  private String command(Node n, int indent) {
    if (n instanceof Ast.Simple c) {
      if (c.words().isEmpty()) {
        throw unsupported(c.line(), "a redirection without a command");
      }
      String words = c.words().stream().map(w -> word(w.raw())).collect(Collectors.joining(" "));
      return words + redirects(c.redirects());
    } else if (n instanceof Ast.Pipeline p) {
      return (p.negated() ? "! " : "") + p.stages().stream().map(s -> command(s, indent))
          .collect(Collectors.joining(" | "));
    } else if (n instanceof Ast.AndOr a) {
      StringBuilder b = new StringBuilder(command(a.first(), indent));
      for (int k = 0; k < a.ops().size(); k++) {
        b.append(' ').append(a.ops().get(k)).append(' ').append(command(a.rest().get(k), indent));
      }
      return b.toString();
    } else if (n instanceof Ast.If i) {
      return ifText(i.conditions(), i.bodies(), i.otherwise(), indent);
    } else if (n instanceof Ast.For f) {
      if (f.words() != null && f.words().isEmpty()) {
        throw unsupported(f.line(), "'for' over no words");
      }
      String words = f.words() == null ? "\"$@\""
          : f.words().stream().map(w -> word(w.raw())).collect(Collectors.joining(" "));
      return "for " + f.name() + " in " + words + ";\n" + loopBody(f.body(), indent);
    } else if (n instanceof Ast.ArithFor f) {
      if (f.init().isBlank() || f.condition().isBlank() || f.step().isBlank()) {
        throw unsupported(f.line(), "'for ((...))' with a part left out");
      }
      return "for ((" + f.init().strip() + "; " + f.condition().strip() + "; " + f.step().strip() + "))\n"
          + loopBody(f.body(), indent);
    } else if (n instanceof Ast.Loop l) {
      return (l.until() ? "until " : "while ") + condition(l.condition(), indent) + "; do\n"
          + block(l.body(), indent + 4, true) + "\n" + pad(indent) + "done";
    } else if (n instanceof Ast.Case c) {
      StringBuilder b = new StringBuilder("case " + word(c.subject().raw()) + " in \n");
      for (Ast.CaseBranch br : c.branches()) {
        b.append(pad(indent + 4)).append(br.patterns().stream().map(w -> word(w.raw())).collect(Collectors.joining(" | ")))
            .append(")\n").append(br.body() == null ? "" : block(br.body(), indent + 8, false)).append('\n')
            .append(pad(indent + 4)).append(br.end()).append('\n');
      }
      return b.append(pad(indent)).append("esac").toString();
    } else if (n instanceof Ast.Group g) {
      return "{ \n" + block(g.body(), indent + 4, false) + "\n" + pad(indent) + "}";
    } else if (n instanceof Ast.WriteTo w) {
      return command(w.body(), indent) + redirects(w.outputs());
    } else if (n instanceof Ast.ReadFrom r) {
      return command(r.body(), indent) + redirects(List.of(r.input()));
    } else if (n instanceof Ast.Arith a) {
      return "((" + a.expression() + "))";
    } else if (n instanceof Ast.Conditional c) {
      return "[[ " + c.words().stream().map(w -> word(w.raw())).collect(Collectors.joining(" ")) + " ]]";
    } else if (n instanceof Ast.Subshell) {
      throw unsupported(n.line(), "a subshell '( ... )'");
    } else if (n instanceof Ast.Background) {
      throw unsupported(n.line(), "a command run with '&'");
    } else if (n instanceof Ast.FunctionDef) {
      throw unsupported(n.line(), "a function defined inside it");
    }
    throw unsupported(n.line(), "a list of commands where one is expected");
  }

  /** {@code if}; an {@code elif} is printed as bash does, an {@code if} inside the {@code else}. */
  private String ifText(List<Node> conditions, List<Node> bodies, Node otherwise, int indent) {
    StringBuilder b = new StringBuilder("if " + condition(conditions.get(0), indent) + "; then\n"
        + block(bodies.get(0), indent + 4, true) + "\n");
    if (conditions.size() > 1) {
      b.append(pad(indent)).append("else\n").append(pad(indent + 4))
          .append(ifText(conditions.subList(1, conditions.size()), bodies.subList(1, bodies.size()), otherwise,
              indent + 4)).append(";\n");
    } else if (otherwise != null) {
      b.append(pad(indent)).append("else\n").append(block(otherwise, indent + 4, true)).append('\n');
    }
    return b.append(pad(indent)).append("fi").toString();
  }

  private String condition(Node n, int indent) {
    if (n instanceof Ast.Sequence) {
      throw unsupported(n.line(), "a condition of several commands");
    }
    return command(n, indent);
  }

  private String loopBody(Node body, int indent) {
    return pad(indent) + "do\n" + block(body, indent + 4, true) + "\n" + pad(indent) + "done";
  }

  private String redirects(List<Ast.Redirect> redirects) {
    StringBuilder b = new StringBuilder();
    for (Ast.Redirect r : redirects) {
      b.append(' ');
      switch (r.op()) {
        case ">&" -> b.append(r.fd()).append(">&").append(r.target().raw());
        case "&>", "&>>", "<<<" -> b.append(r.op()).append(' ').append(word(r.target().raw()));
        case ">", ">>", "<" -> b.append(r.fd() == (r.op().equals("<") ? 0 : 1) ? "" : Integer.toString(r.fd()))
            .append(r.op()).append(' ').append(word(r.target().raw()));
        default -> throw unsupported(r.line(), "a here-document");
      }
    }
    return b.toString();
  }

  /** A word as written, its command substitutions ({@code $( date  +%Y )}) printed again as bash does. */
  private String word(String raw) {
    StringBuilder b = new StringBuilder();
    boolean single = false;
    for (int k = 0; k < raw.length(); k++) {
      char c = raw.charAt(k);
      if (single) {
        single = c != '\'';
      } else if (c == '\\' && k + 1 < raw.length()) {
        b.append(c).append(raw.charAt(++k));
        continue;
      } else if (c == '\'' && !insideDoubleQuotes(b)) {
        single = true;
      } else if (raw.startsWith("$(", k) && !raw.startsWith("$((", k)) {
        int end = Scan.close(raw, k + 2, "(");
        if (end < 0) {
          throw unsupported(line, "a command substitution it cannot read");
        }
        b.append("$(").append(substitution(raw.substring(k + 2, end))).append(')');
        k = end;
        continue;
      }
      b.append(c);
    }
    return b.toString();
  }

  /** Whether the text printed so far leaves an unclosed double quote open. */
  private static boolean insideDoubleQuotes(CharSequence s) {
    boolean inside = false;
    boolean single = false;
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c == '\\' && !single) {
        k++;
      } else if (c == '\'' && !inside) {
        single = !single;
      } else if (c == '"' && !single) {
        inside = !inside;
      }
    }
    return inside;
  }

  /** The commands of a command substitution, on one line as bash prints them there. */
  private String substitution(String text) {
    Node n;
    try {
      n = ShellParser.parse(text, line);
    } catch (ScriptException e) {
      throw unsupported(line, "a command substitution it cannot read");
    }
    List<Node> items = n instanceof Ast.Sequence s ? s.items() : List.of(n);
    return items.stream().map(c -> {
      String printed = command(c, 0);
      if (printed.contains("\n")) {
        throw unsupported(line, "a loop or group inside a command substitution");
      }
      return printed;
    }).collect(Collectors.joining("; "));
  }
}
