/**
 * The master's HTTP API: {@link swamp.master.api.HttpApi} (routing, limits, the bearer token),
 * {@link swamp.master.api.JobRequests} (the checks every request body passes) and the JSON shapes
 * of the pool. It reaches the master's actors only through {@link swamp.master.api.MasterAsk}, so
 * it does not depend on the singleton that owns them.
 */
package swamp.master.api;
