/**
 * {@code bin/swamp run} ({@link swamp.master.cli.SwampCli}): {@link swamp.master.script.Script}
 * plans a script's commands and the dependencies between them, {@link swamp.master.cli.ScriptRun}
 * runs the plan on a master, {@link swamp.master.cli.LocalMaster} is a master in this process when
 * there is none; and {@code bin/swamp --help} ({@link swamp.master.cli.Help}). The other client
 * commands and the HTTP client live in {@code swamp.client} (in shared-protocol), which {@code
 * bin/swamp} starts on a class path of its own. Everything here talks to a master only through the
 * HTTP API, never through actors.
 */
package swamp.master.cli;
