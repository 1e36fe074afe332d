package swamp.master.script;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import swamp.master.script.Ast.Node;

/**
 * The walk into shell text that runs in a scope of its own: a function call (its {@code $1 $@},
 * its {@code local}s, {@code return}), a sourced file (this shell, its own arguments), a script
 * this one runs with bash ({@link ScriptCalls}: a shell of its own) and the EXIT trap's commands
 * as a script ends. The {@link Planner} walks the text itself ({@code walk}); this class sets
 * the scope up and takes it down, and turns {@code return} and {@code exit} into statuses.
 */
final class Calls {

  private final ShellState state;
  private final Variables variables;
  private final Map<String, Ast.FunctionDef> functions;
  private final ExitTrap exitTrap;
  private final Function<Node, Status> walk;
  /** How many scripts run by this one ({@code bash sub.sh}) are being planned. */
  private int scriptDepth;

  Calls(ShellState state, Variables variables, Map<String, Ast.FunctionDef> functions,
      ExitTrap exitTrap, Function<Node, Status> walk) {
    this.state = state;
    this.variables = variables;
    this.functions = functions;
    this.exitTrap = exitTrap;
    this.walk = walk;
  }

  /** Sourced files open ({@link #source}). */
  private int sourcing;

  /** Calls function {@code f} with {@code args}; {@code prefix}: the assignments before its name. */
  Status function(Ast.FunctionDef f, List<String> args, Map<String, String> prefix, int line) {
    if (variables.functionDepth() > 200) {
      throw Refusal.at(line, "function '" + f.name() + "' recurses more than 200 levels deep");
    }
    // 'X=v f': X is set and exported while f runs, as it was before once f returns
    Map<String, ShellState.Var> before = new HashMap<>();
    prefix.forEach((name, value) -> {
      ShellState.Var v = state.vars.get(name);
      before.put(name, v == null ? null : v.copy());
      exported(name, value);
    });
    ShellState.Var caller = state.vars.get("FUNCNAME"); // FUNCNAME: (f its-caller ... main)
    List<String> stack = new ArrayList<>(List.of(f.name()));
    stack.addAll(caller == null ? List.of("main") : caller.elements());
    state.setArray("FUNCNAME", stack);
    ShellState.Var callerLines = state.vars.get("BASH_LINENO"); // BASH_LINENO: (line of f's call ... 0)
    List<String> lines = new ArrayList<>(List.of(Integer.toString(line)));
    lines.addAll(callerLines == null ? List.of() : callerLines.elements());
    state.setArray("BASH_LINENO", lines);
    variables.enterFunction();
    try {
      return withArguments(args, f.body());
    } finally {
      variables.leaveFunction();
      if (caller == null) {
        state.vars.remove("FUNCNAME");
      } else {
        state.vars.put("FUNCNAME", caller);
      }
      if (callerLines == null) {
        state.vars.remove("BASH_LINENO");
      } else {
        state.vars.put("BASH_LINENO", callerLines);
      }
      before.forEach((name, v) -> {
        if (v == null) {
          state.vars.remove(name);
        } else {
          state.vars.put(name, v);
        }
      });
    }
  }

  private void exported(String name, String value) {
    state.setScalar(name, value);
    state.vars.get(name).exported = true;
  }

  /** {@code source FILE ARGS} (or {@code .}): the file's lines in this shell. */
  Status source(String name, List<String> args, int line) {
    if (args.isEmpty()) {
      throw Refusal.at(line, "'" + name + "' needs a file name");
    }
    String file = PlannedFiles.resolve(state.cwd, args.get(0));
    String written = state.files.text(file); // 'cat > env.sh <<EOF' before: its text is known
    if (written == null && state.files.touched(file)) { // where the walk can wait: once that has run
      throw new Refusal.ReadsPlanned(line, "'" + name + " " + args.get(0) + "': an earlier line writes that"
          + " file, and what it writes is known only once it has run; swamp waits for that, but not in a"
          + " subshell or function that may exit on a job's status, as here: put its commands in the script");
    }
    if (written == null && !Files.isReadable(Path.of(file))) {
      throw Refusal.at(line, "'" + name + " " + args.get(0) + "': swamp cannot read that file while"
          + " planning" + (state.files.touched(file) ? " (an earlier line writes it, and what it writes is known"
          + " only once it has run)" : "") + "; put its commands in the script");
    }
    Node sourced;
    try {
      sourced = ShellParser.parse(written != null ? written : Files.readString(Path.of(file)), 1);
    } catch (IOException e) {
      throw Refusal.at(line, "'" + name + " " + args.get(0) + "': " + e.getMessage());
    } catch (ScriptException e) {
      throw Refusal.at(line, "in " + args.get(0) + ", " + e.getMessage());
    }
    sourcing++;
    try {
      Node text = sourced;
      return ScriptReading.elsewhere(state, "'" + name + " " + args.get(0) + "'", line,
          () -> withArguments(args.size() > 1 ? args.subList(1, args.size()) : state.positional, text));
    } finally {
      sourcing--;
    }
  }

  /** Whether a sourced file is being walked, where {@code return} ends that file. */
  boolean inSource() {
    return sourcing > 0;
  }

  /** Walks {@code body} with {@code args} as {@code $1 $@}; a {@code return} in it ends it. */
  private Status withArguments(List<String> args, Node body) {
    List<String> saved = state.positional;
    state.positional = new ArrayList<>(args);
    try {
      return walk.apply(body);
    } catch (Jump j) {
      if (!j.is(Jump.Kind.RETURN)) {
        throw j;
      }
      return j.status(); // a bare 'return' after a job: that job's status
    } finally {
      state.positional = saved;
    }
  }

  /**
   * A script that this one runs, as bash would run it: a shell of its own, which sees the
   * exported variables only, its own arguments, functions, options and EXIT trap, and leaves
   * nothing set behind.
   */
  Status script(ScriptCalls.Call call, Map<String, String> prefix, int line) {
    if (++scriptDepth > 50) {
      scriptDepth--;
      throw Refusal.at(line, "scripts run scripts more than 50 levels deep");
    }
    ShellState.Saved saved = state.enterScript(call.arg0(), call.args());
    boolean dashEcho = state.dashEcho;
    state.dashEcho = call.dash();
    prefix.forEach(this::exported); // 'X=v ./sub.sh': in its environment
    Map<String, Ast.FunctionDef> savedFunctions = new HashMap<>(functions);
    Set<String> savedExports = Set.copyOf(state.exportedFunctions);
    String[] savedTrap = exitTrap.save();
    // what 'export -f' names, a bash has from its environment; sh (dash) does not take them
    functions.keySet().retainAll(call.dash() ? Set.of() : savedExports);
    state.exportedFunctions.retainAll(functions.keySet());
    try {
      Status status;
      try {
        if (!call.options().isEmpty()) { // 'bash -e sub.sh', '#!/bin/bash -e': set before its first line
          List<Ast.Word> set = new ArrayList<>(List.of(new Ast.Word("set", line)));
          call.options().forEach(o -> set.add(new Ast.Word(o, line)));
          walk.apply(new Ast.Simple(set, List.of(), line));
        }
        status = ScriptReading.elsewhere(state, "a script run with bash", line, () -> walk.apply(call.program()));
      } catch (Jump j) {
        status = j.is(Jump.Kind.EXIT) || j.is(Jump.Kind.RETURN) ? j.status() : Status.OK;
      }
      Status trapped = exitTrap(status);
      return trapped == null ? status : trapped;
    } finally {
      state.restore(saved);
      state.dashEcho = dashEcho;
      functions.clear();
      functions.putAll(savedFunctions);
      state.exportedFunctions.clear();
      state.exportedFunctions.addAll(savedExports);
      exitTrap.restore(savedTrap);
      scriptDepth--;
    }
  }

  /** Plans the ERR trap's commands for a command of {@code line} that failed; its exit jumps. */
  void errTrap(int line) {
    Status failed = state.last;
    Node action = exitTrap.errAt(line);
    state.trapDepth++;
    try {
      ScriptReading.elsewhere(state, "the ERR trap", line, () -> walk.apply(action));
    } finally {
      state.trapDepth--;
    }
    state.last = failed;
  }

  /**
   * Plans the EXIT trap's commands as a script ends, once, with {@code status} as their {@code $?}
   * (null: the last command's): the status {@code exit N} in them gives, else {@code status}
   * (null when there was no trap and {@code status} is null).
   */
  Status exitTrap(Status status) {
    Node action = exitTrap.take();
    if (action == null) {
      return status;
    }
    if (status != null) {
      state.last = status;
    }
    state.trapDepth++;
    try {
      ScriptReading.elsewhere(state, "the EXIT trap", state.currentLine, () -> walk.apply(action));
    } catch (Jump j) {
      if (j.is(Jump.Kind.EXIT)) {
        return Status.of(j.value);
      }
    } finally {
      state.trapDepth--;
    }
    return status;
  }
}
