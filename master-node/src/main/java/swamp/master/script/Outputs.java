package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Where the commands of a compound command send their output when the compound's own is
 * redirected ({@code done > list.txt}, {@code } 2> errors.log}), or the script's is ({@code exec >
 * log 2>&1}): absolute paths, null for the terminal (the job's output comes back to whoever
 * submitted it).
 *
 * <p>bash opens such a file once, emptying it, and every command inside writes to it in turn.
 * swamp plans the emptying as a job of its own ({@code true > f}) and has every command inside
 * append to the file ({@code >> f}) unless it redirects that stream itself. Two commands that
 * write one file run one after the other ({@link Dependencies}), so the file holds their output
 * in bash's order, and those commands do not run in parallel.
 *
 * <p>{@code exec > >(tee -a run.log) 2>&1}, the usual way to keep a log of what a script shows,
 * sends the output to the terminal and a copy into a file ({@code copy}): a job whose output
 * reaches the terminal then ends in a stage {@code | tee -a run.log} ({@link JobDrafts}), and
 * {@code tee} without {@code -a} empties the file once, when the {@code exec} runs, as it does
 * when it starts.
 */
record Outputs(String stdout, String stderr, String copy) {

  static final Outputs TERMINAL = new Outputs(null, null, null);
  /**
   * {@code stderr} of {@code { ...; } 2>&1} where the output goes to the terminal: the errors go
   * there too, into the jobs' output, wherever their output goes next.
   */
  static final String TERMINAL_OUTPUT = "&1";
  /** {@code stdout} of {@code { ...; } >&2} where errors go to the terminal: the jobs' errors. */
  static final String TERMINAL_ERRORS = "&2";

  /**
   * These outputs with {@code redirects} applied left to right, as bash applies them; the
   * targets are expanded and resolved against {@code cwd} now, when the compound starts, and
   * {@code open} plans the opening of each file, as bash opens it before anything runs inside:
   * emptied by {@code >} ({@code false}), made if missing by {@code >>} ({@code true}).
   */
  Outputs with(List<Ast.Redirect> redirects, String cwd, Expander expander, BiConsumer<String, Boolean> open) {
    String out = stdout;
    String err = stderr;
    String copied = copy;
    for (Ast.Redirect r : redirects) {
      boolean both = r.op().startsWith("&");
      switch (r.op()) {
        case ">", ">>", "&>", "&>>" -> {
          String raw = r.target().raw();
          if (raw.startsWith(">(") && raw.endsWith(")")) { // '> >(tee -a run.log)'
            if (!both && r.fd() != 1) {
              throw Refusal.at(r.line(), "'" + r.fd() + r.op() + " " + raw + "' is not"
                  + " supported; 'exec > >(tee -a FILE) 2>&1' keeps a copy of the output and errors");
            }
            Tee tee = Tee.of(raw, r.line(), expander);
            copied = PlannedFiles.resolve(cwd, tee.file());
            open.accept(copied, tee.append());
            out = null;
            if (both) {
              err = TERMINAL_OUTPUT;
            }
            continue;
          }
          String target = expander.expandString(r.target().raw(), r.line());
          if (target.isEmpty()) {
            throw Refusal.at(r.line(), "ambiguous redirect: '" + r.target().raw() + "' expands to nothing");
          }
          String path = PlannedFiles.resolve(cwd, target);
          if (!path.startsWith("/dev/")) {
            open.accept(path, r.op().endsWith(">>"));
          }
          if (both || r.fd() == 1) {
            out = path;
            copied = null;
          }
          if (both || r.fd() == 2) {
            err = path;
          }
          if (!both && r.fd() != 1 && r.fd() != 2) {
            throw Refusal.at(r.line(), "redirection of descriptor " + r.fd() + " is not supported");
          }
        }
        case ">&" -> {
          String to = r.target().raw();
          if (r.fd() == 2 && to.equals("1")) {
            err = out == null ? TERMINAL_OUTPUT : TERMINAL_ERRORS.equals(out) ? null : out;
          } else if (r.fd() == 1 && to.equals("2")) {
            out = err == null ? TERMINAL_ERRORS : TERMINAL_OUTPUT.equals(err) ? null : err;
            copied = out == null ? copied : null;
          } else if (!to.equals(Integer.toString(r.fd()))) {
            throw Refusal.at(r.line(), "'" + r.fd() + ">&" + to + "' is not supported; only 2>&1 and >&2");
          }
        }
        default -> throw Refusal.at(r.line(), "redirection '" + r.op() + "' of a compound command or"
            + " 'exec' is not supported; only output to files ('> f', '>> f', '2> f', '&> f', '2>&1')");
      }
    }
    return new Outputs(out, err, copied);
  }

  /**
   * The outputs of the commands of a command substitution: what they print is the
   * substitution's, wherever the commands around it write theirs ({@code done | sort}, {@code }
   * > log}); their errors go where those commands' go.
   */
  Outputs inSubstitution() {
    return new Outputs(null, TERMINAL_OUTPUT.equals(stderr) ? null : stderr, null);
  }

  /** {@code >(tee [-a] FILE)}: the file it writes, and whether it appends rather than empties it first. */
  record Tee(String file, boolean append) {

    static Tee of(String raw, int line, Expander expander) {
      String inner = raw.substring(2, raw.length() - 1);
      Ast.Node n;
      try {
        n = ShellParser.parse(inner, line);
      } catch (ScriptException e) {
        throw Refusal.at(line, "in '" + raw + "': " + e.problem());
      }
      if (n instanceof Ast.Sequence q && q.items().size() == 1) {
        n = q.items().get(0);
      }
      List<String> words = n instanceof Ast.Simple c && c.redirects().isEmpty()
          ? c.words().stream().map(w -> expander.expandString(w.raw(), line)).toList() : List.of();
      boolean append = false;
      List<String> files = new ArrayList<>();
      for (String w : words.isEmpty() ? words : words.subList(1, words.size())) {
        if (w.equals("-a") || w.equals("--append")) {
          append = true;
        } else if (!w.equals("-i") && !w.equals("-p")) {
          files.add(w);
        }
      }
      if (words.isEmpty() || !words.get(0).equals("tee") || files.size() != 1
          || files.get(0).startsWith("-") || files.get(0).isEmpty()) {
        throw Refusal.at(line, "'> " + raw + "' is supported as 'exec > >(tee [-a] FILE)', a copy"
            + " of the output in one file; write the output to a file ('exec > run.log 2>&1') or"
            + " pipe the whole run ('bin/swamp run script.sh | tee run.log')");
      }
      return new Tee(files.get(0), append);
    }
  }

  /**
   * The redirections a stage of a job planned in {@code cwd} takes from here, to go before its
   * own (which override them): only a pipeline's {@code last} stage writes its output here, the
   * others write it into the pipe.
   */
  List<Ast.Redirect> forStage(boolean last, String cwd, int line) {
    List<Ast.Redirect> inherited = new ArrayList<>(3);
    if (last && TERMINAL_OUTPUT.equals(stderr)) { // before the output's file: errors stay in the output
      inherited.add(new Ast.Redirect(2, ">&", new Ast.Word("1", line), line));
    }
    if (last && TERMINAL_ERRORS.equals(stdout)) { // { echo usage; } >&2
      inherited.add(new Ast.Redirect(1, ">&", new Ast.Word("2", line), line));
    } else if (last && stdout != null) {
      inherited.add(new Ast.Redirect(1, ">>", quoted(relative(stdout, cwd), line), line));
    }
    if (stderr != null && !TERMINAL_OUTPUT.equals(stderr)) {
      inherited.add(new Ast.Redirect(2, ">>", quoted(relative(stderr, cwd), line), line));
    }
    return inherited;
  }

  /** {@code > path} for a job planned in {@code cwd}: it empties the file. */
  static Ast.Redirect emptying(String path, String cwd, int line) {
    return opening(path, false, cwd, line);
  }

  /** {@code > path}, or {@code >> path} ({@code append}): the file is there after it. */
  static Ast.Redirect opening(String path, boolean append, String cwd, int line) {
    return new Ast.Redirect(1, append ? ">>" : ">", quoted(relative(path, cwd), line), line);
  }

  /** {@code < path} for a job planned in {@code cwd}. */
  static Ast.Redirect reading(String path, String cwd, int line) {
    return new Ast.Redirect(0, "<", quoted(relative(path, cwd), line), line);
  }

  /** Whether {@code redirects}, applied left to right, send standard error where the output went ({@code 2>&1}). */
  static boolean errorsToOutput(List<Ast.Redirect> redirects) {
    String out = "1";
    String err = "2";
    for (Ast.Redirect r : redirects) {
      String to = r.op().equals(">&") ? (r.target().raw().equals("1") ? out : r.target().raw().equals("2") ? err : r.target().raw())
          : r.target().raw();
      if (r.op().startsWith("&")) {
        out = to;
        err = to;
      } else if (r.op().contains(">") && r.fd() == 2) {
        err = to;
      } else if (r.op().contains(">") && r.fd() != 0) {
        out = to;
      }
    }
    return err.equals("1");
  }

  /** Whether any of {@code redirects} writes a file other than {@code /dev/null}. */
  static boolean writesFile(List<Ast.Redirect> redirects) {
    for (Ast.Redirect r : redirects) {
      if (r.op().startsWith(">") || r.op().startsWith("&>")) {
        if (!r.op().equals(">&") && !r.target().raw().equals("/dev/null")) {
          return true;
        }
      }
    }
    return false;
  }

  /** A file below the command's directory as the script would write it. */
  static String relative(String path, String cwd) {
    String dir = cwd.endsWith("/") ? cwd : cwd + "/";
    return path.startsWith(dir) ? path.substring(dir.length()) : path;
  }

  /** A word that expands to {@code text} as it is. */
  static Ast.Word quoted(String text, int line) {
    return new Ast.Word("'" + text.replace("'", "'\\''") + "'", line);
  }
}
