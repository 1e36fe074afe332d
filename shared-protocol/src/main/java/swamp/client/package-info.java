/**
 * The client commands of {@code bin/swamp} that answer at once ({@link swamp.client.ClientCli}:
 * submit, status, runs, workers, cancel, dismiss) and the HTTP client ({@link
 * swamp.client.MasterClient}) that {@code run} shares with them. It talks to a master only through
 * the HTTP API and depends on Typesafe Config alone (for durations): {@code bin/swamp} starts
 * these commands on this module's class path and a class-data archive of it, without Pekko or the
 * master's journal and database. master-node depends on this module; nothing here depends on
 * another swamp module.
 */
package swamp.client;
