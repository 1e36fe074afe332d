/**
 * The master's HTTP server on pekko-http: {@link swamp.master.api.ApiServer} (binding, HTTPS),
 * {@link swamp.master.api.ApiRoutes} (the /api routes), {@link swamp.master.api.ApiGate} (the
 * token, the cross-site check, a standby's redirect), {@link swamp.master.api.ApiReplies} (JSON
 * answers and errors), {@link swamp.master.api.JobRequests} and {@link
 * swamp.master.api.RunRequests} (the checks every job's and every run's body passes, on {@link
 * swamp.master.api.JsonFields}), the dashboard ({@link swamp.master.api.DashboardRoutes}, its live feed
 * {@link swamp.master.api.LiveFeed}, its plot's history {@link swamp.master.api.PoolHistory}) and {@link swamp.master.api.PoolMetrics}. It reaches the master's actors only through {@link swamp.master.api.MasterAsk}, so
 * it does not depend on the singleton that owns them.
 */
package swamp.master.api;
