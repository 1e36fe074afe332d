/**
 * The client side of {@code bin/swamp}: {@link swamp.master.cli.SwampCli} (submit, run, status,
 * workers, cancel, dismiss), {@link swamp.master.script.Script} (a script's commands and the
 * dependencies between them) and the HTTP client they share. It talks to a master only through
 * the HTTP API, never through actors, so a client starts no actor system and depends on nothing
 * of the master's but the JSON shapes.
 */
package swamp.master.cli;
